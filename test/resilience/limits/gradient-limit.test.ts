import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GradientLimit } from '../../../src/resilience/limits/gradient-limit.ts';
import type { LimitSample } from '../../../src/resilience/limits/limit-algorithm.ts';
import {
  type GradientOptions,
  type GradientSettings,
  normalizeLimitOptions,
} from '../../../src/resilience/limits/limit-options.ts';
import { driveAgainstKnee } from './knee-model.ts';

function gradient(options: Omit<GradientOptions, 'algorithm'> = {}, now = 0): GradientLimit {
  const settings = normalizeLimitOptions({ algorithm: 'gradient', ...options });
  return new GradientLimit(settings as GradientSettings, now);
}

function sample(startedAt: number, rtt: number, inflight: number, didDrop = false): LimitSample {
  return { startedAt, finishedAt: startedAt + rtt, inflight, didDrop };
}

/** Feeds one window: `count` samples started at `startedAt`, `rtt` ms each; returns the last reason. */
function window(
  limit: GradientLimit,
  startedAt: number,
  rtt: number,
  inflight: number,
  count = 10,
) {
  let reason: string | undefined;
  for (let i = 0; i < count; i++) reason = limit.update(sample(startedAt, rtt, inflight));
  return reason;
}

describe('GradientLimit', () => {
  test('starts with a probe at half the initial limit; its fastest sample becomes the baseline', () => {
    const limit = gradient({ initial: 20, min: 2, shortWindow: 3 });
    assert.equal(limit.limit, 10, 'probing at half');
    assert.equal(limit.update(sample(0, 12, 1)), undefined);
    assert.equal(limit.update(sample(12, 10, 1)), undefined);
    assert.equal(limit.update(sample(22, 11, 1)), 'probe');
    assert.equal(limit.limit, 20, 'back at initial');
    // Baseline 10 ms: a window at 20 ms (twice the baseline, beyond tolerance) shrinks the limit.
    assert.equal(window(limit, 40, 20, 20, 3), 'latency');
    // gradient = clamp(1.2 × 10 ÷ 20, 0.5, 1) = 0.6; target = 20 × 0.6 + 4 = 16; 20 + 0.2 × (16 − 20)
    assert.equal(limit.limit, 19);
  });

  test('grows by queueSize × smoothing per window while latency stays at the baseline', () => {
    const limit = gradient({ initial: 10, queueSize: 5, smoothing: 0.2, shortWindow: 2 });
    window(limit, 0, 10, 1, 2); // the probe
    let startedAt = 20;
    for (let i = 0; i < 5; i++) {
      assert.equal(window(limit, startedAt, 10, limit.limit, 2), 'grow');
      startedAt += 10;
    }
    assert.equal(limit.limit, 15, '5 windows × 5 × 0.2');
  });

  test('moves once per round trip: a window closes only on a request started after it opened', () => {
    const limit = gradient({ initial: 10, shortWindow: 2 });
    window(limit, 0, 10, 1, 2); // the probe ends at t=10, and the first window opens
    for (let i = 0; i < 20; i++) {
      assert.equal(limit.update(sample(5, 10, 10)), undefined, 'started before the window');
    }
    assert.equal(limit.update(sample(10, 10, 10)), 'grow');
  });

  test('does not grow while less than half the limit is in use', () => {
    const limit = gradient({ initial: 20, shortWindow: 2 });
    window(limit, 0, 10, 1, 2);
    for (let t = 20; t < 1_000; t += 20) assert.equal(window(limit, t, 10, 9, 2), undefined);
    assert.equal(limit.limit, 20);
  });

  test('a drop halves the limit, once per round trip', () => {
    const limit = gradient({ initial: 20, shortWindow: 2 });
    window(limit, 0, 10, 1, 2);
    assert.equal(limit.update(sample(20, 5, 20, true)), 'drop'); // at t=25
    assert.equal(limit.limit, 10);
    assert.equal(limit.update(sample(21, 5, 20, true)), undefined, 'started before the decrease');
    assert.equal(limit.limit, 10);
    assert.equal(limit.update(sample(30, 5, 10, true)), 'drop');
    assert.equal(limit.limit, 5);
  });

  test('probes again every probeInterval and adopts a new baseline', () => {
    const limit = gradient({ initial: 20, min: 1, shortWindow: 2, probeInterval: 1_000 });
    window(limit, 0, 10, 1, 2); // baseline 10 ms, next probe due at t=1010
    assert.equal(limit.update(sample(1_000, 40, 20)), 'probe', 'due: the limit halves');
    assert.equal(limit.limit, 10);
    assert.equal(limit.update(sample(1_020, 40, 20)), undefined, 'started before the probe');
    window(limit, 1_100, 40, 1, 2); // the origin is now 4 × slower even without load
    assert.equal(limit.limit, 20, 'the limit before the probe is restored');
    // With the new baseline (40 ms), 40 ms answers are no reason to shrink.
    assert.equal(window(limit, 1_200, 40, 20, 2), 'grow');
  });

  test('a probe never goes below min', () => {
    assert.equal(gradient({ initial: 5, min: 4 }).limit, 4);
    assert.equal(gradient({ initial: 1, min: 1 }).limit, 1);
  });

  test('probeInterval Infinity probes only at the start', () => {
    const limit = gradient({ shortWindow: 2, probeInterval: Number.POSITIVE_INFINITY });
    window(limit, 0, 10, 1, 2);
    assert.equal(window(limit, 1e12, 10, 20, 2), 'grow');
  });

  for (const knee of [4, 16, 64]) {
    test(`against an origin with a knee at ${knee}, settles at tolerance × knee + queueSize`, () => {
      const limit = gradient({ initial: 20, tolerance: 1.2, queueSize: 4 });
      const limits = driveAgainstKnee(limit, { knee, base: 10, samples: 200 * knee });
      const settled = limits.slice(-knee * 20);
      const expected = 1.2 * knee + 4;
      assert.ok(
        settled.every((value) => Math.abs(value - expected) <= 1),
        `settled at ${Math.min(...settled)}–${Math.max(...settled)}, expected ${expected}`,
      );
    });
  }
});

test('GradientLimit: answers too fast for the clock (0 ms) count as no queueing', () => {
  const limit = gradient({ initial: 10, shortWindow: 2 });
  window(limit, 0, 0, 1, 2);
  assert.equal(window(limit, 0, 0, 10, 2), 'grow');
  assert.ok(Number.isInteger(limit.limit));
});
