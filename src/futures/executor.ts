import { performance } from 'node:perf_hooks';
import { type InspectOptionsStylized, inspect } from 'node:util';
import type { Inspect } from '../core/inspect.ts';
import { startTimer } from '../core/timers.ts';
import { CancelledError } from '../errors/cancelled-error.ts';
import { ExecutorShutdownError } from '../errors/executor-shutdown-error.ts';
import { QueueFullError } from '../errors/queue-full-error.ts';
import { type ConcurrencyLimit, isConcurrencyLimit } from './concurrency-limit.ts';
import { type MapFunction, type MapOptions, mapTasks } from './executor-map.ts';
import { type Future, futureController, type TaskFunction } from './future.ts';
import { inspectExecutor } from './inspect-executor.ts';
import { Scheduler } from './scheduler.ts';
import { type Runnable, Task, type TaskOwner } from './task.ts';

/**
 * The key of the internal method that submits a {@link Runnable}
 * (`executor[submitRunnable](runnable, options)`): like `submit`, for callers that stop their own
 * work without an `AbortSignal`, such as `FuturesSession`. It is not part of the public API.
 *
 * @internal
 */
export const submitRunnable: unique symbol = Symbol('fanout.submitRunnable');

import {
  checkBoolean,
  checkFunction,
  checkInteger,
  checkPriority,
  checkSignal,
  NON_NEGATIVE_INTEGER_OR_INFINITY,
  POSITIVE_INTEGER,
  POSITIVE_INTEGER_OR_INFINITY,
} from '../core/checks.ts';
import { checkKnownOptions, fail, ownOptions, ownValue } from '../core/validate.ts';
import { EXECUTOR_OPTIONS, SHUTDOWN_OPTIONS, SUBMIT_OPTIONS } from './known-options.ts';

/** Options of {@link Executor}. */
export interface ExecutorOptions {
  /**
   * How many tasks may run at once: a positive integer.
   *
   * @default 8 (as in requests-futures)
   */
  maxWorkers?: number;
  /**
   * How many tasks may wait in the queue: a non-negative integer or `Infinity`. Beyond it,
   * `submit` throws a `QueueFullError`; `onSpace()` tells when there is room again.
   *
   * @default Infinity
   */
  maxQueued?: number;
  /**
   * How many tasks with the same `key` may run at once (like aiohttp's `limit_per_host`): a
   * positive integer or `Infinity`. Tasks without a key are bounded by `maxWorkers` only. A
   * {@link ConcurrencyLimit} (such as `adaptiveLimit()`) gives each key a limit that changes at
   * run time, fed with the latency and outcome of every finished task of the key.
   *
   * @default Infinity
   */
  perKey?: number | ConcurrencyLimit;
}

/** Options of {@link Executor.submit}. */
export interface SubmitOptions {
  /**
   * Queued tasks with a higher priority start first; equal priorities start in submission order.
   *
   * @default 0
   */
  priority?: number | undefined;
  /**
   * Groups tasks for the `perKey` limit, such as the origin of an HTTP request.
   *
   * @default undefined (no per-key limit)
   */
  key?: string | undefined;
  /**
   * Aborting it cancels the future: a queued task is removed, a running one aborted.
   *
   * @default undefined
   */
  signal?: AbortSignal | undefined;
}

/** Options of {@link Executor.shutdown}. */
export interface ShutdownOptions {
  /**
   * Whether to wait until every task still queued or running has finished.
   *
   * @default true
   */
  wait?: boolean | undefined;
  /**
   * Whether to cancel the queued tasks (their futures become cancelled). Running tasks are not
   * cancelled; cancel their futures yourself if you need to.
   *
   * @default false
   */
  cancelPending?: boolean | undefined;
}

const DEFAULTS = {
  maxWorkers: 8,
  maxQueued: Number.POSITIVE_INFINITY,
  perKey: Number.POSITIVE_INFINITY,
} as const satisfies Required<ExecutorOptions>;

