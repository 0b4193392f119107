import { type InspectOptionsStylized, inspect } from 'node:util';
import { checkFunction, checkTimeout } from '../core/checks.ts';
import type { Inspect } from '../core/inspect.ts';
import { startTimer } from '../core/timers.ts';
import { checkKnownOptions, describe, own } from '../core/validate.ts';
import { forgetUnretrieved, warnCallbackError, watchUnretrieved } from '../core/warnings.ts';
import { CancelledError } from '../errors/cancelled-error.ts';
import { InvalidOptionError } from '../errors/invalid-option-error.ts';
import { TimeoutError } from '../errors/timeout-error.ts';
import { inspectFuture } from './inspect-future.ts';
import { RESULT_OPTIONS } from './known-options.ts';

/**
 * Where a future is in its life. It only moves forward: `pending` → `running` → `fulfilled` or
 * `rejected`; `pending` or `running` → `cancelled`; `pending` → `rejected` for queued work whose
 * due time came before it started. The last three are "done".
 */
type State = 'pending' | 'running' | 'fulfilled' | 'rejected' | 'cancelled';

/**
 * Who asks for a future's outcome. `then`, `result` and `exception` retrieve it (so a failure is
 * no longer reported as unretrieved); `wait` (also `asCompleted`, `FutureSet`) only blocks on it.
 */
type Asker = 'then' | 'result' | 'exception' | 'wait';

/**
 * The work behind a future: called with the `AbortSignal` that is aborted when the future is
 * cancelled, it returns the value or a promise of it.
 */
export type TaskFunction<T> = (signal: AbortSignal) => T | PromiseLike<T>;

/** A function {@link Future.addDoneCallback} runs once the future is done. */
export type DoneCallback<T> = (future: Future<T>) => void;

/** Options of {@link Future.result} and {@link Future.exception}. */
export interface ResultOptions {
  /**
   * How long to wait, in milliseconds, before rejecting with a `TimeoutError` (phase `result`).
   * The future itself keeps running.
   *
   * @default undefined (wait as long as it takes)
   */
  timeout?: number | undefined;
}

/**
 * Stops the work behind a future when the future is cancelled: an `AbortController`, an
 * executor's queue entry, or the sources of a derived future.
 *
 * @internal
 */
export interface Canceller {
  abort(reason: CancelledError): void;
}

/** Told whenever a consumer asks for a future's outcome: tracing measures blocked time from there. */
export interface AskWatcher {
  asked(): void;
}

/** How a done future ended, as {@link FutureController.takeOutcome} hands it over. */
export type Settled = 'fulfilled' | 'rejected' | 'cancelled';

/**
 * What fanout's own machinery does to a future beyond its public API: an executor, a flow step or
 * a coalesced call creates, starts, settles and cancels the futures it runs; `wait`,
 * `asCompleted` and `FutureSet` block on futures without retrieving them; tracing hears who asks;
 * a flow step takes a dependency's outcome over. Each operation reaches the future's private
 * state, so {@link futureController} is filled in by `Future` itself.
 *
 * @internal
 */
export interface FutureController {
  /** Creates a pending future whose cancellation calls `canceller`. */
  create<T>(canceller: Canceller): Future<T>;
  /** Moves a pending future to running (a future no longer pending stays as it is). */
  start(future: Future<unknown>): void;
  /** Fulfils (`ok`) or rejects a future, unless it is done (e.g. cancelled) already. */
  settle(future: Future<unknown>, ok: boolean, outcome: unknown): void;
  /** Cancels a future, unless it is done, with the given reason. */
  cancel(future: Future<unknown>, reason: CancelledError): void;
  /** Whether a future failed (rejected, not cancelled), without retrieving its error. */
  hasFailed(future: Future<unknown>): boolean;
  /** Records that `wait`, `asCompleted` or a `FutureSet` blocks on a future. */
  noteWaiting(future: Future<unknown>): void;
  /** Makes `watcher` hear every time a consumer asks for `future`'s outcome. */
  watchAsks(future: Future<unknown>, watcher: AskWatcher): void;
  /**
   * Hands a future's outcome (its value, or its error) to `fn` the moment it is done —
   * synchronously, at once if it is done already — without allocating a promise. The caller takes
   * the outcome over (a flow step adopts it), so a failure is no longer reported as unretrieved
   * here, and no consumer is told it asked (tracing's blocked time stays the caller's own).
   */
  takeOutcome(future: Future<unknown>, fn: (settled: Settled, outcome: unknown) => void): void;
}

