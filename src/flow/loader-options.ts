import {
  checkBoolean,
  checkFunction,
  checkInteger,
  checkSignal,
  POSITIVE_INTEGER_OR_INFINITY,
} from '../core/checks.ts';
import { checkKnownOptions, fail, ownOptions } from '../core/validate.ts';
import type { BatchValues } from './batch-results.ts';
import { LOADER_OPTIONS } from './known-options.ts';

/** What a batch function is given besides the keys. */
export interface BatchState {
  /**
   * Aborted when nobody waits for any key of the batch any more (every caller cancelled), or when
   * the loader's `signal` aborts. Pass it on to the request.
   */
  readonly signal: AbortSignal;
}

/**
 * Loads many keys at once: given the keys of a batch (distinct, in the order they were first
 * asked for), it returns their values — an array in key order or a Map by key — or a promise
 * of them. See {@link BatchValues}.
 */
export type BatchFunction<K, V, C = K> = (
  keys: readonly K[],
  state: BatchState,
) => BatchValues<V, C> | PromiseLike<BatchValues<V, C>>;

/**
 * Options of {@link loader}.
 *
 * @example
 * ```ts
 * import { loader, Session } from 'fanout';
 *
 * interface User {
 *   id: number;
 *   name: string;
 * }
 * const session = new Session({ baseURL: 'http://127.0.0.1:8080' });
 * const users = loader({
 *   batch: async (ids: readonly number[], { signal }) =>
 *     (await session.get('/users', { params: { ids: ids.join(',') }, signal })).json<User[]>(),
 *   maxBatchSize: 100,
 * });
 * ```
 */
export interface LoaderOptions<K, V, C = K> {
  /** Loads a batch of keys. Required. */
  batch: BatchFunction<K, V, C>;
  /** The most keys in one batch; more keys are split into several batches, sent together. @default Infinity */
  maxBatchSize?: number;
  /**
   * How long a batch gathers keys, in milliseconds. `0` gathers the `load()` calls of the current
   * tick (including those made in promise callbacks that run in it). @default 0
   */
  window?: number;
  /**
   * Maps a key to the value that identifies it (for memoisation, deduplication, and the keys of a
   * Map returned by `batch`), e.g. `(user) => user.id` for object keys. @default the key itself
   */
  cacheKey?: (key: K) => C;
  /**
   * Memoise each key's value for the life of the loader (one scope: see {@link Loader.scope});
   * errors are never memoised. `false` still sends each key once per batch. @default true
   */
  cache?: boolean;
  /** Aborting it cancels every load, waiting or future, and aborts the batches in flight. */
  signal?: AbortSignal;
}

/** Options of one {@link Loader.load} or {@link Loader.loadMany}. */
export interface LoadOptions {
  /** Aborting it cancels this caller's load only; the batch goes on for the others. */
  signal?: AbortSignal;
}

/** Loader options validated, with their defaults. @internal */
export interface LoaderConfig<K, V, C> {
  readonly batch: BatchFunction<K, V, C>;
  readonly maxBatchSize: number;
  readonly window: number;
  readonly cacheKey: ((key: K) => C) | undefined;
  readonly cache: boolean;
  readonly signal: AbortSignal | undefined;
}

/**
 * Validates loader options once, at creation.
 *
 * @throws {InvalidOptionError} naming the option and the value received.
 * @internal
 */
export function loaderConfig<K, V, C>(given: LoaderOptions<K, V, C>): LoaderConfig<K, V, C> {
  if (typeof given !== 'object' || given === null) fail('options', 'an object', given);
  const options = ownOptions(given);
  checkKnownOptions(options, LOADER_OPTIONS);
  const window = options.window ?? 0;
  if (typeof window !== 'number' || !Number.isFinite(window) || window < 0)
    fail('window', 'a finite number of milliseconds >= 0', window);
  return {
    batch: checkFunction('batch', options.batch),
    maxBatchSize: checkInteger(
      'maxBatchSize',
      options.maxBatchSize,
      POSITIVE_INTEGER_OR_INFINITY,
      Number.POSITIVE_INFINITY,
    ),
    window,
    cacheKey:
      options.cacheKey === undefined ? undefined : checkFunction('cacheKey', options.cacheKey),
    cache: checkBoolean('cache', options.cache, true),
    signal: checkSignal('signal', options.signal),
  };
}
