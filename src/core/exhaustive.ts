/**
 * A map with exactly one entry, a `V`, for every key of `T` (optional keys included). Checked with
 * `satisfies`, it makes a registry of option names one the compiler holds: a key added to `T`
 * without its entry, or an entry for a key `T` lacks, is a compile error.
 *
 * @example
 * <!-- fragment: internal: the module is not exported from `fanout`
 * import type { Exhaustive } from '#src/core/exhaustive';
 * interface Options { session?: object; trace?: boolean }
 * -->
 * ```ts
 * const KNOWN = { session: true, trace: true } as const satisfies Exhaustive<Options, true>;
 * ```
 * @internal
 */
export type Exhaustive<T, V> = { readonly [K in keyof T]-?: V };

/** The keys of `map`, as the Set a hot path looks names up in. @internal */
export function keySet(map: object): ReadonlySet<string> {
  return new Set(Object.keys(map));
}
