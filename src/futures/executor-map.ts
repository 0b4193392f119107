/**
 * `Executor.map`: runs a function over a (possibly endless) iterable with a bounded window.
 *
 * The model: at most `window` items are *in flight* — pulled from the source and not yet handed
 * to the consumer (queued, running, or done and waiting their turn). An item is pulled only when
 * the window has room, that is when the consumer takes a result. In `ordered` mode results come
 * out in source order (a slow item holds back the results after it, not the workers, up to the
 * window); otherwise in completion order.
 *
 * @internal
 */

import {
  checkBoolean,
  checkFunction,
  checkInteger,
  checkPriority,
  checkSignal,
  POSITIVE_INTEGER,
} from '../core/checks.ts';
import { checkKnownOptions, fail, own } from '../core/validate.ts';
import { CancelledError } from '../errors/cancelled-error.ts';
import { QueueFullError } from '../errors/queue-full-error.ts';
import type { Executor, SubmitOptions } from './executor.ts';
import type { Future, TaskFunction } from './future.ts';
import { FutureSet } from './future-set.ts';
import { MAP_OPTIONS } from './known-options.ts';

/** The function of {@link Executor.map}: called with one item and the task's `AbortSignal`. */
export type MapFunction<I, R> = (item: I, signal: AbortSignal) => R | PromiseLike<R>;

/** Options of {@link Executor.map}. */
export interface MapOptions {
  /**
   * Whether to yield results in the order of the items (else as they complete).
   *
   * @default true
   */
  ordered?: boolean | undefined;
  /**
   * The most items in flight (pulled and not yet yielded): a positive integer. Twice the workers
   * keeps them busy while an early slow item holds back the ordered results.
   *
   * @default 2 * executor.maxWorkers
   */
  window?: number | undefined;
  /**
   * The priority of every task.
   *
   * @default 0
   */
  priority?: number | undefined;
  /**
   * Aborting it cancels the tasks in flight; the iteration then throws a `CancelledError`. (One
   * listener for the whole run, however many tasks.)
   *
   * @default undefined
   */
  signal?: AbortSignal | undefined;
}

/** Validates the arguments at once (not at the first `next()`), then returns the iteration. */
export function mapTasks<I, R>(
  executor: Executor,
  fn: MapFunction<I, R>,
  items: Iterable<I> | AsyncIterable<I>,
  options: MapOptions,
): AsyncGenerator<R, void, undefined> {
  checkFunction('fn', fn);
  checkKnownOptions(options, MAP_OPTIONS);
  const source = new Source(items);
  const ordered = checkBoolean('ordered', own(options, 'ordered'), true);
  const window = checkInteger(
    'window',
    own(options, 'window'),
    POSITIVE_INTEGER,
    2 * executor.maxWorkers,
  );
  const priority = checkPriority('priority', own(options, 'priority'));
  const signal = checkSignal('signal', own(options, 'signal'));
  const submit = (item: I) => submitWhenRoom(executor, (s) => fn(item, s), { priority });
  const inFlight = ordered ? new InOrder<R>() : new InCompletionOrder<R>();
  return run(source, submit, window, inFlight, signal);
}

/**
 * The iteration: keeps the window full, hands out the next result, and on the way out (end,
 * error, `break`) cancels what is still in flight and closes the source. The caller's signal has
 * one listener for the whole run, not one per task.
 */
async function* run<I, R>(
  source: Source<I>,
  submit: (item: I) => Promise<{ future: Future<R> }>,
  window: number,
  inFlight: InFlight<R>,
  signal: AbortSignal | undefined,
): AsyncGenerator<R, void, undefined> {
  /** The future whose result is being awaited: taken out of flight, still to cancel on abort. */
  let current: Future<R> | undefined;
  const onAbort = () => {
    current?.cancel();
    cancelAll(inFlight.values());
  };
  signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      while (inFlight.size < window && !source.isExhausted) {
        const next = await source.pull();
        if (next === undefined) break;
        if (signal?.aborted) {
          throw new CancelledError('Cancelled by an AbortSignal', { cause: signal.reason });
        }
        inFlight.add((await submit(next.item)).future);
      }
      const next = await inFlight.take();
      if (next.done === true) return;
      current = next.value;
      const value = await current;
      current = undefined;
      yield value;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    abandon(inFlight.values());
    await source.close();
  }
}

