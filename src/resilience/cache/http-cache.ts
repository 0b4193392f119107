import { fail } from '../../core/validate.ts';
import { CacheRefreshError } from '../../errors/cache-refresh-error.ts';
import { CacheStoreError } from '../../errors/cache-store-error.ts';
import { isFanoutError } from '../../errors/fanout-error.ts';
import type { Response } from '../../http/response.ts';
import type { AttemptState, Next, PolicyEvent, SessionPolicy } from '../../http/session-policy.ts';
import { type CacheControl, parseCacheControl } from './cache-control.ts';
import { decodeEntry, encodeEntry, type StoredResponse } from './cache-entry.ts';
import { type CacheInvalidation, checkInvalidation } from './cache-invalidation.ts';
import { primaryKey, variantKey, varyNames } from './cache-key.ts';
import {
  type CacheOptions,
  type NormalizedCacheOptions,
  normalizeCacheOptions,
  supportsTags,
} from './cache-options.ts';
import type { CacheOutcome } from './cache-outcome.ts';
import { currentAge, freshnessLifetime } from './freshness.ts';
import { maySubstituteOnError, reuseVerdict, type Staleness } from './reuse.ts';
import { conditionalRequest, freshen, isCallerConditional } from './revalidation.ts';
import { CACHED_METHODS, isStorable } from './storability.ts';
import { fromStoredResponse, toStoredResponse, withOutcome } from './stored-response.ts';

/** The `type`s of the cache's trace events: an outcome, or a store that failed. */
type CacheEventType = CacheOutcome | 'store-error';

/** A background revalidation in flight: the primary key and the tags of the entry it refreshes. */
interface Flight {
  readonly primary: string;
  readonly tags: readonly string[];
}

/** A stored response found for a request, where it lives, and how stale it is now. */
interface Found {
  readonly stored: StoredResponse;
  readonly key: string;
  readonly facts: Staleness;
}

// Statuses of a failing origin (RFC 5861 §4): a stored response may stand in for them.
const ERROR_STATUSES = new Set([500, 502, 503, 504]);
// Errors that are not the origin failing: the caller gave up, or the request itself is wrong.
const NOT_ORIGIN_FAILURES = new Set([
  'FANOUT_CANCELLED',
  'FANOUT_SESSION_CLOSED',
  'FANOUT_INVALID_REQUEST',
  'FANOUT_INVALID_URL',
]);
// Unsafe methods whose success invalidates what is stored for their URL (RFC 9111 §4.4).
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/**
 * An HTTP cache (RFC 9111) as a session policy: fresh responses to GET and HEAD are served from
 * its store without a request; stale ones with an `ETag` or `Last-Modified` are revalidated
 * (`304 Not Modified` serves the stored body); `Vary`, `no-store`, `no-cache`, `private`,
 * `max-age`, `s-maxage`, `Expires` and `Age` are honoured; a stored response may stand in for
 * a failing origin (`stale-if-error`, RFC 5861), and one within its `stale-while-revalidate`
 * window is served at once while one background request per entry refreshes it. Each response that went through it says how in
 * its `x-fanout-cache` header ({@link cacheOutcome}), and the call's trace records it.
 *
 * The store is a {@link MemoryStore} unless given one; a {@link RedisStore} shares the cache
 * between instances. A store that fails makes a lookup a miss, never a failed request.
 *
 * @example
 * ```ts
 * import { HttpCache, Session, cacheOutcome } from 'fanout';
 * const session = new Session({
 *   baseURL: 'http://127.0.0.1:8080',
 *   policies: [new HttpCache({ staleIfError: 300_000 })],
 * });
 * const response = await session.get('/catalog');
 * console.log(cacheOutcome(response)); // 'miss', then 'hit' while fresh
 * ```
 */
export class HttpCache implements SessionPolicy {
  /** The policy's name in trace events. */
  readonly name = 'cache';
  readonly #options: NormalizedCacheOptions;
  // Background revalidations in flight, by store key: one per key at a time. An invalidation
  // removes a key's flight, so that flight's answer (possibly older than the invalidation) is
  // dropped rather than stored.
  readonly #refreshing = new Map<string, Flight>();

  constructor(options: CacheOptions = {}) {
    this.#options = normalizeCacheOptions(options);
  }

  /** Answers one attempt from the store, or through `next` (the origin), storing what it may. */
  async attempt(state: AttemptState, next: Next): Promise<Response> {
    const request = state.request;
    if (!CACHED_METHODS.has(request.method)) {
      const response = await next(request);
      if (!SAFE_METHODS.has(request.method) && response.status < 400) {
        this.#invalidate(state, response);
      }
      return response;
    }
    if (isCallerConditional(request)) return next(request);
    return this.#exchange(state, next, parseCacheControl(request.headers['cache-control']));
  }

