import type { LimitReason } from '../../trace/limit-change.ts';
import { type LimitAlgorithm, type LimitSample, wholeLimit } from './limit-algorithm.ts';
import type { AimdSettings } from './limit-options.ts';

/**
 * AIMD, as TCP's congestion avoidance: while the limit is in use (at least half of it in flight)
 * and requests succeed faster than `latencyThreshold`, the limit grows by `1 / limit` per sample
 * — one per round trip; a drop or a slower request multiplies it by `backoffRatio`.
 *
 * A decrease answers a whole round trip: samples of requests that started before the last
 * decrease are ignored (they ran under the old limit and would cut it again and again, as
 * Netflix's AIMDLimit does when a burst of slow answers arrives together).
 *
 * @internal
 */
export class AimdLimit implements LimitAlgorithm {
  readonly #settings: AimdSettings;
  /** The limit with its fraction, in [min, max]; `limit` is its integer part. */
  #estimate: number;
  /** When the limit was last decreased; requests started earlier no longer count. */
  #decreasedAt = Number.NEGATIVE_INFINITY;

  constructor(settings: AimdSettings) {
    this.#settings = settings;
    this.#estimate = settings.initial;
  }

  get limit(): number {
    return wholeLimit(this.#estimate);
  }

  update(sample: LimitSample): LimitReason | undefined {
    if (sample.startedAt < this.#decreasedAt) return undefined;
    const { min, max, backoffRatio, latencyThreshold } = this.#settings;
    const isSlow = sample.finishedAt - sample.startedAt > latencyThreshold;
    if (sample.didDrop || isSlow) {
      this.#estimate = Math.max(min, this.#estimate * backoffRatio);
      this.#decreasedAt = sample.finishedAt;
      return sample.didDrop ? 'drop' : 'latency';
    }
    if (sample.inflight * 2 < this.limit || this.#estimate >= max) return undefined;
    this.#estimate = Math.min(max, this.#estimate + 1 / this.limit);
    return 'grow';
  }
}
