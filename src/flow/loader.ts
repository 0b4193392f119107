import { offAbort, onAbort } from '../core/abort-fanout.ts';
import { checkSignal } from '../core/checks.ts';
import type { Membership } from '../core/single-flight.ts';
import { checkKnownOptions, describe, fail, own } from '../core/validate.ts';
import { CancelledError } from '../errors/cancelled-error.ts';
import { InvalidOptionError } from '../errors/invalid-option-error.ts';
import { Future } from '../futures/future.ts';
import { memberFuture } from '../futures/member-future.ts';
import { batchFailure, valuesByKey } from './batch-results.ts';
import { afterTick, afterWindow, type Scheduled } from './batch-scheduler.ts';
import { LOAD_OPTIONS } from './known-options.ts';
import {
  type LoaderConfig,
  type LoaderOptions,
  type LoadOptions,
  loaderConfig,
} from './loader-options.ts';

/** A caller waiting for a key. */
interface Member<V> {
  resolve(value: V): void;
  reject(error: unknown): void;
}

/** One key of a batch: the callers waiting for it, and its value once delivered. */
class Entry<K, V, C> {
  readonly key: K;
  readonly cacheKey: C;
  readonly batch: Batch<K, V, C>;
  /** Whether {@link value} holds the delivered value (a memoised entry keeps it). */
  isFulfilled = false;
  value: V | undefined;
  /** Callers still waiting, in the order they asked; emptied once the outcome is known. */
  readonly waiting = new Set<Member<V>>();

  constructor(key: K, cacheKey: C, batch: Batch<K, V, C>) {
    this.key = key;
    this.cacheKey = cacheKey;
    this.batch = batch;
  }
}

/** The keys sent in one call of the batch function. */
class Batch<K, V, C> {
  /** Its keys by cache key: gathered until it is sent, fixed from then on. */
  readonly entries = new Map<C, Entry<K, V, C>>();
  /** Its signal is the batch function's: aborted when nobody waits any more. */
  readonly controller = new AbortController();
  isSent = false;
  /** When it will be sent; replaced by an earlier send when it fills up. */
  scheduled: Scheduled | undefined;
}

/**
 * A DataLoader-style batcher: `load(key)` calls made in the same tick (or `window`) are gathered
 * into one call of the batch function, and each caller gets the value or error of its own key.
 * See {@link loader} and `docs/COALESCING.md`.
 *
 * **Memoisation is per loader**, and a loader is meant to live as long as one unit of work (one
 * incoming request, one page): create one per request, or call {@link Loader.scope} on a shared
 * one, so one user's values never reach another. Errors are never memoised.
 */
export class Loader<K, V, C = K> {
  readonly #options: LoaderOptions<K, V, C>;
  readonly #config: LoaderConfig<K, V, C>;
  // Entries by cache key with `cache: true`: waiting, in flight or fulfilled. A failed or
  // abandoned entry leaves it, so the next load of its key asks again.
  readonly #memo: Map<C, Entry<K, V, C>> | undefined;
  // The batch gathering keys now; undefined when none is open.
  #open: Batch<K, V, C> | undefined;
  // Batches scheduled or in flight; the loader's signal is listened to only while there are some.
  readonly #live = new Set<Batch<K, V, C>>();
  readonly #onAbort = () => this.#abortAll();

  /**
   * @throws {InvalidOptionError} for a bad option (see {@link LoaderOptions}).
   */
  constructor(options: LoaderOptions<K, V, C>) {
    this.#config = loaderConfig(options);
    this.#options = options;
    this.#memo = this.#config.cache ? new Map() : undefined;
  }