  /**
   * Forgets, in the store, the responses stored for `urls` (GET and HEAD, every variant) and
   * those tagged with any of `tags` (read by the `tags` option when they were stored); a
   * background revalidation of one of them still in flight is not stored when it lands. Resolves
   * once the store has done it.
   *
   * @example
   * ```ts
   * import { HttpCache, Session } from 'fanout';
   * const cache = new HttpCache({ tags: { header: 'cache-tag' } });
   * const session = new Session({ policies: [cache] });
   * // After product 42 changed:
   * await cache.invalidate({ tags: ['product-42'], urls: ['https://shop.example/products/42'] });
   * ```
   * @throws {InvalidOptionError} for a malformed invalidation, or tags with a store that has none.
   * @throws {CacheStoreError} when the store failed (some entries may be gone, others not).
   */
  async invalidate(target: CacheInvalidation): Promise<void> {
    const { urls, tags } = checkInvalidation(target);
    const { store } = this.#options;
    if (tags.length > 0 && !supportsTags(store)) {
      fail('tags', 'a store with tag() and deleteTagged() to invalidate by tag', tags);
    }
    const primaries = urls.flatMap((url) => [...CACHED_METHODS].map((m) => primaryKey(m, url)));
    this.#dropFlights(primaries, tags);
    try {
      await Promise.all([
        ...primaries.map((key) => store.delete(key)),
        tags.length > 0 ? store.deleteTagged?.(tags) : undefined,
      ]);
    } catch (error) {
      throw storeError(error);
    }
  }

