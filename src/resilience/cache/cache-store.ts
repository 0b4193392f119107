/**
 * Where the HTTP cache keeps its entries: a byte store with per-entry time to live. Keys are
 * short opaque strings; values are the cache's own serialisation. A store may forget an entry at
 * any time (eviction, restart): the cache then fetches it again.
 *
 * A method may reject (a remote store that is down); the cache counts that as a miss, reports it
 * to its `onError` option and goes on, so a store must bound how long a method can take.
 *
 * `tag` and `deleteTagged` are optional: a store needs them only for a cache with the `tags`
 * option (tag invalidation); such a cache refuses a store without them at construction. A store
 * that has them forgets a key's tags when the key is set again or deleted (or it may keep them
 * until they expire: a stale tag only invalidates a key once more than it must).
 *
 * @example
 * ```ts
 * import { type CacheStore, MemoryStore } from 'fanout';
 * const store: CacheStore = new MemoryStore({ maxEntries: 500 });
 * ```
 */
export interface CacheStore {
  /**
   * Whether entries are seen by more than one client (another process, another machine). A
   * shared store holds only what a shared cache may keep (RFC 9111 §3: never `private`).
   */
  readonly isShared: boolean;
  /** The value under `key`, or `undefined` when there is none or it expired. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Keeps `value` under `key` for `ttl` milliseconds (replacing any value). */
  set(key: string, value: Uint8Array, ttl: number): Promise<void>;
  /** Forgets `key` (nothing happens if it is absent). */
  delete(key: string): Promise<void>;
  /**
   * Optional: records that `key`, just set, carries `tags`, for at least `ttl` milliseconds (its
   * own time to live). Called after the `set` of that key.
   */
  tag?(key: string, tags: readonly string[], ttl: number): Promise<void>;
  /** Optional: forgets every key that carries any of `tags`, and those tags. */
  deleteTagged?(tags: readonly string[]): Promise<void>;
}
