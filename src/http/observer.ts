import type { PreparedRequest } from './prepared-request.ts';
import type { Response } from './response.ts';
import type { AttemptRole, PolicyEvent } from './session-policy.ts';

/**
 * The context an HTTP/2 stream hands its dispatch handler's `onRequestStart`: the session it is
 * about to start on, read there and then (undici's HTTP/1.1 pool hands no context). Plain numbers
 * on the session object, so telling a tracer costs no allocation.
 *
 * @internal
 */
export interface H2SessionContext {
  /** The session's number: unique in the process, from 1, in the order sessions open. */
  readonly id: number;
  /** The id the stream about to start gets: 1 for the session's first, then 3, 5, … */
  readonly nextStreamId: number;
}

/** The HTTP/2 session in a dispatch handler's `onRequestStart` context; undefined for any other. */
export function h2SessionOf(context: unknown): H2SessionContext | undefined {
  return typeof (context as Partial<H2SessionContext> | undefined)?.nextStreamId === 'number'
    ? (context as H2SessionContext)
    : undefined;
}

/**
 * What a tracer learns about one exchange on the wire (one attempt: a redirect hop or a retry).
 * Each method is called at most once, in this order; `ended` always comes last.
 *
 * @internal
 */
export interface AttemptObserver {
  /**
   * The request is handed to undici at `at` (`performance.now()` time, read once by the exchange
   * for its own timing too: a traced call costs no extra clock read for it).
   */
  dispatched(at: number): void;
  /**
   * The request's headers go on the wire: undici handed it a socket, or an HTTP/2 stream is
   * starting on `session` (undefined for HTTP/1.1).
   */
  sent(session: H2SessionContext | undefined): void;
  /** The response headers arrived. */
  headers(status: number): void;
  /** The exchange ended at `at` (`performance.now()` time): with its response, or an error. */
  ended(response: Response | undefined, error: Error | undefined, at: number): void;
}

/**
 * What a tracer learns about one session call: when it started running, each attempt, and how
 * it ended.
 *
 * @internal
 */
export interface CallObserver {
  /**
   * Whether {@link CallObserver.attempt} adds headers to the request it is given (trace context
   * such as `traceparent`). When true, the session hands every attempt its own copy of the
   * request, so the shared headers of the session are never touched.
   */
  readonly propagates?: boolean;
  /** The call got its worker slot and starts at `at` (`performance.now()` time). */
  started(at: number): void;
  /** The consumer asks for the result now (a Session call: at once, since its caller awaits it). */
  asked(): void;
  /** The consumer holds the result as `handle` (a Future): asking it counts as asking the call. */
  bind(handle: object): void;
  /**
   * An attempt is about to be dispatched: `request` is exactly what goes on the wire. An observer
   * that `propagates` may set headers on `request.headers` here, and nowhere else. `role` says
   * why a policy sent it (`hedge`: a second copy of an attempt still in flight).
   */
  attempt(request: PreparedRequest, role?: AttemptRole): AttemptObserver;
  /** A policy of the session acted on the call (a retry denied, a circuit opened, …). */
  event?(event: PolicyEvent): void;
  /**
   * A rate limit held the call's next attempt back from `from` to `to` (`performance.now()`
   * times); the attempt, if one follows, is the next `attempt` call.
   */
  limited?(from: number, to: number): void;
  /** The call ended: with its final response, or with an error. */
  ended(response: Response | undefined, error: unknown): void;
}

/**
 * A tracing layer's way in: given a call about to be made, it returns an observer when it wants
 * to watch the call. `telemetry` is the session's `telemetry` option (false: no OpenTelemetry).
 * It runs in the caller's async context (for a FuturesSession: when the request is submitted).
 *
 * @internal
 */
export type ObserverSource = (
  request: PreparedRequest,
  telemetry: boolean,
) => CallObserver | undefined;

/**
 * The seam between the HTTP layer and tracing: `observe` asks every installed
 * {@link ObserverSource} for an observer of a call. While no source is installed it is
 * `undefined`, and a call costs one property read; with one source it is that source itself.
 * Only {@link addObserverSource} sets it.
 *
 * @internal
 */
export const observation: {
  observe: ObserverSource | undefined;
} = { observe: undefined };

// The installed sources, in the order they were added (their observers hear events in it).
// Replaced, never changed in place: a source may uninstall itself while observeAll iterates.
let sources: readonly ObserverSource[] = [];

/**
 * Installs `source`: from now on every call asks it for an observer. Disposing the result
 * uninstalls it.
 *
 * @internal
 */
export function addObserverSource(source: ObserverSource): { dispose(): void } {
  sources = [...sources, source];
  update();
  return {
    dispose() {
      if (!sources.includes(source)) return;
      sources = sources.filter((installed) => installed !== source);
      update();
    },
  };
}

function update(): void {
  observation.observe =
    sources.length === 0 ? undefined : sources.length === 1 ? sources[0] : observeAll;
}

// Asks every source; more than one observer for a call are told each event in turn.
function observeAll(request: PreparedRequest, telemetry: boolean): CallObserver | undefined {
  let first: CallObserver | undefined;
  let all: CallObserver[] | undefined;
  for (const source of sources) {
    const observer = source(request, telemetry);
    if (observer === undefined) continue;
    if (first === undefined) first = observer;
    else if (all === undefined) all = [first, observer];
    else all.push(observer);
  }
  return all === undefined ? first : new CallFanout(all);
}

/** Several observers of one call, told each event in the order of their sources. */
class CallFanout implements CallObserver {
  readonly propagates: boolean;
  readonly #observers: readonly CallObserver[];

  constructor(observers: readonly CallObserver[]) {
    this.#observers = observers;
    this.propagates = observers.some((observer) => observer.propagates === true);
  }

  started(at: number): void {
    for (const observer of this.#observers) observer.started(at);
  }

  asked(): void {
    for (const observer of this.#observers) observer.asked();
  }

  bind(handle: object): void {
    for (const observer of this.#observers) observer.bind(handle);
  }

  attempt(request: PreparedRequest, role?: AttemptRole): AttemptObserver {
    return new AttemptFanout(this.#observers.map((observer) => observer.attempt(request, role)));
  }

  event(event: PolicyEvent): void {
    for (const observer of this.#observers) observer.event?.(event);
  }

  limited(from: number, to: number): void {
    for (const observer of this.#observers) observer.limited?.(from, to);
  }

  ended(response: Response | undefined, error: unknown): void {
    for (const observer of this.#observers) observer.ended(response, error);
  }
}

/** Several observers of one attempt. */
class AttemptFanout implements AttemptObserver {
  readonly #observers: readonly AttemptObserver[];

  constructor(observers: readonly AttemptObserver[]) {
    this.#observers = observers;
  }

  dispatched(at: number): void {
    for (const observer of this.#observers) observer.dispatched(at);
  }

  sent(session: H2SessionContext | undefined): void {
    for (const observer of this.#observers) observer.sent(session);
  }

  headers(status: number): void {
    for (const observer of this.#observers) observer.headers(status);
  }

  ended(response: Response | undefined, error: Error | undefined, at: number): void {
    for (const observer of this.#observers) observer.ended(response, error, at);
  }
}
