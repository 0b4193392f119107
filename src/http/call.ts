import { performance } from 'node:perf_hooks';
import { offAbort, onAbort } from '../abort-fanout.ts';
import { CancelledError } from '../errors/cancelled-error.ts';
import { isFanoutError } from '../errors/fanout-error.ts';
import { TimeoutError } from '../errors/timeout-error.ts';
import type { CallObserver } from './observer.ts';
import type { PreparedRequest } from './prepared-request.ts';
import type { Response } from './response.ts';
import type { Exchange } from './transport.ts';

/**
 * The life of one session call across its redirects and retries: the total deadline, the
 * caller's AbortSignal, and the exchange or backoff currently in progress. When the deadline
 * passes or the signal fires, the call fails with that reason at once and its socket is released.
 *
 * The deadline is the sooner of the `total` timeout (from the call's start) and the propagated
 * `deadline` of the page or flow it belongs to (see `deadline.ts`); the latter fails the call with
 * a {@link TimeoutError} of phase `deadline`, at once if it has already passed.
 */
export class Call {
  /** The request currently being sent (it changes as redirects are followed). */
  request: PreparedRequest;
  /** `performance.now()` time at which the total timeout passes, or `Infinity`. */
  readonly deadline: number;
  // Why the call was stopped; undefined while it may go on.
  #reason: Error | undefined;
  // The latest exchange of the call (on the wire, or settled), if any.
  #current: Exchange | undefined;
  // Exchanges a dispatching policy sent besides #current (hedges): stop() cancels them too.
  // Undefined until the first; kept until the call ends (cancelling a settled one only ends its
  // stream).
  #tracked: Exchange[] | undefined;
  // Wakes a backoff sleep early with the stop reason; set only while sleeping.
  #wake: ((error: Error) => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort: (() => void) | undefined;

  /** Told about the call's progress when it is traced; undefined otherwise. */
  readonly observer: CallObserver | undefined;

  constructor(
    request: PreparedRequest,
    total: number | undefined,
    signal: AbortSignal | undefined,
    observer?: CallObserver,
    deadline?: number,
  ) {
    this.request = request;
    this.observer = observer;
    const now = performance.now();
    observer?.started(now);
    const end = total === undefined ? Number.POSITIVE_INFINITY : now + total;
    if (deadline !== undefined && deadline < end) {
      this.deadline = deadline;
      this.#expireAt('deadline', Math.max(0, Math.round(deadline - now)), deadline - now);
    } else {
      this.deadline = end;
      if (total !== undefined) this.#expireAt('total', total, total);
    }
    if (signal !== undefined) {
      this.#signal = signal;
      this.#onAbort = () => this.stop(cancellation(signal.reason, this.request));
      if (signal.aborted) this.#onAbort();
      else onAbort(signal, this.#onAbort);
    }
  }

  // Stops the call with a TimeoutError of `phase` in `ms` (at once when `ms <= 0`; never when it
  // is beyond what setTimeout can wait, about 24.8 days, which it would turn into 1 ms).
  #expireAt(phase: 'total' | 'deadline', timeout: number, ms: number): void {
    if (ms <= 0) {
      this.#reason = new TimeoutError({ phase, timeout, request: this.request });
      return;
    }
    if (ms > MAX_TIMER) return;
    this.#timer = setTimeout(
      () => this.stop(new TimeoutError({ phase, timeout, request: this.request })),
      ms,
    );
  }

  /** Stops the call with `reason`: the exchange in flight is cancelled and any backoff ends. */
  stop(reason: Error): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    this.#current?.cancel(reason);
    if (this.#tracked !== undefined) for (const exchange of this.#tracked) exchange.cancel(reason);
    this.#wake?.(reason);
  }

  /** Throws the stop reason if the call was stopped. */
  check(): void {
    if (this.#reason !== undefined) throw this.#reason;
  }

  /**
   * Makes `exchange` the call's current one (a stop cancels it) and returns its response's
   * promise. It stays current once settled: cancelling a settled exchange only ends its stream.
   */
  run(exchange: Exchange): Promise<Response> {
    this.#current = exchange;
    if (this.#reason !== undefined) exchange.cancel(this.#reason);
    return exchange.promise;
  }

  /**
   * Adds `exchange` to the call's exchanges on the wire, alongside the current one (a policy that
   * sends more than one per attempt): a stop cancels it too.
   */
  track(exchange: Exchange): Exchange {
    if (this.#tracked === undefined) this.#tracked = [exchange];
    else this.#tracked.push(exchange);
    if (this.#reason !== undefined) exchange.cancel(this.#reason);
    return exchange;
  }

  /** Milliseconds left before the total deadline. */
  remaining(): number {
    return this.deadline - performance.now();
  }

  /** Waits `ms`, or fails as soon as the call is stopped. */
  sleep(ms: number): Promise<void> {
    this.check();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = (error) => {
        clearTimeout(timer);
        this.#wake = undefined;
        reject(error);
      };
    });
  }

  /** Clears the timer and the signal listener. */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#signal !== undefined && this.#onAbort !== undefined) {
      offAbort(this.#signal, this.#onAbort);
    }
  }
}

// The longest delay setTimeout honours.
const MAX_TIMER = 2 ** 31 - 1;

/** The error of a call stopped by its AbortSignal: a TimeoutError as it is, else a CancelledError. */
export function cancellation(reason: unknown, request: PreparedRequest): Error {
  if (reason instanceof TimeoutError) return reason;
  const why = isFanoutError(reason) ? reason.message : 'Request aborted';
  return new CancelledError(why, { request, cause: reason });
}
