import { performance } from 'node:perf_hooks';
import type { Membership } from '../core/single-flight.ts';
import type { CancelledError } from '../errors/cancelled-error.ts';
import { Call, callDue, expiredBeforeStart, stopError } from './call.ts';
import type { CallLoop } from './call-loop.ts';
import { type FlightTicket, joinFlight } from './coalescing.ts';
import type { Config } from './config.ts';
import type { CallObserver } from './observer.ts';
import type { PreparedRequest } from './prepared-request.ts';
import type { Response } from './response.ts';
import type { WireOptions } from './transport.ts';

/**
 * The key of the internal method by which a `FuturesSession` plans a call with its
 * `Session` (`session[planCall](method, url, options)`): every bad input throws there, before
 * anything is queued. It is not part of the public API.
 *
 * @internal
 */
export const planCall: unique symbol = Symbol('fanout.planCall');

/**
 * One call of a `Session`, merged and validated, not yet sent: what `Session#request` sends at
 * once and a `FuturesSession` queues. It owns the call's set-up — the observer of the caller's
 * trace, the {@link Call} that holds its deadline and signal — and runs it on its session's
 * {@link CallLoop}.
 *
 * Queued, it is the executor's work as it is (a `Runnable`: `run`, `abort`, `release`, `due`,
 * `expired`), so a queued request is this one object: it is stopped directly through its `Call`
 * when its future is cancelled (no AbortController per request), and its `total` timeout counts
 * from when it was queued, so it is {@link PlannedCall.due} to leave the queue by then, or by its
 * deadline if that is sooner.
 *
 * @internal
 */
export class PlannedCall {
  /** The first request of the call (the first redirect hop). */
  readonly request: PreparedRequest;
  /** The session's config with the call's options merged over it. */
  readonly config: Config;
  readonly wire: WireOptions;
  /** The `performance.now()` time the call must end by (its page's or flow's), if any. */
  readonly deadline: number | undefined;
  /** Where the call coalesces with identical ones; `undefined` when it does not. */
  readonly flight: FlightTicket | undefined;
  /** The caller's `signal` option, read once (and checked) when the call was planned. */
  readonly signal: AbortSignal | undefined;
  readonly #loop: CallLoop;
  // The tracer of the context that queued the call, if it was traced; set by queue().
  #observer: CallObserver | undefined = undefined;
  // When the call was queued (`performance.now()` time): its `total` timeout starts there.
  #queuedAt = 0;
  // Created when the queued call starts; the handle that cancellation stops; dropped by release().
  #call: Call | undefined = undefined;

  constructor(
    loop: CallLoop,
    request: PreparedRequest,
    config: Config,
    wire: WireOptions,
    deadline: number | undefined,
    flight: FlightTicket | undefined,
    signal: AbortSignal | undefined,
  ) {
    this.#loop = loop;
    this.request = request;
    this.config = config;
    this.wire = wire;
    this.deadline = deadline;
    this.flight = flight;
    this.signal = signal;
  }

  /** When the call was queued (`performance.now()` time), as `util.inspect` of its future shows. */
  get queuedAt(): number {
    return this.#queuedAt;
  }

  /**
   * Sends the call now (`Session#request`), stopped by its {@link PlannedCall.signal}: alone, or as
   * one member of the flight of identical calls when it coalesces.
   */
  send(): Promise<Response> {
    const loop = this.#loop;
    if (this.flight === undefined) return sendNow(loop, this, this.signal);
    return joinFlight(this.flight, this.request, this.signal, (shared) =>
      sendNow(loop, this, shared),
    );
  }

  /**
   * Joins the flight of identical calls (the call must have a {@link PlannedCall.flight}),
   * started by `start` with the signal that aborts it when every member has left, unless one is
   * in flight already.
   */
  join(start: (shared: AbortSignal) => PromiseLike<Response>): Membership<Response> {
    const flight = this.flight as FlightTicket;
    return flight.group.join(flight.key, start);
  }

  /**
   * The call goes into a queue now: its `total` timeout starts counting, and the tracer of the
   * caller's context is asked for its observer (here, while that context is current).
   */
  queue(): void {
    this.#observer = this.#loop.observe(this.request);
    this.#queuedAt = performance.now();
  }

  /** The queue refused the call (full, shut down): its tracer hears that it ended so. */
  refused(error: unknown): void {
    this.#observer?.ended(undefined, error);
  }

  /** The caller holds the queued call's outcome as `handle` (a Future): its tracer hears it. */
  bind(handle: object): void {
    this.#observer?.bind(handle);
  }

  /** When the queued call must have started: the end of its `total` timeout, or its deadline. */
  get due(): number | undefined {
    return callDue(this.config.timeout.total, this.deadline, this.#queuedAt);
  }

  /** Starts the queued call (the executor gave it a worker). */
  run(): Promise<Response> {
    this.#call = new Call(
      this.request,
      this.config.timeout.total,
      undefined,
      this.#observer,
      this.deadline,
      this.#queuedAt,
    );
    return this.#loop.run(this, this.#call);
  }

  /** Still queued at its due time: it fails unsent, as a started call fails when that time comes. */
  expired(): Error {
    const error = expiredBeforeStart(
      this.request,
      this.config.timeout.total,
      this.deadline,
      this.#queuedAt,
    );
    this.#observer?.ended(undefined, error);
    return error;
  }

  /**
   * Stops the call: a running one is stopped; a queued one's tracer hears it ended as a running
   * one would (cut by the deadline of its flow step or page section, a `TimeoutError` of phase
   * `deadline`; else cancelled).
   */
  abort(reason: CancelledError): void {
    if (this.#call !== undefined) this.#call.stop(reason);
    else this.#observer?.ended(undefined, stopError(reason, this.request, this.#queuedAt));
  }

  // The call is over: drop it, or this long-lived object keeps the call's young objects
  // (exchange, response) alive through every minor GC until a major one.
  release(): void {
    this.#call = undefined;
  }
}

// Sends `planned` on `loop` now, stopped by `signal`. A function rather than a private method:
// a class with private methods gives each instance a brand slot, 8 bytes more per queued call.
function sendNow(
  loop: CallLoop,
  planned: PlannedCall,
  signal: AbortSignal | undefined,
): Promise<Response> {
  const { request, deadline } = planned;
  const observer = loop.observe(request);
  observer?.asked();
  const call = new Call(request, planned.config.timeout.total, signal, observer, deadline);
  return loop.run(planned, call);
}
