import { AsyncLocalStorage } from 'node:async_hooks';
import { offAbort, onAbort } from '../core/abort-fanout.ts';
import type { Exhaustive } from '../core/exhaustive.ts';
import { type FlightStart, SingleFlight } from '../core/single-flight.ts';
import { cancellation } from './call.ts';
import type { Config } from './config.ts';
import type { PreparedRequest } from './prepared-request.ts';
import type { Response } from './response.ts';

/**
 * Identical calls in flight that share one exchange: every caller gets its own
 * {@link Response} (see {@link Response.clone}).
 *
 * @internal
 */
export type FlightGroup = SingleFlight<Response>;

/** A new, empty {@link FlightGroup}: a session's (`coalesce: true`) or a scope's. */
export function createFlightGroup(): FlightGroup {
  return new SingleFlight(cloneResponse);
}

// The flight group of each async context that runs in a coalescing scope. Created by the first
// scope (see runInFlightGroup): until then a call pays one variable read for coalescing.
let scopes: AsyncLocalStorage<FlightGroup> | undefined;

/**
 * Runs `fn` with `group` as the flight group of its async context (and of what it starts): the
 * calls made there coalesce in it (see {@link scopeFlightGroup}). The seam of a later layer's
 * scope (flow's `CoalesceScope`); a scope run inside another replaces it for its duration.
 *
 * @internal
 */
export function runInFlightGroup<T>(group: FlightGroup, fn: () => T): T {
  scopes ??= new AsyncLocalStorage();
  return scopes.run(group, fn);
}

/**
 * The flight group of the caller's async context (see {@link runInFlightGroup}), or `undefined`
 * outside every scope. A session with `coalesce: true` uses its own group instead.
 *
 * @internal
 */
export function scopeFlightGroup(): FlightGroup | undefined {
  return scopes?.getStore();
}

/** Where a call coalesces: its group, and the key of the calls it is identical to. */
export interface FlightTicket {
  readonly group: FlightGroup;
  readonly key: string;
}

/** What decides whether two calls are identical, besides the request itself. */
export interface FlightIdentity {
  /** The session (its cookie jar, pools and defaults): calls never coalesce across sessions. */
  readonly session: object;
  readonly config: Config;
  /** The `Cookie` header the session's jar adds for the request's URL, or `''`. */
  readonly jarCookie: string;
  readonly isStream: boolean;
  /** The call's deadline (`performance.now()` time), if any: the shared call keeps it. */
  readonly deadline: number | undefined;
}

/**
 * The ticket of a call that may coalesce, or `undefined` when it may not: only buffered GET and
 * HEAD without a body, and never a call whose wire headers a function computes (an `auth`
 * function or `beforeRequest` hooks): its credentials cannot be compared before it is sent.
 * Two calls share a key only when everything that goes on the wire is the same — method, URL,
 * every header (Authorization included), the jar's and the option's cookies — and so is
 * everything that shapes the outcome: the session, timeouts and deadline, retries, redirects,
 * hooks, body limits, decompression, TLS and proxy.
 *
 * @internal
 */
export function flightTicket(
  group: FlightGroup,
  request: PreparedRequest,
  identity: FlightIdentity,
): FlightTicket | undefined {
  const { config } = identity;
  if (identity.isStream || request.body !== null) return undefined;
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  if (config.auth?.sign !== undefined || (config.hooks?.beforeRequest.length ?? 0) > 0)
    return undefined;
  const parts: unknown[] = [
    request.method,
    request.url,
    sortedEntries(request.headers),
    identity.jarCookie,
    idOf(identity.session),
    identity.deadline ?? null,
  ];
  for (const part of CONFIG_KEY_READERS) parts.push(part(config));
  return { group, key: JSON.stringify(parts) };
}

/**
 * How each field of a call's `Config` enters its coalescing key: read from the config, or already
 * `on the wire` in the request's method, URL and headers that the key holds. A `Config` field
 * without its entry here is a compile error (see {@link Exhaustive}).
 *
 * @internal
 */
export const CONFIG_KEY_PARTS = {
  headers: 'on the wire',
  params: 'on the wire',
  query: 'on the wire',
  // A fixed header is on the wire; a signing function keeps the call from coalescing at all.
  auth: 'on the wire',
  cookies: (config) => (config.cookies === undefined ? null : sortedEntries(config.cookies)),
  timeout: (config) => timeoutValues(config.timeout),
  retry: (config) => retryValues(config.retry),
  maxRedirects: (config) => config.maxRedirects,
  hooks: (config) => idOf(config.hooks),
  maxBodySize: (config) => config.maxBodySize,
  decompress: (config) => config.decompress,
  transport: (config) => idOf(config.transport),
} as const satisfies Exhaustive<Config, 'on the wire' | ((config: Config) => unknown)>;

const CONFIG_KEY_READERS: readonly ((config: Config) => unknown)[] = Object.values(
  CONFIG_KEY_PARTS,
).filter((part) => typeof part === 'function');

/**
 * Joins the flight of `ticket` as one caller with its own `signal`: aborting it rejects this
 * caller at once (as a cancelled call does) and leaves the shared call to the others; the last
 * caller out aborts it.
 *
 * @internal
 */
export function joinFlight(
  ticket: FlightTicket,
  request: PreparedRequest,
  signal: AbortSignal | undefined,
  start: FlightStart<Response>,
): Promise<Response> {
  if (signal?.aborted) return Promise.reject(cancellation(signal.reason, request));
  const membership = ticket.group.join(ticket.key, start);
  if (signal === undefined) return membership.promise;
  const leave = () => membership.leave(cancellation(signal.reason, request));
  onAbort(signal, leave);
  const cleanup = () => offAbort(signal, leave);
  membership.promise.then(cleanup, cleanup);
  return membership.promise;
}

// Each caller of a shared flight gets its own copy of the one response.
function cloneResponse(response: Response): Response {
  return response.clone();
}

function timeoutValues(timeout: Config['timeout']): unknown[] {
  return [timeout.connect, timeout.headers, timeout.body, timeout.total];
}

function retryValues(retry: Config['retry']): unknown[] | null {
  if (retry === undefined) return null;
  const { limit, methods, statusCodes, baseDelay, maxDelay, maxRetryAfter } = retry;
  return [limit, [...methods], [...statusCodes], baseDelay, maxDelay, maxRetryAfter];
}

function sortedEntries(record: Readonly<Record<string, string>>): string[][] {
  return Object.keys(record)
    .sort()
    .map((name) => [name, record[name] as string]);
}

// A number per object, so that keys tell settings apart by identity: merge() keeps the session's
// objects for a call that does not override them, and builds new ones for a call that does.
const ids = new WeakMap<object, number>();
let lastId = 0;

function idOf(value: object | undefined): number {
  if (value === undefined) return 0;
  let id = ids.get(value);
  if (id === undefined) {
    id = ++lastId;
    ids.set(value, id);
  }
  return id;
}
