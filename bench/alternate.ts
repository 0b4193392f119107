/**
 * Measures two sides in `pairs` pairs of blocks, alternating which goes first (0-1, 1-0, …) so
 * that a machine getting faster or slower during the run weighs on both alike. Returns each
 * side's samples, pair by pair: `[side 0, side 1]`.
 */
export async function alternate(
  pairs: number,
  measure: (side: 0 | 1) => Promise<number>,
): Promise<[number[], number[]]> {
  const samples: [number[], number[]] = [[], []];
  for (let pair = 0; pair < pairs; pair++) {
    const order: readonly (0 | 1)[] = pair % 2 === 0 ? [0, 1] : [1, 0];
    for (const side of order) samples[side].push(await measure(side));
  }
  return samples;
}
