/**
 * The recent latencies of an origin and a percentile of them: the last `size` samples in a ring,
 * the percentile recomputed (a sort of `size` numbers) once every `every` new samples, so asking
 * for it is a field read. Pure logic, no clock.
 *
 * @internal
 */
export class LatencyWindow {
  readonly #samples: Float64Array;
  readonly #percentile: number;
  readonly #every: number;
  // Samples recorded so far (the ring holds the last min(count, size)).
  #count = 0;
  // The percentile over the ring as of the last recomputation; undefined before `every` samples.
  #estimate: number | undefined;

  constructor(percentile: number, size = 256, every = 16) {
    this.#samples = new Float64Array(size);
    this.#percentile = percentile;
    this.#every = every;
  }

  /** The percentile of the recent samples, or `undefined` while there are fewer than `every`. */
  get estimate(): number | undefined {
    return this.#estimate;
  }

  /** Records one latency in ms. */
  add(ms: number): void {
    this.#samples[this.#count % this.#samples.length] = ms;
    this.#count++;
    if (this.#count % this.#every === 0) this.#recompute();
  }

  #recompute(): void {
    const filled = Math.min(this.#count, this.#samples.length);
    const sorted = this.#samples.slice(0, filled).sort();
    const rank = Math.min(filled - 1, Math.ceil(this.#percentile * filled) - 1);
    this.#estimate = sorted[Math.max(0, rank)];
  }
}
