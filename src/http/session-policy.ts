import type { PreparedRequest } from './prepared-request.ts';
import type { Response } from './response.ts';

/*
 * The policy seam: how a later layer (resilience/, a cache) takes part in a session's calls
 * without the HTTP layer knowing it. A session is given `policies`, objects implementing
 * {@link SessionPolicy}; it sorts their hooks into lists once, at construction (see
 * `policy-chain.ts`), so a session without policies runs exactly the loop it runs today.
 *
 * Where the session consults them, in the order of one call:
 *
 *   call starts          every `started(request)`, in list order (once per call, before its first
 *                        attempt; it may throw to fail the call at once)
 *   each attempt         `attempt(state, next)` of the first policy, whose `next` runs the
 *                        second's, …, whose `next` runs the one `dispatch(state, send)` (or, when
 *                        no policy dispatches, one exchange on the wire). An attempt is one
 *                        redirect hop or one retry; `state.request` is exactly what goes out.
 *   a retry is due       every `retry(state)`: any `false` vetoes it, and the outcome that was
 *                        about to be retried is the call's final one
 */

/** How a policy marks an attempt it put on the wire itself, in the trace. */
export type AttemptRole = 'hedge';

/**
 * Something a policy did, recorded in the trace of the call it happened in (and ignored when the
 * call is not traced).
 */
export interface PolicyEvent {
  /** The policy that acted: `retry-budget`, `hedge`, `circuit-breaker`, `cache`, … */
  readonly policy: string;
  /** What happened: `retry-denied`, `state-change`, `hedge-sent`, `hit`, … */
  readonly type: string;
  /** The origin the event is about. */
  readonly origin: string;
  /** Details, such as `{ from: 'closed', to: 'open' }`. */
  readonly detail?: Readonly<Record<string, string | number | boolean>>;
}

/** One exchange put on the wire by {@link Send}: its response, and a way to abandon it. */
export interface Dispatch {
  /** Settles with the response, or with a fanout error. */
  readonly promise: Promise<Response>;
  /** Fails the exchange with `reason` at once and releases its socket. */
  cancel(reason: Error): void;
}

/**
 * Puts one exchange on the wire for the current attempt. The call's `stop()` (its deadline, the
 * caller's signal, `close()`) cancels every exchange sent this way. `role` marks the exchange in
 * the trace.
 */
export type Send = (request: PreparedRequest, role?: AttemptRole) => Dispatch;

/** The rest of an attempt's chain: the next policy's `attempt`, or the dispatch. */
export type Next = (request: PreparedRequest) => Promise<Response>;

/** What a policy knows of the call an event belongs to. */
export interface PolicyContext {
  /** Milliseconds left before the call's deadline (`Infinity` without one). */
  remaining(): number;
  /** Records `event` in the call's trace (nothing when the call is not traced). */
  note(event: PolicyEvent): void;
  /**
   * Calls `listener` with the reason when the call is stopped (its `total` timeout or deadline,
   * the caller's signal, the session's `close()`) — at once if it already was — until the
   * returned function is called. For a policy that holds an attempt back (a rate limit's queue):
   * a call waits in one place at a time, so one listener per call.
   */
  onStop(listener: (reason: Error) => void): () => void;
  /**
   * Records in the call's trace that a rate limit held the attempt back from `from` to `to`
   * (`performance.now()` times): the next attempt's wait (the HAR's `blocked`), or the call's
   * when it never went out. Nothing when the call is not traced.
   */
  limited(from: number, to: number): void;
}

/** One attempt as a policy sees it. */
export interface AttemptState extends PolicyContext {
  /** The request as it goes on the wire (cookies added, signed, hooks run). */
  readonly request: PreparedRequest;
  /** Retries of this hop before this attempt: 0 for the first try. */
  readonly retryCount: number;
  /** Whether the caller asked for the body as a stream (`stream: true`): an answer made without the wire must give `body`. */
  readonly stream: boolean;
}

/** A retry the session's retry rules allow, before its backoff. */
export interface RetryState extends PolicyContext {
  /** The request that would be sent again. */
  readonly request: PreparedRequest;
  /** The retryable response, when the attempt got one. */
  readonly response: Response | undefined;
  /** The retryable error, when the attempt failed. */
  readonly error: unknown;
  /** The number of the retry that would happen: 1 for the first. */
  readonly retryCount: number;
}

/**
 * A policy of a session: every hook is optional, and a session only pays for the hooks its
 * policies have. One policy object may serve several sessions; per-origin state is its own.
 *
 * @example
 * ```ts
 * import { Session, type SessionPolicy } from 'fanout';
 *
 * // Counts the attempts that go on the wire, per origin.
 * const counts = new Map<string, number>();
 * const counter: SessionPolicy = {
 *   name: 'counter',
 *   attempt(state, next) {
 *     counts.set(state.request.origin, (counts.get(state.request.origin) ?? 0) + 1);
 *     return next(state.request);
 *   },
 * };
 * const session = new Session({ policies: [counter] });
 * ```
 */
export interface SessionPolicy {
  /** A short name, used in trace events and error messages. */
  readonly name: string;
  /** A call is about to make its first attempt. Throwing fails the call with that error. */
  started?(request: PreparedRequest, context: PolicyContext): void;
  /**
   * Wraps one attempt: call `next` (with the request as is, or a copy changed), or answer
   * without it (a cache hit), or throw to fail the attempt (an open circuit).
   */
  attempt?(state: AttemptState, next: Next): Promise<Response>;
  /**
   * Puts an attempt on the wire, in place of the single exchange the session would send: `send`
   * may be called more than once (hedging). At most one policy of a session may have it, and it
   * runs innermost. It must settle with one response or error, and cancel what it abandons.
   */
  dispatch?(state: AttemptState, send: Send): Promise<Response>;
  /** Whether a retry may happen. `false` vetoes it (the retry budget). */
  retry?(state: RetryState): boolean;
}