/**
 * Runs functions with bounded concurrency and hands out a {@link Future} for each, like Python's
 * `concurrent.futures` executors (on the event loop instead of threads).
 *
 * **Scheduling.** `submit` queues the task, then starts every queued task it can, at once (the
 * task's function runs synchronously inside `submit` when a worker is free). A task can start
 * when fewer than `maxWorkers` tasks run and, if it has a `key`, fewer than `perKey` tasks of that
 * key run. Among the tasks that can start, the highest `priority` goes first, then the earliest
 * submitted; a task whose key is saturated never holds back tasks of other keys. Whenever a task
 * finishes (its function's promise settles) the freed worker goes to the next task the same way.
 *
 * **Cancellation.** Cancelling a queued task's future removes it from the queue; cancelling a
 * running one aborts the `AbortSignal` its function received (the `AbortController` is created
 * only when the task starts). A cancelled running task keeps its worker until its function
 * settles, so `maxWorkers` bounds what really runs. A task's `signal` is listened to only when
 * one is given.
 *
 * **Due times.** Work that must start by a due time (a `FuturesSession` request's deadline or
 * `total` timeout) leaves the queue the moment that time comes, unstarted, and its future fails
 * with the work's error. The whole queue has one timer, armed at the soonest due time among the
 * queued tasks; a task that starts at once never touches it.
 *
 * @example
 * ```ts
 * import { Executor } from 'fanout';
 *
 * const executor = new Executor({ maxWorkers: 4, perKey: 2 });
 * try {
 *   const future = executor.submit((signal) => fetch('https://example.com', { signal }), {
 *     key: 'https://example.com',
 *     priority: 1,
 *   });
 *   console.log((await future).status);
 * } finally {
 *   await executor.shutdown();
 * }
 * ```
 */
export class Executor {
  /** At most this many tasks run at once. */
  readonly #maxWorkers: number;
  /** At most this many tasks wait in the queue (`Infinity`: no bound). */
  readonly #maxQueued: number;
  /** The per-key limit that changes at run time, if `perKey` is one; told of every keyed task. */
  readonly #limit: ConcurrencyLimit | undefined;
  /** The queue and the running counts; the only place tasks wait. */
  readonly #scheduler: Scheduler<Task<unknown>>;
  /** How a queued task leaves the queue when cancelled; one object shared by every task. */
  readonly #owner: TaskOwner = { withdraw: (task) => this.#withdraw(task) };
  /** Tasks whose function has settled (fulfilled or failed, cancelled or not). */
  #completed = 0;
  /** Set by `shutdown()`; never goes back to false. */
  #isShutdown = false;
  /** `onIdle()` calls waiting; resolved (and emptied) as soon as nothing is queued or running. */
  #idleWaiters: (() => void)[] = [];
  /** `onSpace()` calls waiting; resolved (and emptied) as soon as {@link #hasSpace} holds. */
  #spaceWaiters: (() => void)[] = [];
  /**
   * The queue's one timer for due times: armed while a queued task has a due time, for
   * `#expiryAt`, which is at or before the soonest of them (earlier only when the soonest left the
   * queue meanwhile: the timer then fires, finds nothing due and re-arms).
   */
  #expiryTimer: NodeJS.Timeout | undefined = undefined;
  /** The `performance.now()` time `#expiryTimer` fires at; `Infinity` while it is not armed. */
  #expiryAt = Number.POSITIVE_INFINITY;
  /** `#expireDue`, bound once for the timer. */
  readonly #onExpiry = () => this.#expireDue();

