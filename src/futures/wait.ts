import { checkTimeout } from '../core/checks.ts';
import { startTimer } from '../core/timers.ts';
import { checkKnownOptions, fail, own } from '../core/validate.ts';
import { expectFutures } from './expect-futures.ts';
import { type Future, futureController } from './future.ts';
import { FutureSet, type FutureSetOptions } from './future-set.ts';
import { AS_COMPLETED_OPTIONS, WAIT_OPTIONS } from './known-options.ts';

/**
 * When {@link wait} returns, as in Python: at the first future done, at the first that fails (or
 * when all are done, if none fails), or when all are done. A cancelled future counts as done,
 * not as failed.
 */
export type ReturnWhen = 'FIRST_COMPLETED' | 'FIRST_EXCEPTION' | 'ALL_COMPLETED';

const RETURN_WHEN: readonly ReturnWhen[] = ['FIRST_COMPLETED', 'FIRST_EXCEPTION', 'ALL_COMPLETED'];

/** Options of {@link wait}. */
export interface WaitOptions {
  /**
   * The most milliseconds to wait; when they pass, `wait` returns what is done by then (it does
   * not throw).
   *
   * @default undefined (no limit)
   */
  timeout?: number | undefined;
  /**
   * When to return.
   *
   * @default 'ALL_COMPLETED'
   */
  returnWhen?: ReturnWhen | undefined;
}

/** What {@link wait} resolves with: the futures (of type `F`) done and not done at that moment. */
export interface WaitResult<F extends Future<unknown> = Future<unknown>> {
  /** The futures done (finished or cancelled) when `wait` returned. */
  done: Set<F>;
  /** The futures still pending or running then. */
  notDone: Set<F>;
}

/** The value type of a future type: `string` for `Future<string>`, distributed over unions. */
export type FutureValue<F> = F extends Future<infer T> ? T : never;

/** Options of {@link asCompleted}. */
export type AsCompletedOptions = FutureSetOptions;

/**
 * Waits for the futures as `returnWhen` says, or until `timeout` ms have passed, and resolves
 * with the sets of futures done and not done. It never rejects because of the futures (their
 * errors stay in them) nor because of the timeout. Duplicates count once.
 *
 * @throws {InvalidOptionError} (as a rejection) if an item is not a `Future` (naming its index),
 * for a negative or non-number `timeout`, an unknown `returnWhen`, or an unknown option.
 * @example
 * ```ts
 * import { FuturesSession, wait } from 'fanout';
 *
 * const session = new FuturesSession();
 * const calls = [session.get('https://example.com/a'), session.get('https://example.com/b')];
 * const { done, notDone } = await wait(calls, { timeout: 500, returnWhen: 'FIRST_EXCEPTION' });
 * for (const late of notDone) late.cancel();
 * ```
 */
export async function wait<F extends Future<unknown>>(
  futures: Iterable<F>,
  options: WaitOptions = {},
): Promise<WaitResult<F>> {
  const list = expectFutures('futures', futures);
  checkKnownOptions(options, WAIT_OPTIONS);
  const timeout = checkTimeout('timeout', own(options, 'timeout'));
  const returnWhen = expectReturnWhen(own(options, 'returnWhen'));
  const done = new Set<F>();
  const notDone = new Set<F>();
  for (const future of list) {
    futureController.noteWaiting(future);
    (future.done() ? done : notDone).add(future);
  }
  if (!isSatisfied(returnWhen, done, notDone)) await settle(returnWhen, done, notDone, timeout);
  return { done, notDone };
}

/**
 * Yields the futures as they complete — those already done first — each once, as the `Future`
 * objects themselves (not their values). If `timeout` ms pass (counted from this call) before the
 * last one completes, the iteration throws a `TimeoutError` (phase `result`). Leaving the loop
 * early stops tracking the rest (they keep running). It returns a {@link FutureSet}, so more
 * futures can be added while iterating.
 *
 * @throws {InvalidOptionError} if an item is not a `Future` (naming its index), for a negative
 * or non-number `timeout`, or an unknown option.
 * @example
 * ```ts
 * import { asCompleted, type Future, FuturesSession, type Response } from 'fanout';
 *
 * const session = new FuturesSession();
 * const calls = [session.get('https://example.com/a'), session.get('https://example.com/b')];
 * for await (const item of asCompleted(calls, { timeout: 2_000 })) {
 *   const future = item as unknown as Future<Response>; // see FutureSet on `for await` typing
 *   console.log((await future.result()).status);
 * }
 * ```
 */
export function asCompleted<F extends Future<unknown>>(
  futures: Iterable<F>,
  options: AsCompletedOptions = {},
): FutureSet<FutureValue<F>> {
  checkKnownOptions(options, AS_COMPLETED_OPTIONS);
  return new FutureSet<FutureValue<F>>(futures as Iterable<Future<FutureValue<F>>>, options);
}

function expectReturnWhen(value: ReturnWhen | undefined): ReturnWhen {
  if (value === undefined) return 'ALL_COMPLETED';
  if (!RETURN_WHEN.includes(value)) fail('returnWhen', `one of ${RETURN_WHEN.join(', ')}`, value);
  return value;
}

function isSatisfied(
  returnWhen: ReturnWhen,
  done: ReadonlySet<Future<unknown>>,
  notDone: ReadonlySet<Future<unknown>>,
): boolean {
  if (notDone.size === 0) return true;
  if (returnWhen === 'FIRST_COMPLETED') return done.size > 0;
  if (returnWhen === 'FIRST_EXCEPTION')
    return [...done].some((future) => futureController.hasFailed(future));
  return false;
}

/** Moves futures from `notDone` to `done` as they complete, until satisfied or timed out. */
function settle<F extends Future<unknown>>(
  returnWhen: ReturnWhen,
  done: Set<F>,
  notDone: Set<F>,
  timeout: number | undefined,
): Promise<void> {
  return new Promise((resolve) => {
    let isFinished = false;
    const finish = () => {
      isFinished = true;
      clearTimeout(timer);
      for (const future of notDone) future.removeDoneCallback(onDone);
      resolve();
    };
    const onDone = (future: Future<unknown>) => {
      // A callback snapshot taken before `finish` can still call this: the result is fixed then.
      if (isFinished) return;
      const member = future as F; // registered only on the members of `notDone`
      notDone.delete(member);
      done.add(member);
      const isLast = notDone.size === 0;
      if (
        isLast ||
        returnWhen === 'FIRST_COMPLETED' ||
        (returnWhen === 'FIRST_EXCEPTION' && futureController.hasFailed(member))
      ) {
        finish();
      }
    };
    const timer = timeout === undefined ? undefined : startTimer(timeout, finish);
    for (const future of notDone) future.addDoneCallback(onDone);
  });
}
