import { checkBoolean, checkFunction, checkPositiveNumber } from '../../core/checks.ts';
import { checkKnownOptions, fail, ownOptions } from '../../core/validate.ts';
import type { CacheRefreshError } from '../../errors/cache-refresh-error.ts';
import type { CacheStoreError } from '../../errors/cache-store-error.ts';
import { CACHE_OPTIONS, HEURISTIC_OPTIONS } from '../known-options.ts';
import type { CacheStore } from './cache-store.ts';
import { type CacheTagSource, type TagReader, tagReader } from './cache-tags.ts';
import type { Heuristic } from './freshness.ts';
import { MemoryStore } from './memory-store.ts';

/**
 * Options of {@link HttpCache}.
 *
 * @example
 * ```ts
 * import { HttpCache, RedisStore, Session } from 'fanout';
 * const cache = new HttpCache({ store: new RedisStore({ port: 6379 }), staleIfError: 60_000 });
 * const session = new Session({ policies: [cache] });
 * ```
 */
export interface CacheOptions {
  /** Where entries are kept. @default a new {@link MemoryStore} */
  store?: CacheStore;
  /**
   * Whether the cache is shared between users (RFC 9111 §1). A server that calls backends on
   * behalf of many users is a shared cache: `private` responses are not stored, `s-maxage` wins
   * over `max-age`, and responses to requests with `Authorization` are stored only when they say
   * so (`public`, `s-maxage`, `must-revalidate`). `false` suits a client acting for one user; it
   * is refused with a shared store (Redis).
   * @default true
   */
  shared?: boolean;
  /**
   * How long past its freshness a stored response may stand in for an origin that fails (a
   * connection error, a timeout, 500/502/503/504), in ms, when the response itself gives no
   * `stale-if-error` (RFC 5861); the larger of the two applies. A response marked `no-cache` or
   * `must-revalidate` (or `proxy-revalidate` / `s-maxage` in a shared cache) is never served stale.
   * @default 0
   */
  staleIfError?: number;
  /**
   * Freshness for a response with `Last-Modified` and no explicit lifetime (RFC 9111 §4.2.2): a
   * fraction of its age at `Date`, at most `max` ms. `false` turns it off.
   * @default { fraction: 0.1, max: 86_400_000 }
   */
  heuristic?:
    | false
    | {
        /** The fraction of its age at `Date` (since `Last-Modified`) a response stays fresh. @default 0.1 */
        fraction?: number;
        /** The longest heuristic freshness, in ms. @default 86_400_000 */
        max?: number;
      };
  /**
   * The longest an entry is kept in the store, in ms (a response with `ETag` or `Last-Modified`
   * is kept this long to be revalidated after it goes stale).
   * @default 86_400_000 (one day)
   */
  maxTTL?: number;
  /**
   * Told about each failure no caller sees: a store that failed (the request went on as a miss),
   * or a background revalidation that failed (`stale-while-revalidate`: the caller was served the
   * stale response).
   * @default none
   */
  onError?: (error: CacheError) => void;
  /**
   * Where the tags of each stored response are read, for
   * {@link HttpCache.invalidate | `invalidate({ tags })`}: a header listing them (commas or
   * spaces: `{ header: 'cache-tag' }`, `{ header: 'surrogate-key' }`) or a function of the
   * response. The store must support tags (`tag` and `deleteTagged`: {@link MemoryStore} does;
   * {@link RedisStore} does not yet).
   * @default none: responses are not tagged
   */
  tags?: CacheTagSource;
  /** The clock, in epoch ms (inject one in tests). @default Date.now */
  now?: () => number;
}

/** What the cache's `onError` is told: a store that failed, or a background revalidation. */
export type CacheError = CacheStoreError | CacheRefreshError;

/** {@link CacheOptions} checked, with defaults filled in. */
export interface NormalizedCacheOptions {
  readonly store: CacheStore;
  readonly isShared: boolean;
  readonly staleIfError: number;
  readonly heuristic: Heuristic;
  readonly maxTTL: number;
  readonly onError: ((error: CacheError) => void) | undefined;
  readonly tags: TagReader | undefined;
  readonly now: () => number;
}

const DAY = 86_400_000;

/**
 * Checks `options` and fills in the defaults.
 * @throws {InvalidOptionError} naming the option and the value received.
 */
export function normalizeCacheOptions(given: CacheOptions): NormalizedCacheOptions {
  if (typeof given !== 'object' || given === null) fail('options', 'an object', given);
  const options = ownOptions(given);
  checkKnownOptions(options, CACHE_OPTIONS);
  const store = options.store ?? new MemoryStore();
  if (!isStore(store)) fail('store', 'a CacheStore (isShared, get, set, delete)', store);
  const isShared = options.shared === undefined ? true : checkBoolean('shared', options.shared);
  if (store.isShared && !isShared) {
    fail('shared', 'true with a shared store (its entries reach other users)', options.shared);
  }
  return {
    store,
    isShared,
    staleIfError: checkPositiveNumber('staleIfError', options.staleIfError ?? 0, true),
    heuristic: heuristicOf(options.heuristic),
    maxTTL: checkPositiveNumber('maxTTL', options.maxTTL ?? DAY),
    onError:
      options.onError === undefined
        ? undefined
        : checkFunction<(error: CacheError) => void>('onError', options.onError),
    tags: options.tags === undefined ? undefined : tagsOf(options.tags, store),
    now: checkFunction<() => number>('now', options.now ?? Date.now),
  };
}

function tagsOf(option: CacheTagSource, store: CacheStore): TagReader {
  const reader = tagReader(option);
  if (!supportsTags(store)) {
    fail(
      'tags',
      'a store with tag() and deleteTagged() (MemoryStore; RedisStore has none yet)',
      option,
    );
  }
  return reader;
}

/** Whether `store` has the optional methods that tag invalidation needs. */
export function supportsTags(
  store: CacheStore,
): store is CacheStore & Required<Pick<CacheStore, 'tag' | 'deleteTagged'>> {
  return typeof store.tag === 'function' && typeof store.deleteTagged === 'function';
}

function heuristicOf(option: CacheOptions['heuristic']): Heuristic {
  if (option === false) return { fraction: 0, max: 0 };
  if (option === undefined) return { fraction: 0.1, max: DAY };
  if (typeof option !== 'object' || option === null) {
    fail('heuristic', 'false or { fraction, max }', option);
  }
  checkKnownOptions(option, HEURISTIC_OPTIONS);
  const fraction = checkPositiveNumber('heuristic.fraction', option.fraction ?? 0.1, true);
  if (fraction > 1) fail('heuristic.fraction', 'a number from 0 to 1', fraction);
  return { fraction, max: checkPositiveNumber('heuristic.max', option.max ?? DAY, true) };
}

function isStore(value: unknown): value is CacheStore {
  const store = value as Partial<CacheStore> | null;
  return (
    typeof store === 'object' &&
    store !== null &&
    typeof store.isShared === 'boolean' &&
    typeof store.get === 'function' &&
    typeof store.set === 'function' &&
    typeof store.delete === 'function'
  );
}