  /**
   * The value of `key`, as a future: fulfilled with its value, or failed with its error (an
   * `Error` the batch function returned for it, what the batch function threw, a
   * {@link BatchResultError}, or a {@link CancelledError}). Bad input gives a failed future.
   */
  load(key: K, options?: LoadOptions): Future<V> {
    try {
      checkKnownOptions(options, LOAD_OPTIONS);
      const signal = checkSignal('signal', own(options, 'signal'));
      if (key === undefined) fail('key', 'a defined value', key);
      this.#checkAborted();
      const entry = this.#entryFor(key, this.#cacheKeyOf(key));
      if (entry.isFulfilled) return Future.resolve(entry.value as V);
      return memberFuture(() => this.#join(entry), signal);
    } catch (error) {
      return Future.reject(error);
    }
  }

  /**
   * The values of `keys`, in order, with the error of a key that failed in its place (as
   * DataLoader's `loadMany`). Cancelling it cancels every key's load.
   */
  loadMany(keys: Iterable<K>, options?: LoadOptions): Future<(V | Error)[]> {
    let loads: Future<V>[];
    try {
      if (!isIterable(keys)) fail('keys', 'an iterable of keys', keys);
      // A typo fails the whole call, not each key's load (which would read as the keys' errors).
      checkKnownOptions(options, LOAD_OPTIONS);
      loads = Array.from(keys, (key) => this.load(key, options));
    } catch (error) {
      return Future.reject(error);
    }
    return Future.allSettled(loads).map((outcomes) =>
      // Every failure of a load is an Error (load() and batchFailure() see to it).
      outcomes.map((outcome) =>
        outcome.status === 'fulfilled' ? outcome.value : (outcome.reason as Error),
      ),
    );
  }

  /**
   * A new loader with the same options and nothing memoised: one per incoming request, from a
   * loader defined once.
   */
  scope(): Loader<K, V, C> {
    return new Loader(this.#options);
  }

  /** Forgets the memoised value of `key` (a load in flight goes on for its callers). */
  clear(key: K): this {
    this.#memo?.delete(this.#cacheKeyOf(key));
    return this;
  }

  /** Forgets every memoised value. */
  clearAll(): this {
    this.#memo?.clear();
    return this;
  }

  #cacheKeyOf(key: K): C {
    const { cacheKey } = this.#config;
    if (cacheKey === undefined) return key as unknown as C;
    try {
      return cacheKey(key);
    } catch (error) {
      if (error instanceof Error) throw error;
      throw new InvalidOptionError(
        `\`cacheKey\` must throw only Errors, it threw ${describe(error)}`,
      );
    }
  }

  #checkAborted(): void {
    const signal = this.#config.signal;
    if (signal?.aborted) throw cancelled(signal);
  }

  // The entry of a key: memoised, waiting in the open batch, or new in the open batch.
  #entryFor(key: K, cacheKey: C): Entry<K, V, C> {
    const found = this.#memo?.get(cacheKey) ?? this.#open?.entries.get(cacheKey);
    if (found !== undefined) return found;
    const batch = this.#open ?? this.#openBatch();
    const entry = new Entry(key, cacheKey, batch);
    batch.entries.set(cacheKey, entry);
    this.#memo?.set(cacheKey, entry);
    if (batch.entries.size >= this.#config.maxBatchSize) this.#close(batch);
    return entry;
  }

