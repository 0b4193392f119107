/**
 * The "did you mean" of an unknown option: the known name nearest to a typo, by edit distance.
 * Pure logic, no I/O; run only when an option is already known to be wrong.
 *
 * @internal
 */

/**
 * The Damerau-Levenshtein distance of `a` and `b` in its optimal-string-alignment form: the
 * fewest insertions, deletions, substitutions and swaps of two adjacent characters that turn one
 * into the other (`timout` → `timeout` is 1, `tiemout` → `timeout` is 1, `retries` → `retry` is 3).
 */
export function editDistance(a: string, b: string): number {
  // rows[i][j]: the distance of a's first i characters and b's first j.
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => (rows[i] as number[])[j] as number;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      (rows[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The edits a name may be away from a known one and still be taken for a typo of it: up to half
 * the longer name's length, and never more than 3 (`ca` is not a typo of `x`; `retries` is one of
 * `retry`).
 */
export function typoLimit(a: string, b: string): number {
  return Math.min(3, Math.floor(Math.max(a.length, b.length) / 2));
}

/**
 * How far `typed` is from the known name `candidate` as a typo (both lower-case): their
 * {@link editDistance}, except that a typed name cut short of 4 characters or more
 * (`maxBatch` of `maxBatchSize`) counts as one slip. Only the typed name can be cut short: a
 * known name that merely begins a longer typed one (`trace` of `traceContxt`) is no nearer
 * for it.
 */
function typoDistance(typed: string, candidate: string): number {
  return typed.length >= 4 && candidate.startsWith(typed) ? 1 : editDistance(typed, candidate);
}

/**
 * The known name `name` is most likely a typo of: the nearest by {@link editDistance}, case
 * ignored, within {@link typoLimit} (a cut-short name is one edit); the first listed wins a tie. `undefined` when none is near.
 *
 * @example
 * <!-- fragment: internal: the module is not exported from `fanout`
 * import { closestName } from '#src/core/did-you-mean';
 * -->
 * ```ts
 * closestName('timout', ['timeout', 'retry']); // 'timeout'
 * closestName('banana', ['timeout', 'retry']); // undefined
 * ```
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let closest: string | undefined;
  let closestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = typoDistance(lower, candidate.toLowerCase());
    if (distance <= typoLimit(name, candidate) && distance < closestDistance) {
      closest = candidate;
      closestDistance = distance;
    }
  }
  return closest;
}
