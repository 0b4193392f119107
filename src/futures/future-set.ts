import { checkTimeout } from '../core/checks.ts';
import { startTimer } from '../core/timers.ts';
import { checkKnownOptions, own } from '../core/validate.ts';
import { TimeoutError } from '../errors/timeout-error.ts';
import { expectFuture, expectFutures } from './expect-futures.ts';
import { type Future, futureController } from './future.ts';
import { FUTURE_SET_OPTIONS } from './known-options.ts';

/** Options of {@link FutureSet} and {@link asCompleted}. */
export interface FutureSetOptions {
  /**
   * Milliseconds, counted from the creation of the set (the call of `asCompleted`), after which
   * the iteration throws a `TimeoutError` (phase `result`) instead of waiting for more futures.
   * Futures already done are still yielded first.
   *
   * @default undefined (no limit)
   */
  timeout?: number | undefined;
}

/** A `next()` call waiting for a member to complete. */
interface Waiter<T> {
  resolve(result: IteratorResult<Future<T>, undefined>): void;
  reject(error: unknown): void;
}

function finished<T>(): IteratorResult<Future<T>, undefined> {
  return { done: true, value: undefined };
}

/**
 * A set of futures whose async iteration yields each member once, in the order they complete
 * (members already done first, in the order added). Unlike a fixed list, you can keep adding
 * futures while iterating, which is what a crawler or a paginated fetch needs.
 *
 * **When the iteration ends:** when `next()` finds the set empty — every member yielded. Futures
 * added before that moment, such as in the body of the `for await` loop, are waited for; add the
 * follow-up work before moving to the next iteration. A yielded future leaves the set (adding it
 * again yields it again).
 *
 * **Leaving early** (`break`, `return`, a throw in the loop) empties the set: the remaining
 * futures are dropped (not cancelled) and the set can be filled and iterated again.
 *
 * **Timeout:** with `timeout`, once that many milliseconds have passed since the set was created,
 * a `next()` that would have to wait rejects with a `TimeoutError` (phase `result`) and the set is
 * emptied, as Python's `as_completed` does.
 *
 * Yielded items are the `Future` objects themselves (this iterator is hand-written: an `async
 * function*` would await each thenable future and hand out its value instead). TypeScript 5.9,
 * though, may type the variable of a `for await` loop over thenables as their awaited value
 * (it models `for await` as awaiting each item, which only holds for sync iterables); if the
 * compiler says the item is a value, annotate it: `for await (const item of set) { const future
 * = item as unknown as Future<T>; … }`, or call `set.next()` yourself.
 *
 * @example
 * <!-- fragment: `linksOf` is the crawler's own
 * import type { Response } from 'fanout';
 * declare function linksOf(page: Response): string[];
 * -->
 * ```ts
 * import { FutureSet, FuturesSession } from 'fanout';
 *
 * const session = new FuturesSession({ maxWorkers: 16 });
 * const pages = new FutureSet([session.get('https://example.com/')]);
 * for await (const page of pages) {
 *   for (const link of linksOf(await page)) pages.add(session.get(link));
 * }
 * ```
 */
export class FutureSet<T> implements AsyncIterableIterator<Future<T>, undefined> {
  /** Futures added and not yet yielded, done or not; each at most once. */
  readonly #members = new Set<Future<T>>();
  /** Members that are done and not yet yielded, in completion order, from `#doneHead` on. */
  #done: Future<T>[] = [];
  /** Index of the next future of `#done` to yield; `#done` is reset when it reaches the end. */
  #doneHead = 0;
  /** `next()` calls waiting, oldest first; non-empty only while `#done` is empty, and never more than the members not done. */
  #waiters: Waiter<T>[] = [];
  /** The limit given; `undefined` for none. */
  readonly #timeout: number | undefined;
  /** `Date.now()` after which `next()` stops waiting; `undefined` without a timeout. */
  readonly #deadline: number | undefined;
  /** Fires at the deadline; set exactly while some `next()` waits and there is a deadline. */
  #timer: NodeJS.Timeout | undefined = undefined;
  /** The done callback added to every member (one function per set). */
  readonly #onDone = (future: Future<T>): void => this.#complete(future);

