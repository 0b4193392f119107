import { performance } from 'node:perf_hooks';
import { offAbort, onAbort } from '../core/abort-fanout.ts';
import { MAX_DELAY, startTimer } from '../core/timers.ts';
import { CancelledError } from '../errors/cancelled-error.ts';
import { DeadlineError } from '../errors/deadline-error.ts';
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
  /** `performance.now()` time the call started (its first attempt's turn began). */
  readonly startedAt: number;
  /** `performance.now()` time the call was made: a deadline error's `timeout` counts from here. */
  readonly #madeAt: number;
  // Why the call was stopped; undefined while it may go on.
  #reason: Error | undefined;
  // The latest exchange of the call (on the wire, or settled), if any.
  #current: Exchange | undefined;
  // Exchanges a dispatching policy sent besides #current (hedges): stop() cancels them too.
  // Undefined until the first; kept until the call ends (cancelling a settled one only ends its
  // stream).
  #tracked: Exchange[] | undefined;
  // Wakes the one wait the call is in — a backoff sleep, or a policy holding an attempt back (a
  // rate limit's queue) — early with the stop reason; set only while waiting.
  #wake: ((error: Error) => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort: (() => void) | undefined;

  /** Told about the call's progress when it is traced; undefined otherwise. */
  readonly observer: CallObserver | undefined;

  /**
   * Starts the call now. `madeAt` (`performance.now()` time, default now) is when the call was
   * made, where the `total` timeout starts: a call that waited in a queue has less of it left.
   */
  constructor(
    request: PreparedRequest,
    total: number | undefined,
    signal: AbortSignal | undefined,
    observer?: CallObserver,
    deadline?: number,
    madeAt?: number,
  ) {
    this.request = request;
    this.observer = observer;
    const now = performance.now();
    observer?.started(now);
    this.startedAt = now;
    const since = madeAt ?? now;
    this.#madeAt = since;
    const end = total === undefined ? Number.POSITIVE_INFINITY : since + total;
    if (deadline !== undefined && deadline < end) {
      this.deadline = deadline;
      this.#expireAt('deadline', budget(deadline, since), deadline - now);
    } else {
      this.deadline = end;
      // `total - (now - since)`, not `end - now`: a call that starts as it is made waits exactly
      // `total` (a float round trip through `end` could add a fraction that a fake clock's tick of
      // `total` would not reach).
      if (total !== undefined) this.#expireAt('total', total, total - (now - since));
    }
    if (signal !== undefined) {
      this.#signal = signal;
      this.#onAbort = () => this.stop(cancellation(signal.reason, this.request));
      if (signal.aborted) this.#onAbort();
      else onAbort(signal, this.#onAbort);
    }
  }

  // Stops the call with a TimeoutError of `phase` in `ms` (at once when `ms <= 0`; never when it
  // is beyond what setTimeout can wait, about 24.8 days, which it would turn into 1 ms). A
  // `deadline` error carries the deadline it enforced (`this.deadline`) as its `dueAt`.
  #expireAt(phase: 'total' | 'deadline', timeout: number, ms: number): void {
    if (ms <= 0) {
      this.#reason = this.#timeoutError(phase, timeout);
      return;
    }
    if (ms > MAX_DELAY) return;
    this.#timer = startTimer(ms, () => this.stop(this.#timeoutError(phase, timeout)));
  }

  #timeoutError(phase: 'total' | 'deadline', timeout: number): TimeoutError {
    const dueAt = phase === 'deadline' ? this.deadline : undefined;
    return new TimeoutError({ phase, timeout, request: this.request, dueAt });
  }

  /**
   * Stops the call with `reason`: the exchange in flight is cancelled and any backoff ends. A
   * cancellation because a deadline of the work the call is for passed (its `cause` a flow step's
   * {@link DeadlineError}: the step's timer fired before the call's own for that moment, or the
   * call was not given it) stops the call as that deadline's timer would: with a `TimeoutError`
   * of phase `deadline`, `dueAt` the step's. One deadline, one record, whichever timer fired.
   */
  stop(reason: Error): void {
    if (this.#reason !== undefined) return;
    const error = stopError(reason, this.request, this.#madeAt);
    this.#reason = error;
    this.#current?.cancel(error);
    if (this.#tracked !== undefined) for (const exchange of this.#tracked) exchange.cancel(error);
    this.#wake?.(error);
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
      const timer = startTimer(ms, () => {
        this.#wake = undefined;
        resolve();
      });
      this.#wake = (error) => {
        clearTimeout(timer);
        this.#wake = undefined;
        reject(error);
      };
    });
  }

  /**
   * Calls `listener` with the stop reason when the call is stopped — at once if it already was —
   * until the returned function is called: for a policy that holds an attempt back. The call waits
   * in one place at a time (a backoff sleep, one policy's queue).
   */
  onStop(listener: (reason: Error) => void): () => void {
    if (this.#reason !== undefined) {
      listener(this.#reason);
      return noop;
    }
    this.#wake = listener;
    return () => {
      if (this.#wake === listener) this.#wake = undefined;
    };
  }

  /** Clears the timer and the signal listener. */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#signal !== undefined && this.#onAbort !== undefined) {
      offAbort(this.#signal, this.#onAbort);
    }
  }
}

