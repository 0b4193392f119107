import { describe, safeString } from '../core/validate.ts';
import { BatchResultError } from '../errors/batch-result-error.ts';

/**
 * What a batch function returns: one value per key, in key order (an `Error` in a slot is that
 * key's error), or a Map from each key — its cache key when the loader has `cacheKey` — to its
 * value or `Error`.
 */
export type BatchValues<V, C> = readonly (V | Error)[] | ReadonlyMap<C, V | Error>;

const SHOWN_KEYS = 5;

/**
 * The value or `Error` of each key, in key order, from what the batch function returned.
 *
 * @throws {BatchResultError} restating the contract when `result` breaks it.
 * @internal
 */
export function valuesByKey<V, C>(result: unknown, cacheKeys: readonly C[]): (V | Error)[] {
  if (Array.isArray(result)) {
    if (result.length !== cacheKeys.length) {
      throw new BatchResultError(
        `A loader's batch function must return one value per key, in key order: it returned ${result.length} values for ${cacheKeys.length} keys`,
      );
    }
    return result as (V | Error)[];
  }
  if (result instanceof Map) {
    const missing = cacheKeys.filter((key) => !result.has(key));
    if (missing.length > 0) {
      throw new BatchResultError(
        `A loader's batch function returned a Map without ${missing.length} of the ${cacheKeys.length} keys: ${listKeys(missing)}`,
      );
    }
    return cacheKeys.map((key) => result.get(key) as V | Error);
  }
  throw new BatchResultError(
    `A loader's batch function must return an array or a Map (or a promise of one), got ${describe(result)}`,
  );
}

/**
 * The error every caller of a batch gets when the batch function throws or rejects: the error
 * itself, or a {@link BatchResultError} for a thrown value that is not an `Error`.
 *
 * @internal
 */
export function batchFailure(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new BatchResultError(
    `A loader's batch function must fail with an Error, it failed with ${describe(thrown)}`,
    { cause: thrown },
  );
}

function listKeys(keys: readonly unknown[]): string {
  const shown = keys.slice(0, SHOWN_KEYS).map((key) => safeString(key));
  return keys.length > SHOWN_KEYS ? `${shown.join(', ')}, …` : shown.join(', ');
}
