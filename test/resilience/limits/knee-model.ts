import type { LimitAlgorithm } from '../../../src/resilience/limits/limit-algorithm.ts';

/** A simulated origin with `knee` workers: latency `base` up to `knee` in flight, then in proportion. */
export interface KneeModel {
  readonly knee: number;
  /** Milliseconds per request without queueing. */
  readonly base: number;
  /** How many samples to feed. */
  readonly samples: number;
}

/**
 * Drives `algorithm` as an executor would under a demand that never runs out: requests start
 * whenever fewer than its limit are in flight, each answered after `base × max(1, inflight ÷
 * knee)` ms of simulated time (in flight counted at its arrival), and each answer is a sample.
 * Returns the limit after every sample. No timers: time is a number.
 */
export function driveAgainstKnee(algorithm: LimitAlgorithm, model: KneeModel): number[] {
  const running: { startedAt: number; finishAt: number; inflight: number }[] = [];
  const limits: number[] = [];
  let now = 0;
  const fill = () => {
    while (running.length < algorithm.limit) {
      const inflight = running.length + 1;
      const latency = model.base * Math.max(1, inflight / model.knee);
      running.push({ startedAt: now, finishAt: now + latency, inflight });
    }
  };
  fill();
  for (let i = 0; i < model.samples; i++) {
    running.sort((a, b) => a.finishAt - b.finishAt);
    const next = running.shift();
    if (next === undefined) break;
    now = next.finishAt;
    algorithm.update({
      startedAt: next.startedAt,
      finishedAt: now,
      inflight: next.inflight,
      didDrop: false,
    });
    limits.push(algorithm.limit);
    fill();
  }
  return limits;
}
