/**
 * A seeded pseudo-random source, so the demo's service latencies are the same on every run:
 * mulberry32 for uniform numbers, Box–Muller for normal ones, and a lognormal on top.
 */

/** A function returning uniform numbers in [0, 1). */
export type Random = () => number;

/** mulberry32: a tiny 32-bit generator, good enough for simulated latencies (not for secrets). */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A standard normal number (mean 0, deviation 1) from two uniform ones (Box–Muller). */
export function normal(random: Random): number {
  // 1 - u keeps the logarithm's argument in (0, 1].
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Shape of a lognormal distribution. */
export interface LognormalShape {
  /** The median (e^μ): half the draws are below it. */
  readonly median: number;
  /** The deviation of the underlying normal (σ): 0.5 gives a moderate right tail. */
  readonly sigma: number;
}

/** A lognormal draw: `median · e^(σ·z)` for a standard normal z. */
export function lognormal(random: Random, shape: LognormalShape): number {
  return shape.median * Math.exp(shape.sigma * normal(random));
}