  #openBatch(): Batch<K, V, C> {
    const batch = new Batch<K, V, C>();
    batch.scheduled = afterWindow(this.#config.window, () => this.#send(batch));
    const { signal } = this.#config;
    if (this.#live.size === 0 && signal !== undefined) onAbort(signal, this.#onAbort);
    this.#live.add(batch);
    this.#open = batch;
    return batch;
  }

  // A full batch takes no more keys and is sent at the end of the tick, whatever the window.
  #close(batch: Batch<K, V, C>): void {
    this.#open = undefined;
    if (this.#config.window === 0) return;
    batch.scheduled?.cancel();
    batch.scheduled = afterTick(() => this.#send(batch));
  }

  #end(batch: Batch<K, V, C>): void {
    batch.scheduled?.cancel();
    if (this.#open === batch) this.#open = undefined;
    this.#live.delete(batch);
    const { signal } = this.#config;
    if (this.#live.size === 0 && signal !== undefined) offAbort(signal, this.#onAbort);
  }

  #join(entry: Entry<K, V, C>): Membership<V> {
    let member!: Member<V>;
    const promise = new Promise<V>((resolve, reject) => {
      member = { resolve, reject };
    });
    entry.waiting.add(member);
    return {
      promise,
      leave: (reason) => {
        if (!entry.waiting.delete(member)) return;
        member.reject(reason);
        if (entry.waiting.size === 0) this.#abandon(entry, reason);
      },
    };
  }

  // Nobody waits for `entry` any more: a key not yet sent leaves its batch; a batch in flight
  // that nobody waits for is aborted.
  #abandon(entry: Entry<K, V, C>, reason: Error): void {
    const { batch } = entry;
    if (!batch.isSent) {
      batch.entries.delete(entry.cacheKey);
      this.#forget(entry);
      if (batch.entries.size === 0) this.#end(batch);
      return;
    }
    for (const other of batch.entries.values()) if (other.waiting.size > 0) return;
    for (const other of batch.entries.values()) this.#forget(other);
    this.#end(batch);
    batch.controller.abort(reason);
  }

  #forget(entry: Entry<K, V, C>): void {
    if (this.#memo?.get(entry.cacheKey) === entry) this.#memo.delete(entry.cacheKey);
  }

  #send(batch: Batch<K, V, C>): void {
    if (this.#open === batch) this.#open = undefined;
    batch.isSent = true;
    const entries = [...batch.entries.values()];
    let result: unknown;
    try {
      const load = this.#config.batch;
      result = load(
        entries.map((entry) => entry.key),
        { signal: batch.controller.signal },
      );
    } catch (error) {
      this.#deliver(batch, entries, { error });
      return;
    }
    Promise.resolve(result).then(
      (value) => this.#deliver(batch, entries, { value }),
      (error: unknown) => this.#deliver(batch, entries, { error }),
    );
  }

  #deliver(
    batch: Batch<K, V, C>,
    entries: readonly Entry<K, V, C>[],
    outcome: { value: unknown } | { error: unknown },
  ): void {
    // An aborted batch's callers have all been told already.
    if (batch.controller.signal.aborted) return;
    this.#end(batch);
    let values: (V | Error)[];
    try {
      if ('error' in outcome) throw batchFailure(outcome.error);
      values = valuesByKey<V, C>(
        outcome.value,
        entries.map((entry) => entry.cacheKey),
      );
    } catch (error) {
      for (const entry of entries) this.#reject(entry, error as Error);
      return;
    }
    entries.forEach((entry, index) => {
      const value = values[index] as V | Error;
      if (value instanceof Error) this.#reject(entry, value);
      else this.#fulfil(entry, value);
    });
  }

  #fulfil(entry: Entry<K, V, C>, value: V): void {
    entry.isFulfilled = true;
    entry.value = value;
    for (const member of takeAll(entry.waiting)) member.resolve(value);
  }

  #reject(entry: Entry<K, V, C>, error: Error): void {
    this.#forget(entry);
    for (const member of takeAll(entry.waiting)) member.reject(error);
  }

  // The loader's signal aborted: every load waiting or in flight fails, every batch is aborted.
  #abortAll(): void {
    const signal = this.#config.signal as AbortSignal;
    const reason = cancelled(signal);
    for (const batch of [...this.#live]) {
      this.#end(batch);
      batch.controller.abort(reason);
      for (const entry of batch.entries.values()) this.#reject(entry, reason);
    }
  }
}

/**
 * A DataLoader-style {@link Loader}: `load(key)` calls made in the same tick — or within
 * `window` ms — become one call of `batch`, at most `maxBatchSize` keys each, and every caller
 * gets its own key's value or error as a {@link Future}. Keys are deduplicated and memoised by
 * `cacheKey`; create one loader per unit of work (or use {@link Loader.scope}).
 *
 * @throws {InvalidOptionError} for a bad option.
 * @example
 * ```ts
 * import { loader, Session } from 'fanout';
 *
 * const session = new Session({ baseURL: 'http://127.0.0.1:8080' });
 * const users = loader({
 *   batch: async (ids: readonly number[], { signal }) => {
 *     const response = await session.get('/users', { params: { ids: ids.join(',') }, signal });
 *     const found = new Map(response.json<{ id: number; name: string }[]>().map((u) => [u.id, u]));
 *     return ids.map((id) => found.get(id) ?? new Error(`No user ${id}`));
 *   },
 * });
 * const [ada, bob] = await Promise.all([users.load(1), users.load(2)]); // one GET /users?ids=1,2
 * ```
 */
export function loader<K, V, C = K>(options: LoaderOptions<K, V, C>): Loader<K, V, C> {
  return new Loader(options);
}

function cancelled(signal: AbortSignal): CancelledError {
  return new CancelledError('The loader was cancelled by its AbortSignal', {
    cause: signal.reason,
  });
}

function takeAll<T>(set: Set<T>): T[] {
  const all = [...set];
  set.clear();
  return all;
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  );
}
