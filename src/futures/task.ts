/**
 * A task of an {@link Executor}: the function to run, its future, and its place in the queue. It
 * is also the future's canceller, and (through `handleEvent`) the listener of the caller's
 * `AbortSignal`, so a queued task costs no closures.
 *
 * @internal
 */

import { CancelledError } from '../errors/cancelled-error.ts';
import { type Canceller, type Future, futureController, type TaskFunction } from './future.ts';
import type { Entry } from './scheduler.ts';

/**
 * Work that starts itself and can be stopped without an `AbortSignal`: the executor runs it
 * instead of a {@link TaskFunction} when the caller (such as `FuturesSession`) can cancel its
 * work directly, saving an `AbortController` per task.
 */
export interface Runnable<T> {
  run(): PromiseLike<T>;
  /** Stops the work; called also when it is cancelled while queued, before `run()`. */
  abort(reason: CancelledError): void;
  /** The work has ended: drop what it held for cancelling (called after `run()` settles). */
  release?(): void;
  /**
   * The `performance.now()` time by which the work must have started, or `undefined` when it may
   * wait as long as it takes. Still queued then, it leaves the queue unstarted and its future
   * fails with the error of {@link Runnable.expired}. It must not change while the work is queued.
   */
  readonly due?: number | undefined;
  /** Its {@link Runnable.due} time came while queued: the error to fail with (it never runs). */
  expired?(): Error;
}

/** What a task needs of its executor: a way out of the queue when its future is cancelled. */
export interface TaskOwner {
  withdraw(task: Task<unknown>): void;
}

/** What stops a task's work once it has started. */
type Stoppable = Pick<Runnable<unknown>, 'abort'>;

/** One submitted function, from `submit()` until it has finished or been cancelled. */
export class Task<T> implements Entry, Canceller {
  /**
   * The work: a function given an `AbortSignal`, or a {@link Runnable}. A function is called once,
   * so when it starts its `AbortController` takes its place here: once started (the future is
   * running), this is what stops the work, and a task needs no field of its own for that.
   */
  work: TaskFunction<T> | Runnable<T> | AbortController;
  readonly future: Future<T>;
  readonly priority: number;
  readonly key: string | undefined;
  /** The caller's signal; this task listens to it from `submit()` until the task ends. */
  readonly signal: AbortSignal | undefined;
  readonly owner: TaskOwner;
  /** Arrival order, set when queued. */
  seq = 0;
  /** Slot in the scheduler's queue; -1 when not queued (not yet, running, or done). */
  heapIndex = -1;
  /** Slot in the scheduler's heap of due times; -1 when not in it. */
  dueIndex = -1;

  constructor(
    work: TaskFunction<T> | Runnable<T>,
    priority: number,
    key: string | undefined,
    signal: AbortSignal | undefined,
    owner: TaskOwner,
  ) {
    this.work = work;
    this.priority = priority;
    this.key = key;
    this.signal = signal;
    this.owner = owner;
    this.future = futureController.create<T>(this);
  }

  /** When the task must have started (a {@link Runnable}'s `due`); a function may wait forever. */
  get due(): number | undefined {
    const { work } = this;
    return typeof work === 'function' || work instanceof AbortController ? undefined : work.due;
  }

  /** The error of a task whose due time came while it was queued: its Runnable's. */
  expired(): Error {
    return (this.work as Required<Runnable<T>>).expired();
  }

  /**
   * Cancels the work: takes a queued task out of the queue, or aborts a running one. A
   * {@link Runnable} taken out of the queue hears it too (it may hold state to close, such as
   * its trace record).
   */
  abort(reason: CancelledError): void {
    if (this.future.running()) {
      (this.work as Stoppable).abort(reason);
      return;
    }
    this.owner.withdraw(this);
    if (typeof this.work !== 'function') this.work.abort(reason);
  }

  /** The caller's signal was aborted: cancel the future (which calls {@link abort}). */
  handleEvent(): void {
    const reason = this.signal?.reason;
    futureController.cancel(
      this.future,
      new CancelledError('Cancelled by an AbortSignal', { cause: reason }),
    );
  }
}
