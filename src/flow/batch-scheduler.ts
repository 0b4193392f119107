/**
 * When a loader sends the keys it has gathered. A batch opens with the first `load()` of a key
 * that is not already waiting, and is sent:
 *
 * - with `window: 0` (the default), once the current tick's work is done: after the promise jobs
 *   queued so far — and the ones they queue in turn — have run. So `load()` calls made in
 *   `.then` callbacks and after `await`s of already-settled promises still join the batch, as
 *   in DataLoader: the batch is scheduled by a promise job that queues a `process.nextTick`,
 *   which Node runs only once the microtask queue is empty;
 * - with `window: ms`, `ms` milliseconds after it opened (a timer, so `mock.timers` drives it);
 * - at the end of the tick, whatever the window, once it holds `maxBatchSize` keys.
 *
 * @internal
 */

/** A scheduled send; `cancel()` stops it (a no-op once it has run). */
export interface Scheduled {
  cancel(): void;
}

import { startTimer } from '../core/timers.ts';

const resolved = Promise.resolve();

/** Runs `fn` once the current tick's promise jobs have run. */
export function afterTick(fn: () => void): Scheduled {
  let isCancelled = false;
  resolved.then(() =>
    process.nextTick(() => {
      if (!isCancelled) fn();
    }),
  );
  return {
    cancel() {
      isCancelled = true;
    },
  };
}

/** Runs `fn` after `ms` milliseconds, or after the tick when `ms` is 0. */
export function afterWindow(ms: number, fn: () => void): Scheduled {
  if (ms === 0) return afterTick(fn);
  const timer = startTimer(ms, fn);
  return { cancel: () => clearTimeout(timer) };
}