  /**
   * Creates an executor; the options are validated here, once.
   *
   * @throws {InvalidOptionError} if an option is out of range or of the wrong type, e.g.
   * "Expected `maxWorkers` to be a positive integer, got 0 (number)".
   */
  constructor(options: ExecutorOptions = {}) {
    const { maxWorkers, maxQueued, perKey } = ownOptions(options);
    checkKnownOptions(options, EXECUTOR_OPTIONS);
    this.#maxWorkers = checkInteger(
      'maxWorkers',
      maxWorkers,
      POSITIVE_INTEGER,
      DEFAULTS.maxWorkers,
    );
    this.#maxQueued = checkInteger(
      'maxQueued',
      maxQueued,
      NON_NEGATIVE_INTEGER_OR_INFINITY,
      DEFAULTS.maxQueued,
    );
    if (isConcurrencyLimit(perKey)) {
      const limit = perKey;
      this.#limit = limit;
      this.#scheduler = new Scheduler(this.#maxWorkers, (key) => atLeastOne(limit.current(key)));
    } else {
      const perKeyLimit = expectPerKey(perKey);
      this.#scheduler = new Scheduler(this.#maxWorkers, perKeyLimit);
    }
  }

  /** What `console.log` prints: limits, running and queued counts (see docs/FUTURES.md). */
  [inspect.custom](depth: number, options: InspectOptionsStylized, inspectFn: Inspect): string {
    return inspectExecutor(this, depth, options, inspectFn);
  }

  /** The most tasks that run at once. */
  get maxWorkers(): number {
    return this.#maxWorkers;
  }

  /** The most tasks that wait in the queue (`Infinity`: no bound). */
  get maxQueued(): number {
    return this.#maxQueued;
  }

  /** How many tasks are running. */
  get active(): number {
    return this.#scheduler.active;
  }

  /** How many tasks wait in the queue. */
  get queued(): number {
    return this.#scheduler.queued;
  }

  /** How many tasks have finished running: their function settled (also if cancelled meanwhile). */
  get completed(): number {
    return this.#completed;
  }

  /** Whether `shutdown()` has been called. */
  get isShutdown(): boolean {
    return this.#isShutdown;
  }

  /**
   * Schedules `fn` and returns its future at once. `fn` receives an `AbortSignal` that is aborted
   * if the future is cancelled while running; it may return a value or a promise.
   *
   * Submitting to a full queue **throws** (rather than returning a failed future): the caller
   * still holds the work and can wait with {@link onSpace} and retry, and nothing can be lost.
   *
   * @throws {ExecutorShutdownError} after `shutdown()`.
   * @throws {QueueFullError} if the task would have to wait and `maxQueued` tasks already do.
   * @throws {InvalidOptionError} if `fn` is not a function or an option is invalid.
   * @example
   * ```ts
   * import { Executor } from 'fanout';
   *
   * const executor = new Executor({ maxWorkers: 2 });
   * const answer = executor.submit(async () => 42, { priority: 10 });
   * console.log(await answer); // 42
   * ```
   */
  submit<T>(fn: TaskFunction<T>, options: SubmitOptions = {}): Future<T> {
    if (this.#isShutdown) {
      throw new ExecutorShutdownError('Cannot submit a task: the executor has been shut down');
    }
    checkFunction('fn', fn);
    checkKnownOptions(options, SUBMIT_OPTIONS);
    return this.#enqueue(fn, options);
  }

  /** @internal Submits `runnable` as `submit` does a function (see {@link submitRunnable}). */
  [submitRunnable]<T>(runnable: Runnable<T>, options: SubmitOptions): Future<T> {
    if (this.#isShutdown) {
      throw new ExecutorShutdownError('Cannot submit a task: the executor has been shut down');
    }
    return this.#enqueue(runnable, options);
  }

  #enqueue<T>(work: TaskFunction<T> | Runnable<T>, options: SubmitOptions): Future<T> {
    const { priority, key, signal } = normalizeSubmitOptions(options);
    if (this.#scheduler.queued >= this.#maxQueued && !this.#scheduler.hasRoomFor(key)) {
      throw new QueueFullError(
        `Cannot submit a task: the queue is full (maxQueued: ${this.#maxQueued})`,
      );
    }
    const task = new Task(work, priority, key, signal, this.#owner);
    if (signal?.aborted) {
      task.handleEvent();
      return task.future;
    }
    signal?.addEventListener('abort', task);
    this.#scheduler.enqueue(task);
    this.#drain();
    // Still queued, and due before the timer fires: the timer must fire sooner.
    if (task.dueIndex >= 0 && (task.due as number) < this.#expiryAt) {
      this.#armExpiry(task.due as number);
    }
    return task.future;
  }

  /**
   * Runs `fn` on every item of `items` (sync or async) on this executor and yields the results:
   * in the order of the items (`ordered`, the default) or as they complete. Items are pulled only
   * as results are taken, keeping at most `window` of them in flight, so a source of a million
   * URLs never becomes a million futures. A failed task throws from the iteration at its place;
   * leaving the loop early (`break`, `return`, a throw) cancels the tasks still in flight.
   *
   * @throws {InvalidOptionError} if `fn` is not a function, `items` not iterable, or an option is
   * invalid.
   * @example
   * ```ts
   * import { Executor } from 'fanout';
   *
   * const executor = new Executor({ maxWorkers: 8 });
   * const urls = ['https://example.com/a', 'https://example.com/b'];
   * for await (const status of executor.map(async (url, signal) => (await fetch(url, { signal })).status, urls)) {
   *   console.log(status);
   * }
   * ```
   */
  map<I, R>(
    fn: MapFunction<I, R>,
    items: Iterable<I> | AsyncIterable<I>,
    options: MapOptions = {},
  ): AsyncGenerator<R, void, undefined> {
    return mapTasks(this, fn, items, options);
  }

  /**
   * Stops accepting tasks: afterwards `submit` throws an `ExecutorShutdownError`. With
   * `cancelPending`, the queued tasks are cancelled; with `wait` (the default), resolves once
   * every remaining task has finished. Calling it again is harmless.
   *
   * @throws {InvalidOptionError} (as a rejection) if an option is not a boolean.
   * @example
   * ```ts
   * import { Executor } from 'fanout';
   *
   * const executor = new Executor();
   * await executor.shutdown({ cancelPending: true });
   * ```
   */
  async shutdown(options: ShutdownOptions = {}): Promise<void> {
    checkKnownOptions(options, SHUTDOWN_OPTIONS);
    const wait = checkBoolean('wait', ownValue(options, 'wait', options.wait), true);
    const cancelPending = checkBoolean(
      'cancelPending',
      ownValue(options, 'cancelPending', options.cancelPending),
      false,
    );
    this.#isShutdown = true;
    if (cancelPending) {
      for (const task of this.#scheduler.queuedEntries()) {
        futureController.cancel(task.future, new CancelledError('Cancelled by executor shutdown'));
      }
    }
    this.#notify();
    if (wait) await this.onIdle();
  }

  /** `shutdown()` with its defaults, for `await using` (where the runtime supports it). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  /**
   * Resolves when nothing is queued or running — at once if that is already so.
   *
   * @example
   * ```ts
   * import { Executor } from 'fanout';
   *
   * const executor = new Executor();
   * executor.submit(async () => {});
   * await executor.onIdle();
   * ```
   */
  onIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Resolves when a task submitted without a key would not be refused for a full queue: fewer
   * than `maxQueued` tasks wait, or a worker is free — at once if that is already so (also after
   * `shutdown()`, when `submit` throws for another reason).
   *
   * @example
   * <!-- fragment: `jobs` are the caller's tasks
   * declare const jobs: Iterable<(signal: AbortSignal) => Promise<void>>;
   * -->
   * ```ts
   * import { Executor } from 'fanout';
   *
   * const executor = new Executor({ maxWorkers: 4, maxQueued: 100 });
   * for (const job of jobs) {
   *   await executor.onSpace();
   *   executor.submit(job);
   * }
   * ```
   */
  onSpace(): Promise<void> {
    if (this.#hasSpace()) return Promise.resolve();
    return new Promise((resolve) => this.#spaceWaiters.push(resolve));
  }

  /** Starts queued tasks while the limits allow. */
  #drain(): void {
    for (let task = this.#scheduler.take(); task !== undefined; task = this.#scheduler.take()) {
      this.#run(task);
    }
  }

  #run(task: Task<unknown>): void {
    const { key } = task;
    const token =
      key === undefined ? undefined : this.#limit?.start(key, this.#scheduler.activeOf(key));
    futureController.start(task.future);
    const { work } = task;
    let outcome: unknown;
    try {
      if (typeof work === 'function') {
        const controller = new AbortController();
        task.work = controller;
        outcome = work(controller.signal); // called unbound: the task is not its business
      } else {
        // A queued task's work is its function or its Runnable: it becomes a controller only here.
        outcome = (work as Runnable<unknown>).run();
      }
    } catch (error) {
      outcome = Promise.reject(error);
    }
    Promise.resolve(outcome).then(
      (value) => this.#finish(task, true, value, token),
      (error) => this.#finish(task, false, error, token),
    );
  }

  #finish(task: Task<unknown>, ok: boolean, outcome: unknown, token: unknown): void {
    this.#scheduler.release(task);
    if (this.#limit !== undefined && task.key !== undefined) {
      this.#scheduler.setLimit(task.key, atLeastOne(this.#limit.finish(token, ok, outcome)));
    }
    this.#completed++;
    (task.work as Partial<Runnable<unknown>>).release?.();
    task.signal?.removeEventListener('abort', task);
    futureController.settle(task.future, ok, outcome);
    this.#drain();
    this.#disarmWhenNothingDue();
    this.#notify();
  }

  #withdraw(task: Task<unknown>): void {
    if (!this.#scheduler.withdraw(task)) return;
    task.signal?.removeEventListener('abort', task);
    this.#disarmWhenNothingDue();
    this.#notify();
  }

  /** (Re-)arms the expiry timer for `at` (a `performance.now()` time). */
  #armExpiry(at: number): void {
    clearTimeout(this.#expiryTimer);
    this.#expiryAt = at;
    this.#expiryTimer = startTimer(Math.max(0, at - performance.now()), this.#onExpiry);
  }

  /** Stops the expiry timer once no queued task has a due time: an idle queue holds no timer. */
  #disarmWhenNothingDue(): void {
    if (this.#expiryTimer === undefined || this.#scheduler.nextDue() !== undefined) return;
    clearTimeout(this.#expiryTimer);
    this.#expiryTimer = undefined;
    this.#expiryAt = Number.POSITIVE_INFINITY;
  }

  /**
   * The expiry timer fired: every queued task due by now leaves the queue and its future fails
   * with its work's error; then the timer is armed for the next due time, if any.
   */
  #expireDue(): void {
    // Due by the time the timer was armed for is due now, even if the clock reads a little less
    // (a timer fires at whole milliseconds; node:test's mock timers do not move performance.now).
    const now = Math.max(performance.now(), this.#expiryAt);
    this.#expiryTimer = undefined;
    this.#expiryAt = Number.POSITIVE_INFINITY;
    for (
      let task = this.#scheduler.takeExpired(now);
      task !== undefined;
      task = this.#scheduler.takeExpired(now)
    ) {
      task.signal?.removeEventListener('abort', task);
      futureController.settle(task.future, false, task.expired());
    }
    // A done callback above may have queued work and armed the timer: only ever sooner.
    const next = this.#scheduler.nextDue();
    if (next !== undefined && next < this.#expiryAt) this.#armExpiry(next);
    this.#notify();
  }

  #isIdle(): boolean {
    return this.#scheduler.active === 0 && this.#scheduler.queued === 0;
  }

  #hasSpace(): boolean {
    return (
      this.#isShutdown ||
      this.#scheduler.queued < this.#maxQueued ||
      this.#scheduler.active < this.#maxWorkers
    );
  }

  /** Resolves the waiters whose condition now holds. */
  #notify(): void {
    if (this.#idleWaiters.length > 0 && this.#isIdle()) {
      for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
    if (this.#spaceWaiters.length > 0 && this.#hasSpace()) {
      for (const resolve of this.#spaceWaiters.splice(0)) resolve();
    }
  }
}