/**
 * What a call made at `madeAt` (`performance.now()` time) and stopped with `reason` ends with,
 * started or still queued: `reason` itself, or, for a cancellation whose `cause` is the
 * {@link DeadlineError} of the work it is for, the {@link TimeoutError} of phase `deadline` its
 * own timer for that moment would have given (see {@link Call.stop}).
 */
export function stopError(reason: Error, request: PreparedRequest, madeAt: number): Error {
  const passed = passedDeadline(reason);
  return passed === undefined
    ? reason
    : new TimeoutError({
        phase: 'deadline',
        timeout: budget(passed, madeAt),
        request,
        dueAt: passed,
      });
}

function noop(): void {}

// The `dueAt` of the DeadlineError that a cancellation is for, if it is for one.
function passedDeadline(reason: Error): number | undefined {
  if (!(reason instanceof CancelledError)) return undefined;
  const { cause } = reason;
  return cause instanceof DeadlineError ? cause.dueAt : undefined;
}

// The ms a call made at `since` had before `deadline`: the `timeout` of its deadline error.
function budget(deadline: number, since: number): number {
  return Math.max(0, Math.round(deadline - since));
}

/**
 * The `performance.now()` time by which a call made at `madeAt` must end: the sooner of its
 * `total` timeout (counted from `madeAt`) and `deadline`; `undefined` when it has neither.
 */
export function callDue(
  total: number | undefined,
  deadline: number | undefined,
  madeAt: number,
): number | undefined {
  const end = total === undefined ? undefined : madeAt + total;
  return deadline !== undefined && (end === undefined || deadline < end) ? deadline : end;
}

/**
 * The error of a call made at `madeAt` that reached its {@link callDue} time before it could
 * start (it waited in a queue): the {@link TimeoutError} a started call gets when the same limit
 * passes — phase `deadline` with the budget it was made with, or phase `total` with `total`.
 */
export function expiredBeforeStart(
  request: PreparedRequest,
  total: number | undefined,
  deadline: number | undefined,
  madeAt: number,
): TimeoutError {
  const end = total === undefined ? Number.POSITIVE_INFINITY : madeAt + total;
  return deadline !== undefined && deadline < end
    ? new TimeoutError({
        phase: 'deadline',
        timeout: budget(deadline, madeAt),
        request,
        dueAt: deadline,
      })
    : new TimeoutError({ phase: 'total', timeout: total as number, request });
}

/** The error of a call stopped by its AbortSignal: a TimeoutError as it is, else a CancelledError. */
export function cancellation(reason: unknown, request: PreparedRequest): Error {
  if (reason instanceof TimeoutError) return reason;
  const why = isFanoutError(reason) ? reason.message : 'Request aborted';
  return new CancelledError(why, { request, cause: reason });
}