/** Pulls items one at a time from a sync or async iterable, and closes it if left early. */
class Source<I> {
  /** The iterator of the items. */
  readonly #iterator: Iterator<I> | AsyncIterator<I>;
  /** Whether the source ended or threw: nothing more to pull, nothing to close. */
  #isExhausted = false;

  constructor(items: Iterable<I> | AsyncIterable<I>) {
    const asAsync = (items as Partial<AsyncIterable<I>> | null)?.[Symbol.asyncIterator];
    const asSync = (items as Partial<Iterable<I>> | null)?.[Symbol.iterator];
    if (typeof asAsync === 'function') this.#iterator = asAsync.call(items);
    else if (typeof asSync === 'function') this.#iterator = asSync.call(items);
    else fail('items', 'an iterable or async iterable', items);
  }

  get isExhausted(): boolean {
    return this.#isExhausted;
  }

  /** The next item, or `undefined` at the end. */
  async pull(): Promise<{ item: I } | undefined> {
    try {
      const next = await this.#iterator.next();
      if (next.done !== true) return { item: next.value };
    } catch (error) {
      this.#isExhausted = true;
      throw error;
    }
    this.#isExhausted = true;
    return undefined;
  }

  /** Lets the source release its resources, unless it already ended. */
  async close(): Promise<void> {
    if (this.#isExhausted) return;
    this.#isExhausted = true;
    await this.#iterator.return?.();
  }
}

/** The futures in flight, and the order in which their results are handed out. */
interface InFlight<R> {
  readonly size: number;
  add(future: Future<R>): void;
  /**
   * The future whose result comes next, taken out of flight; `done` when none is left. (The
   * iterator result is the box that keeps a promise from adopting the thenable future.)
   */
  take(): Promise<IteratorResult<Future<R>, undefined>>;
  values(): Iterable<Future<R>>;
}

/** Hands out results in the order of the items. */
class InOrder<R> implements InFlight<R> {
  /** The futures, oldest item first. */
  readonly #futures: Future<R>[] = [];

  get size(): number {
    return this.#futures.length;
  }

  add(future: Future<R>): void {
    this.#futures.push(future);
  }

  take(): Promise<IteratorResult<Future<R>, undefined>> {
    const future = this.#futures.shift();
    return Promise.resolve(
      future === undefined ? { done: true, value: undefined } : { done: false, value: future },
    );
  }

  values(): Iterable<Future<R>> {
    return this.#futures;
  }
}

/** Hands out results as they complete. */
class InCompletionOrder<R> implements InFlight<R> {
  /** Yields the futures in completion order. */
  readonly #completions = new FutureSet<R>();
  /** The same futures as `#completions` (which cannot be listed), to cancel them on the way out. */
  readonly #futures = new Set<Future<R>>();

  get size(): number {
    return this.#futures.size;
  }

  add(future: Future<R>): void {
    this.#futures.add(future);
    this.#completions.add(future);
  }

  async take(): Promise<IteratorResult<Future<R>, undefined>> {
    const next = await this.#completions.next();
    if (next.done !== true) this.#futures.delete(next.value);
    return next;
  }

  values(): Iterable<Future<R>> {
    return this.#futures;
  }
}

/**
 * Submits, waiting for room while the executor's queue is full. The future comes boxed: a promise
 * resolved with a (thenable) future would adopt it and resolve with its value instead.
 */
async function submitWhenRoom<R>(
  executor: Executor,
  fn: TaskFunction<R>,
  options: SubmitOptions,
): Promise<{ future: Future<R> }> {
  for (;;) {
    try {
      return { future: executor.submit(fn, options) };
    } catch (error) {
      if (!(error instanceof QueueFullError)) throw error;
      await executor.onSpace();
    }
  }
}

function cancelAll(futures: Iterable<Future<unknown>>): void {
  for (const future of futures) future.cancel();
}

/** Cancels futures nobody will look at, and keeps their failures from being reported. */
function abandon(futures: Iterable<Future<unknown>>): void {
  for (const future of futures) {
    future.cancel();
    future.then(undefined, ignore);
  }
}

function ignore(): void {}
