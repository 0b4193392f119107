/**
 * The one place the futures layer starts timers, so tests can fake the clock with node:test's
 * `mock.timers` and every timeout shares the same rules.
 *
 * @internal
 */

/** The longest delay `setTimeout` honours; a longer one would fire at once with a warning. */
const MAX_DELAY = 2 ** 31 - 1;

/**
 * Calls `fn` after `ms` milliseconds, or never when `ms` is `Infinity` (then it returns
 * `undefined`). Stop it with `clearTimeout`, which also accepts `undefined`.
 */
export function startTimer(ms: number, fn: () => void): NodeJS.Timeout | undefined {
  if (ms === Number.POSITIVE_INFINITY) return undefined;
  return setTimeout(fn, Math.min(ms, MAX_DELAY));
}