/**
 * The one way into a future's private state from the rest of fanout (see
 * {@link FutureController}); not exported by the package. `Future`'s static block, the only code
 * that can reach the private fields, fills it in and freezes it while this module is evaluated,
 * so it is complete before any other module can use it.
 *
 * @internal
 */
export const futureController = {} as FutureController;

/**
 * The eventual outcome of some work, in the manner of Python's `concurrent.futures.Future`, that
 * is also awaitable (`PromiseLike`).
 *
 * - `result()` / `exception()` wait for the outcome, optionally with a timeout.
 * - `cancel()` removes queued work from its executor and aborts running work (its task's
 *   `AbortSignal` is aborted with a `CancelledError`); the future is cancelled at once.
 * - A failed future never causes an `unhandledRejection`. An error that nobody retrieves (by
 *   `await`, `then`, `result()` or `exception()`) is reported once, as a process warning with code
 *   `FANOUT_UNRETRIEVED`, when the future is garbage-collected.
 *
 * Futures come from {@link Executor.submit} (and the sessions built on it), or from
 * {@link Future.from}, {@link Future.resolve}, {@link Future.reject}, the combinators and
 * {@link Future.map}. Futures that are not run by an executor are `running` from the start.
 *
 * @example
 * ```ts
 * import { Executor } from 'fanout';
 *
 * const executor = new Executor({ maxWorkers: 4 });
 * const future = executor.submit(async (signal) => (await fetch('https://example.com', { signal })).status);
 * future.addDoneCallback((f) => console.log('done', f.cancelled()));
 * console.log(await future.result({ timeout: 5_000 }));
 * ```
 */
export class Future<T> implements PromiseLike<T> {
  /** Where the future is in its life; only moves forward (see {@link State}). */
  #state: State;
  /**
   * Until done, what stops the work on `cancel()` (a {@link Canceller}, or `undefined`); once
   * done, the outcome: the value once fulfilled, the error once rejected or cancelled. A future
   * never needs both at once, so one field holds them: a queued future stays small, and a done one
   * holds no task or socket.
   */
  #held: unknown;
  /**
   * Callbacks to run when done, in the order added: the first one alone (most futures have at most
   * one, and a queued future stays small), a list from the second; dropped once run. Each was
   * added as a `DoneCallback<T>`; the `never` keeps `Future` covariant in `T`.
   */
  #callbacks: DoneCallback<never> | DoneCallback<never>[] | undefined = undefined;
  /** The promise behind `then`, created by the first `then` call and settled with the future. */
  #promise: Promise<T> | undefined = undefined;
  /**
   * Settle `#promise` when the future settles: set while `#promise` is pending (fields rather than
   * a done callback, to keep a queued future small when it is awaited).
   */
  #resolvePromise: ((value: unknown) => void) | undefined = undefined;
  #rejectPromise: ((reason: unknown) => void) | undefined = undefined;
  /** Hears every ask (`then`, `result`, `exception`, `wait`) when the future is traced. */
  #askWatcher: AskWatcher | undefined = undefined;
  /** Whether someone retrieved (or is waiting to retrieve) the outcome; never goes back to false. */
  #retrieved = false;

  private constructor(state: State, canceller: Canceller | undefined) {
    this.#state = state;
    this.#held = canceller;
  }