  /**
   * Creates a set, optionally with some futures in it.
   *
   * @param futures - futures to start with.
   * @throws {InvalidOptionError} if an item is not a `Future`, for a negative `timeout`, or an
   * unknown option.
   */
  constructor(futures: Iterable<Future<T>> = [], options: FutureSetOptions = {}) {
    const list = expectFutures('futures', futures);
    checkKnownOptions(options, FUTURE_SET_OPTIONS);
    this.#timeout = checkTimeout('timeout', own(options, 'timeout'));
    this.#deadline = this.#timeout === undefined ? undefined : Date.now() + this.#timeout;
    for (const future of list) this.add(future);
  }

  /** How many futures are in the set: added and not yet yielded. */
  get size(): number {
    return this.#members.size;
  }

  /**
   * Adds a future (a member already in the set is not added twice).
   *
   * @throws {InvalidOptionError} if `future` is not a `Future`.
   * @example
   * ```ts
   * import { Future, FutureSet } from 'fanout';
   *
   * const set = new FutureSet<number>().add(Future.resolve(1)).add(Future.resolve(2));
   * console.log(set.size); // 2
   * ```
   */
  add(future: Future<T>): this {
    expectFuture('future', future);
    if (this.#members.has(future)) return this;
    this.#members.add(future);
    futureController.noteWaiting(future);
    future.addDoneCallback(this.#onDone);
    return this;
  }

  /** Resolves with the next member to complete, or `done` when the set is empty. */
  next(): Promise<IteratorResult<Future<T>, undefined>> {
    const future = this.#takeDone();
    if (future !== undefined) return Promise.resolve({ done: false, value: future });
    if (this.#members.size <= this.#waiters.length) return Promise.resolve(finished());
    if (this.#deadline !== undefined && Date.now() >= this.#deadline) {
      return Promise.reject(this.#expire());
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      this.#armTimer();
    });
  }

  /** Ends the iteration: empties the set (without cancelling its futures). */
  return(): Promise<IteratorResult<Future<T>, undefined>> {
    for (const waiter of this.#clear()) waiter.resolve(finished());
    return Promise.resolve(finished());
  }

  /** The set is its own (single) iterator. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /** A member completed: hand it to the oldest waiter, or keep it for the next `next()`. */
  #complete(future: Future<T>): void {
    // A callback snapshot taken before the set was emptied can still call this.
    if (!this.#members.has(future)) return;
    const waiter = this.#waiters.shift();
    if (waiter === undefined) {
      this.#done.push(future);
      return;
    }
    this.#members.delete(future);
    if (this.#waiters.length === 0) this.#disarmTimer();
    waiter.resolve({ done: false, value: future });
  }

  #takeDone(): Future<T> | undefined {
    const future = this.#done[this.#doneHead];
    if (future === undefined) return undefined;
    this.#doneHead++;
    if (this.#doneHead === this.#done.length) {
      this.#done = [];
      this.#doneHead = 0;
    }
    this.#members.delete(future);
    return future;
  }

  #armTimer(): void {
    if (this.#deadline === undefined || this.#timer !== undefined) return;
    const left = Math.max(0, this.#deadline - Date.now());
    this.#timer = startTimer(left, () => this.#expire());
  }

  #disarmTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The deadline has passed: rejects the waiters, empties the set, returns the error. */
  #expire(): TimeoutError {
    const error = new TimeoutError({ phase: 'result', timeout: this.#timeout ?? 0 });
    for (const waiter of this.#clear()) waiter.reject(error);
    return error;
  }

  /** Empties the set and stops the timer; returns the waiters, which the caller settles. */
  #clear(): Waiter<T>[] {
    for (const future of this.#members) future.removeDoneCallback(this.#onDone);
    this.#members.clear();
    this.#done = [];
    this.#doneHead = 0;
    this.#disarmTimer();
    const waiters = this.#waiters;
    this.#waiters = [];
    return waiters;
  }
}