  // Forgets the background revalidations of `primaries` and of entries with any of `tags`: what
  // they bring back may predate the invalidation, so it is not stored.
  #dropFlights(primaries: readonly string[], tags: readonly string[]): void {
    for (const [key, flight] of this.#refreshing) {
      if (primaries.includes(flight.primary) || flight.tags.some((tag) => tags.includes(tag))) {
        this.#refreshing.delete(key);
      }
    }
  }

  async #exchange(
    state: AttemptState,
    next: Next,
    requestControl: CacheControl,
  ): Promise<Response> {
    const { request } = state;
    const { now } = this.#options;
    const start = now();
    const found = await this.#lookup(state, requestControl, start);
    if (found !== undefined) {
      const verdict = reuseVerdict(found.facts);
      if (verdict === 'refresh') {
        this.#refresh(state, next, found, requestControl);
        const cause = 'stale-while-revalidate';
        return this.#serve(state, found.stored, 'stale', found.facts.age, start, cause);
      }
      if (verdict !== 'revalidate') {
        const outcome = verdict === 'fresh' ? 'hit' : 'stale';
        return this.#serve(state, found.stored, outcome, found.facts.age, start);
      }
    }
    if (requestControl.onlyIfCached) return this.#gatewayTimeout(state, start);
    const conditional = found === undefined ? undefined : conditionalRequest(request, found.stored);
    const requestTime = now();
    let response: Response;
    try {
      response = await next(conditional ?? request);
    } catch (error) {
      if (found !== undefined && isOriginFailure(error) && this.#maySubstitute(found)) {
        return this.#serve(state, found.stored, 'stale', found.facts.age, start, codeOf(error));
      }
      throw error;
    }
    const responseTime = now();
    if (found !== undefined && conditional !== undefined && response.status === 304) {
      response.body?.resume();
      const stored = this.#freshen(
        state,
        found,
        response,
        requestControl,
        requestTime,
        responseTime,
      );
      return this.#serve(
        state,
        stored,
        'revalidated',
        currentAge(stored, responseTime),
        requestTime,
      );
    }
    if (found !== undefined && ERROR_STATUSES.has(response.status) && this.#maySubstitute(found)) {
      response.body?.resume();
      const cause = String(response.status);
      return this.#serve(state, found.stored, 'stale', found.facts.age, start, cause);
    }
    this.#store(state, response, requestControl, requestTime, responseTime);
    this.#note(state, 'miss', { status: response.status });
    return withOutcome(response, 'miss');
  }

  // The stored response for the request (its variant, when the URL's responses Vary).
  async #lookup(
    state: AttemptState,
    requestControl: CacheControl,
    now: number,
  ): Promise<Found | undefined> {
    const { request } = state;
    let key = primaryKey(request.method, request.url);
    let entry = await this.#read(state, key);
    if (entry?.kind === 'vary') {
      key = variantKey(key, entry.names, request.headers);
      entry = await this.#read(state, key);
    }
    if (entry?.kind !== 'response') return undefined;
    return { stored: entry, key, facts: this.#facts(entry, requestControl, now) };
  }

  // RFC 5861 §3: revalidates `found` in the background, once per key at a time in this process;
  // callers meanwhile are served the stale entry. The answer is stored as a foreground one would
  // be (a 304 freshens the entry), unless the key was invalidated while it was on its way. A
  // failure reaches only `onError`: the stale entry stays until its window ends.
  #refresh(state: AttemptState, next: Next, found: Found, requestControl: CacheControl): void {
    const { key } = found;
    if (this.#refreshing.has(key)) return;
    const { request } = state;
    const flight: Flight = {
      primary: primaryKey(request.method, request.url),
      tags: this.#tagsOf(found.stored, request.url),
    };
    this.#refreshing.set(key, flight);
    const { now } = this.#options;
    const conditional = conditionalRequest(request, found.stored);
    const requestTime = now();
    const land = (response: Response) => {
      const responseTime = now();
      // A streamed answer (the caller asked for `stream`) is drained: only a 304 counts then.
      response.body?.resume();
      if (this.#refreshing.get(key) !== flight) return;
      if (conditional !== undefined && response.status === 304) {
        this.#freshen(state, found, response, requestControl, requestTime, responseTime);
      } else if (ERROR_STATUSES.has(response.status)) {
        this.#refreshFailed(request, `HTTP ${response.status}`, undefined);
      } else {
        this.#store(state, response, requestControl, requestTime, responseTime);
      }
    };
    next(conditional ?? request)
      .then(land, (error: unknown) => {
        if (isOriginFailure(error)) this.#refreshFailed(request, codeOf(error), error);
      })
      .finally(() => {
        if (this.#refreshing.get(key) === flight) this.#refreshing.delete(key);
      });
  }

  #refreshFailed(request: AttemptState['request'], reason: string, cause: unknown): void {
    const message = `Background revalidation failed (${reason})`;
    this.#options.onError?.(new CacheRefreshError(message, { request, cause }));
  }

  #maySubstitute(found: Found): boolean {
    return maySubstituteOnError(found.facts, this.#options.staleIfError);
  }

  async #read(state: AttemptState, key: string) {
    try {
      const bytes = await this.#options.store.get(key);
      return bytes === undefined ? undefined : decodeEntry(bytes);
    } catch (error) {
      this.#storeFailed(state, error);
      return undefined;
    }
  }

  #facts(stored: StoredResponse, requestControl: CacheControl, now: number): Staleness {
    const { isShared, heuristic } = this.#options;
    const control = parseCacheControl(stored.headers['cache-control']);
    return {
      age: currentAge(stored, now),
      lifetime: freshnessLifetime(stored, control, isShared, heuristic),
      control,
      requestControl,
      isShared,
    };
  }

  // The stored response freshened by a 304, stored again when it may be.
  #freshen(
    state: AttemptState,
    found: Found,
    notModified: Response,
    requestControl: CacheControl,
    requestTime: number,
    responseTime: number,
  ): StoredResponse {
    const stored = freshen(found.stored, notModified, requestTime, responseTime);
    const control = parseCacheControl(stored.headers['cache-control']);
    if (!requestControl.noStore && !control.noStore) this.#put(state, found.key, stored, control);
    return stored;
  }

  #serve(
    state: AttemptState,
    stored: StoredResponse,
    outcome: CacheOutcome,
    age: number,
    start: number,
    cause?: string,
  ): Response {
    const seconds = Math.floor(age / 1000);
    this.#note(state, outcome, cause === undefined ? { age: seconds } : { age: seconds, cause });
    const elapsed = Math.max(0, this.#options.now() - start);
    return fromStoredResponse(stored, state.request, outcome, age, elapsed, state.stream);
  }

  // RFC 9111 §5.2.1.7: `only-if-cached` with nothing usable stored is answered with a 504.
  #gatewayTimeout(state: AttemptState, start: number): Response {
    const stored: StoredResponse = {
      kind: 'response',
      status: 504,
      reason: 'Gateway Timeout',
      headers: { 'content-length': '0' },
      body: new Uint8Array(0),
      requestTime: start,
      responseTime: start,
    };
    this.#note(state, 'miss', { status: 504, cause: 'only-if-cached' });
    return fromStoredResponse(stored, state.request, 'miss', 0, 0, state.stream);
  }

  // Stores `response` when it may be (fire and forget: a slow store never delays the caller).
  #store(
    state: AttemptState,
    response: Response,
    requestControl: CacheControl,
    requestTime: number,
    responseTime: number,
  ): void {
    const { request } = state;
    const control = parseCacheControl(response.headers['cache-control']);
    if (!isStorable(request, response, requestControl, control, this.#options.isShared)) return;
    const vary = varyNames(response.headers.vary);
    if (vary === '*') return;
    const stored = toStoredResponse(response, requestTime, responseTime);
    const primary = primaryKey(request.method, request.url);
    if (vary.length > 0 && this.#ttl(stored, control) > 0) {
      // The marker outlives its variants: they cannot be found without it.
      const marker = encodeEntry({ kind: 'vary', names: vary });
      this.#write(state, primary, marker, this.#options.maxTTL);
    }
    const key = vary.length === 0 ? primary : variantKey(primary, vary, request.headers);
    this.#put(state, key, stored, control);
  }

  #put(state: AttemptState, key: string, stored: StoredResponse, control: CacheControl): void {
    const tags = this.#tagsOf(stored, state.request.url);
    this.#write(state, key, encodeEntry(stored), this.#ttl(stored, control), tags);
  }

  // The tags of a stored response, by the `tags` option (none without it).
  #tagsOf(stored: StoredResponse, url: string): readonly string[] {
    const reader = this.#options.tags;
    return reader === undefined
      ? []
      : reader({ status: stored.status, headers: stored.headers, url });
  }

  // How long to keep an entry: while fresh plus the longer of its stale-if-error and
  // stale-while-revalidate windows, or `maxTTL` when it can be revalidated later.
  #ttl(stored: StoredResponse, control: CacheControl): number {
    const { isShared, heuristic, staleIfError, maxTTL } = this.#options;
    if (stored.headers.etag !== undefined || stored.headers['last-modified'] !== undefined) {
      return maxTTL;
    }
    const lifetime = freshnessLifetime(stored, control, isShared, heuristic);
    const window = Math.max(
      staleIfError,
      (control.staleIfError ?? 0) * 1000,
      (control.staleWhileRevalidate ?? 0) * 1000,
    );
    return Math.min(maxTTL, lifetime - currentAge(stored, stored.responseTime) + window);
  }

  // Writes an entry, then its tags (a store forgets a key's tags when the key is set again).
  #write(
    state: AttemptState,
    key: string,
    bytes: Uint8Array,
    ttl: number,
    tags: readonly string[] = [],
  ): void {
    if (!(ttl > 0)) return;
    const { store } = this.#options;
    store
      .set(key, bytes, ttl)
      .then(() => (tags.length > 0 ? store.tag?.(key, tags, ttl) : undefined))
      .catch((error) => this.#storeFailed(state, error));
  }

  // RFC 9111 §4.4: a successful unsafe request invalidates the stored responses for its URL
  // and, on the same origin, for its Location and Content-Location.
  #invalidate(state: AttemptState, response: Response): void {
    const { request } = state;
    const urls = [request.url];
    for (const name of ['location', 'content-location']) {
      const value = response.headers[name];
      if (typeof value !== 'string') continue;
      const url = URL.parse(value, request.url);
      if (url !== null && url.origin === request.origin) urls.push(url.href);
    }
    const primaries = urls.flatMap((url) => [...CACHED_METHODS].map((m) => primaryKey(m, url)));
    this.#dropFlights(primaries, []);
    for (const key of primaries) {
      this.#options.store.delete(key).catch((error) => this.#storeFailed(state, error));
    }
  }

  #storeFailed(state: AttemptState, error: unknown): void {
    this.#note(state, 'store-error', { code: codeOf(error) });
    this.#options.onError?.(storeError(error));
  }

  #note(state: AttemptState, type: CacheEventType, detail: PolicyEvent['detail']): void {
    state.note({ policy: 'cache', type, origin: state.request.origin, ...(detail && { detail }) });
  }
}

function isOriginFailure(error: unknown): boolean {
  return !isFanoutError(error) || !NOT_ORIGIN_FAILURES.has(error.code);
}

function storeError(error: unknown): CacheStoreError {
  return error instanceof CacheStoreError
    ? error
    : new CacheStoreError(`The cache store failed: ${codeOf(error)}`, { cause: error });
}

function codeOf(error: unknown): string {
  if (isFanoutError(error)) return error.code;
  return (error as Error | undefined)?.name ?? 'Error';
}
