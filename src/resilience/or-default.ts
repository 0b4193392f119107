/**
 * `value`, or `fallback` when it is `undefined` — unlike `??`, a `null` is kept, so that the
 * option's check refuses it instead of silently using the default.
 *
 * @internal
 */
export function orDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}
