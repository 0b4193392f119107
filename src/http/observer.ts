import type { PreparedRequest } from './prepared-request.ts';
import type { Response } from './response.ts';

/**
 * What a tracer learns about one exchange on the wire (one attempt: a redirect hop or a retry).
 * Each method is called at most once, in this order; `ended` always comes last.
 *
 * @internal
 */
export interface AttemptObserver {
  /** The request's headers went on the wire (undici handed it a socket). */
  sent(): void;
  /** The response headers arrived. */
  headers(status: number): void;
  /** The exchange ended: with its response, or with an error. */
  ended(response: Response | undefined, error: Error | undefined): void;
}

/**
 * What a tracer learns about one session call: when it started running, each attempt, and how
 * it ended.
 *
 * @internal
 */
export interface CallObserver {
  /** The call got its worker slot and starts now. */
  started(): void;
  /** The consumer asks for the result now (a Session call: at once, since its caller awaits it). */
  asked(): void;
  /** The consumer holds the result as `handle` (a Future): asking it counts as asking the call. */
  bind(handle: object): void;
  /** An attempt is about to be dispatched. */
  attempt(request: PreparedRequest): AttemptObserver;
  /** The call ended: with its final response, or with an error. */
  ended(response: Response | undefined, error: unknown): void;
}

/**
 * The seam between the HTTP layer and tracing: the tracing layer installs `observe`, which
 * returns an observer when the current async context is being traced. Until a trace exists it
 * is `undefined`, and a call costs one property read.
 *
 * @internal
 */
export const observation: {
  observe: ((request: PreparedRequest) => CallObserver | undefined) | undefined;
} = { observe: undefined };
