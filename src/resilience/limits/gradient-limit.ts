import type { LimitReason } from '../../trace/limit-change.ts';
import { type LimitAlgorithm, type LimitSample, wholeLimit } from './limit-algorithm.ts';
import type { GradientSettings } from './limit-options.ts';

/** Samples gathered since a window opened: their count, summed RTT and largest in-flight count. */
interface Window {
  readonly openedAt: number;
  count: number;
  rttSum: number;
  inflight: number;
}

/**
 * The limit's phase: `probing` while it measures the baseline RTT at the probe's `limit` (counting
 * the samples still to take, and the fastest so far), `tracking` until the next probe is due.
 */
type Phase =
  | { readonly kind: 'probing'; readonly limit: number; remaining: number; fastest: number }
  | { readonly kind: 'tracking'; readonly nextProbeAt: number; window: Window };

/**
 * A gradient limit after Netflix's Gradient2: once per window the limit moves toward
 * `limit × gradient + queueSize`, where `gradient = clamp(tolerance × baseline ÷ shortRtt, 0.5,
 * 1)`, by the fraction `smoothing`. `shortRtt` is the average RTT of the window, which closes
 * once it holds `shortWindow` samples and spans a round trip (it ends with a request started
 * after it opened), so the limit moves once per round trip and sees the latency its last move
 * caused. While latency stays within `tolerance` of the baseline the limit grows by
 * `queueSize × smoothing` per window; past the knee latency rises with the limit, and the limit
 * settles where it is about `tolerance` × the knee + `queueSize`.
 *
 * **The baseline** is the RTT without queueing. Gradient2 takes a long-term average of the RTT
 * instead, which drifts up under sustained load (the average catches up with the queueing it
 * should reveal, and the limit climbs to `max`). Here, as in Envoy's adaptive concurrency filter,
 * the baseline is measured at a lower concurrency: at the start and every `probeInterval` ms the
 * limit drops to half (not below `min`) for `shortWindow` samples of requests started after the
 * drop, and the fastest of them is the baseline. Half the limit is below the knee once the limit
 * has settled (about `tolerance` × the knee + `queueSize`); if it is not, each probe measures a
 * lower baseline and the limit settles lower, until it is. Between probes the baseline only
 * follows `shortRtt` down. The limit before a probe is restored after it.
 *
 * A drop halves the limit, at most once per round trip (samples of requests started before the
 * last decrease are ignored). While less than half the limit is in use the limit does not move:
 * the caller, not the origin, is the bottleneck.
 *
 * @internal
 */
export class GradientLimit implements LimitAlgorithm {
  readonly #settings: GradientSettings;
  /** The limit with its fraction, in [min, max]; outside probes `limit` is its integer part. */
  #estimate: number;
  /** The RTT without queueing; `Infinity` until the first probe ends. */
  #baseline = Number.POSITIVE_INFINITY;
  /** When the limit was last decreased (or a probe began); requests started earlier are ignored. */
  #decreasedAt = Number.NEGATIVE_INFINITY;
  #phase: Phase;

  constructor(settings: GradientSettings, now: number) {
    this.#settings = settings;
    this.#estimate = settings.initial;
    this.#phase = this.#probe(now);
  }

  get limit(): number {
    return this.#phase.kind === 'probing' ? this.#phase.limit : wholeLimit(this.#estimate);
  }

  update(sample: LimitSample): LimitReason | undefined {
    const { startedAt, finishedAt, didDrop } = sample;
    if (startedAt < this.#decreasedAt) return undefined;
    const phase = this.#phase;
    if (phase.kind === 'probing') {
      return didDrop ? undefined : this.#measure(phase, finishedAt - startedAt, finishedAt);
    }
    if (finishedAt >= phase.nextProbeAt) {
      this.#phase = this.#probe(finishedAt);
      return 'probe';
    }
    if (didDrop) {
      this.#estimate = Math.max(this.#settings.min, this.#estimate / 2);
      this.#decreasedAt = finishedAt;
      phase.window = openWindow(finishedAt);
      return 'drop';
    }
    const { window } = phase;
    window.count++;
    window.rttSum += finishedAt - startedAt;
    window.inflight = Math.max(window.inflight, sample.inflight);
    if (window.count < this.#settings.shortWindow || startedAt < window.openedAt) return undefined;
    phase.window = openWindow(finishedAt);
    return this.#follow(window.rttSum / window.count, window.inflight);
  }

  /** Moves the limit a `smoothing` step toward its target for a window's RTT and load. */
  #follow(shortRtt: number, inflight: number): LimitReason | undefined {
    const { min, max, smoothing, queueSize, tolerance } = this.#settings;
    this.#baseline = Math.min(this.#baseline, shortRtt);
    if (inflight * 2 < this.#estimate) return undefined;
    // An RTT of 0 (a clock too coarse to see the request) shows no queueing.
    const ratio = shortRtt > 0 ? (tolerance * this.#baseline) / shortRtt : 1;
    const gradient = Math.max(0.5, Math.min(1, ratio));
    const target = this.#estimate * gradient + queueSize;
    const next = Math.max(
      min,
      Math.min(max, this.#estimate + smoothing * (target - this.#estimate)),
    );
    if (next === this.#estimate) return undefined;
    const reason = next > this.#estimate ? 'grow' : 'latency';
    this.#estimate = next;
    return reason;
  }

  /** Starts a probe at `now`: the limit is halved until the baseline has been measured. */
  #probe(now: number): Phase {
    this.#decreasedAt = now;
    return {
      kind: 'probing',
      limit: Math.max(this.#settings.min, wholeLimit(this.#estimate / 2)),
      remaining: this.#settings.shortWindow,
      fastest: Number.POSITIVE_INFINITY,
    };
  }

  /** Takes one probe sample; the last one sets the baseline and restores the limit. */
  #measure(
    phase: Extract<Phase, { kind: 'probing' }>,
    rtt: number,
    now: number,
  ): LimitReason | undefined {
    phase.fastest = Math.min(phase.fastest, rtt);
    phase.remaining--;
    if (phase.remaining > 0) return undefined;
    this.#baseline = phase.fastest;
    this.#phase = {
      kind: 'tracking',
      nextProbeAt: now + this.#settings.probeInterval,
      window: openWindow(now),
    };
    return 'probe';
  }
}

function openWindow(now: number): Window {
  return { openedAt: now, count: 0, rttSum: 0, inflight: 0 };
}