/**
 * A limit a {@link ConcurrencyLimit} gave, made usable: below 1 (or `NaN`) a key's tasks would
 * wait forever, so such a limit counts as 1.
 */
function atLeastOne(limit: number): number {
  // biome-ignore lint/complexity/useMathMinMax: Math.max(NaN, 1) is NaN; this comparison gives 1
  return limit >= 1 ? limit : 1;
}

/** `perKey` when it is not a {@link ConcurrencyLimit}: a positive integer or `Infinity`. */
function expectPerKey(value: unknown): number {
  if (value === undefined || typeof value === 'number') {
    return checkInteger('perKey', value, POSITIVE_INTEGER_OR_INFINITY, DEFAULTS.perKey);
  }
  return fail('perKey', 'a positive integer, Infinity or a ConcurrencyLimit', value);
}

/** The options of one `submit`, validated, with their defaults. */
function normalizeSubmitOptions(options: SubmitOptions): {
  priority: number;
  key: string | undefined;
  signal: AbortSignal | undefined;
} {
  const key = ownValue(options, 'key', options.key);
  if (key !== undefined && typeof key !== 'string') fail('key', 'a string', key);
  return {
    priority: checkPriority('priority', ownValue(options, 'priority', options.priority)),
    key,
    signal: checkSignal('signal', ownValue(options, 'signal', options.signal)),
  };
}
