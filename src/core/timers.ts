/**
 * The one place fanout starts timers, so every timeout shares the same rules and tests can fake
 * the clock with node:test's `mock.timers`: each function calls the global `setTimeout` when it
 * runs (never a reference taken at import), so a clock faked after this module loaded still sees
 * every timer. Timers are stopped with the global `clearTimeout`, which also accepts `undefined`.
 *
 * @internal
 */

/** The longest delay `setTimeout` honours; a longer one would fire at once with a warning. */
export const MAX_DELAY = 2 ** 31 - 1;

/**
 * Calls `fn` after `ms` milliseconds, or never when `ms` is `Infinity` (then it returns
 * `undefined`); a delay beyond {@link MAX_DELAY} waits {@link MAX_DELAY}.
 */
export function startTimer(ms: number, fn: () => void): NodeJS.Timeout | undefined {
  if (ms === Number.POSITIVE_INFINITY) return undefined;
  return setTimeout(fn, Math.min(ms, MAX_DELAY));
}