  /** What `console.log` prints: the state, and the request and its age or the outcome. */
  [inspect.custom](depth: number, options: InspectOptionsStylized, inspectFn: Inspect): string {
    return inspectFuture(this.#state, this.#held, depth, options, inspectFn);
  }

  static {
    const controller: FutureController = {
      create: <T>(canceller: Canceller) => new Future<T>('pending', canceller),
      start(future) {
        if (future.#state === 'pending') future.#state = 'running';
      },
      settle: (future, ok, outcome) =>
        Future.#settle(future, ok ? 'fulfilled' : 'rejected', outcome),
      cancel(future, reason) {
        Future.#cancel(future, reason);
      },
      hasFailed: (future) => future.#state === 'rejected',
      noteWaiting: (future) => Future.#ask(future, 'wait'),
      watchAsks(future, watcher) {
        future.#askWatcher = watcher;
      },
      takeOutcome(future, fn) {
        if (!future.#retrieved) {
          future.#retrieved = true;
          if (future.#state === 'rejected') forgetUnretrieved(future);
        }
        if (future.done()) fn(future.#state as Settled, future.#held);
        else Future.#listen(future, () => fn(future.#state as Settled, future.#held));
      },
    };
    Object.freeze(Object.assign(futureController, controller));
  }

  /**
   * A future already fulfilled with `value`; one that follows `value` if it is a promise or
   * thenable; `value` itself if it is a `Future`.
   *
   * @example
   * ```ts
   * import { Future } from 'fanout';
   *
   * const cached = Future.resolve({ id: 1 }); // Future<{ id: number }>, already done
   * ```
   */
  static resolve(): Future<void>;
  static resolve<T>(value: T): Future<Awaited<T>>;
  static resolve(value?: unknown): Future<unknown> {
    if (value instanceof Future) return value;
    const future = new Future<unknown>('running', undefined);
    if (isThenable(value)) Future.#follow(future, value);
    else Future.#settle(future, 'fulfilled', value);
    return future;
  }

  /**
   * A future already failed with `reason`. Like any failed future, it is reported as unretrieved
   * if nobody asks for its error.
   *
   * @example
   * ```ts
   * import { Future } from 'fanout';
   *
   * const failed = Future.reject<number>(new Error('no stock'));
   * console.log(await failed.exception()); // Error: no stock
   * ```
   */
  static reject<T = never>(reason: unknown): Future<T> {
    const future = new Future<T>('running', undefined);
    Future.#settle(future, 'rejected', reason);
    return future;
  }

  /**
   * Wraps a promise (or any thenable), or starts a function at once and wraps its outcome. The
   * function receives an `AbortSignal` that {@link Future.cancel} aborts; a plain promise cannot
   * be stopped, so cancelling its future only stops waiting for it.
   *
   * @throws {InvalidOptionError} if `source` is neither a function nor a thenable.
   * @example
   * ```ts
   * import { Future } from 'fanout';
   *
   * const page = Future.from((signal) => fetch('https://example.com', { signal }));
   * page.cancel(); // aborts the fetch
   * ```
   */
  static from<T>(source: PromiseLike<T> | TaskFunction<T>): Future<T> {
    if (source instanceof Future) return source;
    if (typeof source === 'function') {
      const controller = new AbortController();
      const future = new Future<T>('running', controller);
      Future.#run(future, () => source(controller.signal));
      return future;
    }
    if (!isThenable(source)) {
      throw new InvalidOptionError(
        `Expected \`source\` to be a promise or a function, got ${describe(source)}`,
      );
    }
    const future = new Future<T>('running', undefined);
    Future.#follow(future, source);
    return future;
  }

  /**
   * Fulfils with the values of all `values` (futures, promises or plain values) in order, or
   * fails with the first failure, like `Promise.all`. Cancelling it cancels the input futures.
   *
   * @example
   * ```ts
   * import { Future, FuturesSession } from 'fanout';
   *
   * const session = new FuturesSession({ baseURL: 'http://127.0.0.1:8080' });
   * const [user, cart] = await Future.all([session.get('/me'), session.get('/cart')]);
   * ```
   */
  static all<const V extends readonly unknown[] | []>(
    values: V,
  ): Future<{ -readonly [K in keyof V]: Awaited<V[K]> }>;
  static all<V>(values: Iterable<V | PromiseLike<V>>): Future<Awaited<V>[]>;
  static all(values: Iterable<unknown>): Future<unknown> {
    return Future.#combine(values, (items) => Promise.all(items));
  }

  /**
   * Fulfils, once every input has settled, with one `PromiseSettledResult` per input, like
   * `Promise.allSettled`. Cancelling it cancels the input futures.
   *
   * @example
   * ```ts
   * import { Future, FuturesSession } from 'fanout';
   *
   * const session = new FuturesSession({ baseURL: 'http://127.0.0.1:8080' });
   * const outcomes = await Future.allSettled([session.get('/a'), session.get('/b')]);
   * ```
   */
  static allSettled<const V extends readonly unknown[] | []>(
    values: V,
  ): Future<{ -readonly [K in keyof V]: PromiseSettledResult<Awaited<V[K]>> }>;
  static allSettled<V>(
    values: Iterable<V | PromiseLike<V>>,
  ): Future<PromiseSettledResult<Awaited<V>>[]>;
  static allSettled(values: Iterable<unknown>): Future<unknown> {
    return Future.#combine(values, (items) => Promise.allSettled(items));
  }

  /**
   * Fulfils with the first input to fulfil, or fails with an `AggregateError` when all fail,
   * like `Promise.any`. The other inputs keep running; cancelling it cancels the input futures.
   *
   * @example
   * ```ts
   * import { Future, FuturesSession } from 'fanout';
   *
   * const mirrorA = new FuturesSession({ baseURL: 'https://a.example.com' });
   * const mirrorB = new FuturesSession({ baseURL: 'https://b.example.com' });
   * const fastest = await Future.any([mirrorA.get('/pkg'), mirrorB.get('/pkg')]);
   * ```
   */
  static any<const V extends readonly unknown[] | []>(values: V): Future<Awaited<V[number]>>;
  static any<V>(values: Iterable<V | PromiseLike<V>>): Future<Awaited<V>>;
  static any(values: Iterable<unknown>): Future<unknown> {
    return Future.#combine(values, (items) => Promise.any(items));
  }

  /**
   * Settles like the first input to settle, like `Promise.race`. The other inputs keep running;
   * cancelling it cancels the input futures.
   *
   * @example
   * ```ts
   * import { Future, FuturesSession } from 'fanout';
   *
   * const session = new FuturesSession({ baseURL: 'http://127.0.0.1:8080' });
   * const first = await Future.race([session.get('/a'), session.get('/b')]);
   * ```
   */
  static race<const V extends readonly unknown[] | []>(values: V): Future<Awaited<V[number]>>;
  static race<V>(values: Iterable<V | PromiseLike<V>>): Future<Awaited<V>>;
  static race(values: Iterable<unknown>): Future<unknown> {
    return Future.#combine(values, (items) => Promise.race(items));
  }

  /** A running future that settles like `combine(items)` and cancels the input futures. */
  static #combine(
    values: Iterable<unknown>,
    combine: (items: unknown[]) => Promise<unknown>,
  ): Future<unknown> {
    const items = Array.from(values);
    const future = new Future<unknown>('running', { abort: (reason) => cancelAll(items, reason) });
    Future.#follow(future, combine(items));
    return future;
  }

  /** Whether the future is done: fulfilled, failed or cancelled. */
  done(): boolean {
    return this.#state === 'fulfilled' || this.#state === 'rejected' || this.#state === 'cancelled';
  }

  /** Whether the work is running (started and not done). */
  running(): boolean {
    return this.#state === 'running';
  }

  /** Whether the future was cancelled. */
  cancelled(): boolean {
    return this.#state === 'cancelled';
  }

  /**
   * Cancels the future unless it is already done. Queued work is removed from its executor;
   * running work has its `AbortSignal` aborted (with a `CancelledError` as the reason), so an HTTP
   * request is aborted and its socket released. The future is cancelled at once, and waiting on
   * it rejects with a `CancelledError`.
   *
   * @returns whether the future is (now) cancelled; `false` if it had already finished.
   * @example
   * ```ts
   * import { Executor } from 'fanout';
   *
   * const executor = new Executor({ maxWorkers: 1 });
   * const slow = executor.submit((signal) => fetch('https://example.com/slow', { signal }));
   * slow.cancel(); // true: the fetch is aborted
   * ```
   */
  cancel(): boolean {
    return Future.#cancel(this, new CancelledError('The future was cancelled'));
  }

  /**
   * Waits for the value. Rejects with the work's own error if it failed, a `CancelledError` if
   * it was cancelled, or a `TimeoutError` (phase `result`) if `timeout` ms pass first — the
   * future itself keeps running then.
   *
   * @throws {InvalidOptionError} (as a rejection) for a negative or non-number `timeout`, or an
   * unknown option.
   * @example
   * <!-- fragment: `recommendations` is a request in flight; `render` is the app's own
   * import type { Future, Response } from 'fanout';
   * declare const recommendations: Future<Response>;
   * declare function render(recommendations?: Response): void;
   * -->
   * ```ts
   * import { TimeoutError } from 'fanout';
   *
   * try {
   *   render(await recommendations.result({ timeout: 200 }));
   * } catch (error) {
   *   if (!(error instanceof TimeoutError)) throw error; // else render without them
   * }
   * ```
   */
  async result(options?: ResultOptions): Promise<T> {
    await Future.#waitDone(this, 'result', options);
    if (this.#state === 'fulfilled') return this.#held as T;
    throw this.#held;
  }

  /**
   * Waits for the work to finish and returns its error, or `undefined` if it succeeded. Rejects
   * with a `CancelledError` if the future was cancelled, and a `TimeoutError` (phase `result`) if
   * `timeout` ms pass first.
   *
   * @throws {InvalidOptionError} (as a rejection) for a negative or non-number `timeout`, or an
   * unknown option.
   * @example
   * ```ts
   * import { Future } from 'fanout';
   *
   * const error = await Future.reject(new Error('boom')).exception(); // Error: boom
   * ```
   */
  async exception(options?: ResultOptions): Promise<unknown> {
    await Future.#waitDone(this, 'exception', options);
    if (this.#state === 'cancelled') throw this.#held;
    return this.#state === 'rejected' ? this.#held : undefined;
  }

  /**
   * Runs `fn(future)` when the future is done (finished or cancelled), or at once if it already
   * is. Callbacks run in the order added. An error thrown by a callback is reported as a process
   * warning with code `FANOUT_CALLBACK_ERROR`; it never reaches the executor or other callbacks.
   *
   * @throws {InvalidOptionError} if `fn` is not a function.
   * @example
   * ```ts
   * import { Future } from 'fanout';
   *
   * Future.resolve(1).addDoneCallback((f) => console.log(f.done())); // logs true at once
   * ```
   */
  addDoneCallback(fn: DoneCallback<T>): void {
    checkFunction('fn', fn);
    if (this.done()) invoke(fn, this);
    else Future.#listen(this, fn);
  }

  /**
   * Removes every registration of `fn` that has not run yet.
   *
   * @returns how many were removed.
   * @example
   * ```ts
   * import { type DoneCallback, Future } from 'fanout';
   *
   * const future = Future.from(new Promise<number>(() => {}));
   * const log: DoneCallback<number> = () => console.log('done');
   * future.addDoneCallback(log);
   * future.removeDoneCallback(log); // 1
   * ```
   */
  removeDoneCallback(fn: DoneCallback<T>): number {
    const callbacks = this.#callbacks;
    if (callbacks === undefined) return 0;
    if (!Array.isArray(callbacks)) {
      if (callbacks !== fn) return 0;
      this.#callbacks = undefined;
      return 1;
    }
    const kept = callbacks.filter((callback) => callback !== fn);
    this.#callbacks = kept.length > 1 ? kept : kept[0];
    return callbacks.length - kept.length;
  }

  /**
   * A future of `fn(value)`, settled once this one is. A failure or cancellation passes through
   * unchanged, and cancelling the new future cancels this one, with the same reason (a flow
   * step's deadline stops the request behind it as that deadline would).
   *
   * @throws {InvalidOptionError} if `fn` is not a function.
   * @example
   * ```ts
   * import { type Future, FuturesSession } from 'fanout';
   *
   * const session = new FuturesSession({ baseURL: 'http://127.0.0.1:8080' });
   * const status: Future<number> = session.get('/health').map((response) => response.status);
   * ```
   */
  map<U>(fn: (value: T) => U | PromiseLike<U>): Future<U> {
    checkFunction('fn', fn);
    const derived = new Future<U>('running', { abort: (reason) => Future.#cancel(this, reason) });
    Future.#ask(this, 'then');
    this.addDoneCallback(() => {
      if (this.#state === 'fulfilled') Future.#run(derived, () => fn(this.#held as T));
      else Future.#settle(derived, this.#state, this.#held);
    });
    return derived;
  }

  /**
   * Makes the future awaitable. Like `Promise.prototype.then`; the promise behind it is created
   * by the first call only.
   */
  // biome-ignore lint/suspicious/noThenProperty: a Future is deliberately awaitable (PromiseLike).
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    Future.#ask(this, 'then');
    this.#promise ??= Future.#toPromise(this);
    return this.#promise.then(onfulfilled, onrejected);
  }

  /**
   * The one place every consumer passes when it asks for the outcome (then, result, exception,
   * wait). Retrieving marks a failure as seen. Consumer tracing (when a future was first asked
   * for, how long the asker was blocked) belongs here.
   */
  static #ask<T>(future: Future<T>, asker: Asker): void {
    future.#askWatcher?.asked();
    if (asker === 'wait' || future.#retrieved) return;
    future.#retrieved = true;
    if (future.#state === 'rejected') forgetUnretrieved(future);
  }

  /** Validates the options, asks for the outcome and waits until done (or the timeout). */
  static async #waitDone<T>(
    future: Future<T>,
    asker: Asker,
    options: ResultOptions | undefined,
  ): Promise<void> {
    checkKnownOptions(options, RESULT_OPTIONS);
    const timeout = checkTimeout('timeout', own(options, 'timeout'));
    Future.#ask(future, asker);
    if (future.done()) return;
    await new Promise<void>((resolve, reject) => {
      const onDone = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer =
        timeout === undefined
          ? undefined
          : startTimer(timeout, () => {
              future.removeDoneCallback(onDone);
              reject(new TimeoutError({ phase: 'result', timeout }));
            });
      future.addDoneCallback(onDone);
    });
  }

  /** A promise that settles with the future. */
  static #toPromise<T>(future: Future<T>): Promise<T> {
    if (future.#state === 'fulfilled') return Promise.resolve(future.#held as T);
    if (future.done()) return Promise.reject(future.#held);
    return new Promise<T>((resolve, reject) => {
      future.#resolvePromise = resolve as (value: unknown) => void;
      future.#rejectPromise = reject;
    });
  }

  /** Adds a callback to run when done (the future is not done yet). */
  static #listen<T>(future: Future<T>, fn: DoneCallback<T>): void {
    const callbacks = future.#callbacks;
    if (callbacks === undefined) future.#callbacks = fn;
    else if (Array.isArray(callbacks)) callbacks.push(fn);
    else future.#callbacks = [callbacks, fn];
  }

  /** Settles like `fn()` does: with its value, its promise's outcome, or what it throws. */
  static #run<T>(future: Future<T>, fn: () => unknown): void {
    try {
      Future.#follow(future, fn());
    } catch (error) {
      Future.#settle(future, 'rejected', error);
    }
  }

  /** Settles like `source` (a value or a thenable), unless done by then. */
  static #follow<T>(future: Future<T>, source: unknown): void {
    Promise.resolve(source).then(
      (value) => Future.#settle(future, 'fulfilled', value),
      (error) => Future.#settle(future, 'rejected', error),
    );
  }

  static #cancel<T>(future: Future<T>, reason: CancelledError): boolean {
    if (future.#state === 'cancelled') return true;
    if (future.done()) return false;
    (future.#held as Canceller | undefined)?.abort(reason);
    Future.#settle(future, 'cancelled', reason);
    return future.cancelled();
  }

  /** Moves to a done state and runs the callbacks; does nothing if already done. */
  static #settle<T>(future: Future<T>, state: State, outcome: unknown): void {
    if (future.done()) return;
    future.#state = state;
    future.#held = outcome;
    if (state === 'rejected' && !future.#retrieved) watchUnretrieved(future, outcome);
    if (future.#resolvePromise !== undefined) {
      if (state === 'fulfilled') future.#resolvePromise(outcome);
      else (future.#rejectPromise as (reason: unknown) => void)(outcome);
      future.#resolvePromise = undefined;
      future.#rejectPromise = undefined;
    }
    const callbacks = future.#callbacks;
    future.#callbacks = undefined;
    if (typeof callbacks === 'function') invoke(callbacks as DoneCallback<T>, future);
    else if (callbacks !== undefined)
      for (const fn of callbacks) invoke(fn as DoneCallback<T>, future);
  }
}

/** Runs a done callback; what it throws becomes a process warning. */
function invoke<T>(fn: DoneCallback<T>, future: Future<T>): void {
  try {
    fn(future);
  } catch (error) {
    warnCallbackError(error);
  }
}

// Cancels the futures among `items` with the reason their combination was cancelled for.
function cancelAll(items: readonly unknown[], reason: CancelledError): void {
  for (const item of items) if (item instanceof Future) futureController.cancel(item, reason);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
