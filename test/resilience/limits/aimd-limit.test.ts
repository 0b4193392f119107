import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AimdLimit } from '../../../src/resilience/limits/aimd-limit.ts';
import type { LimitSample } from '../../../src/resilience/limits/limit-algorithm.ts';
import {
  type AimdOptions,
  type AimdSettings,
  normalizeLimitOptions,
} from '../../../src/resilience/limits/limit-options.ts';
import { driveAgainstKnee } from './knee-model.ts';

function aimd(options: Omit<AimdOptions, 'algorithm'> = {}): AimdLimit {
  return new AimdLimit(normalizeLimitOptions({ algorithm: 'aimd', ...options }) as AimdSettings);
}

/** A sample of a request that started at `startedAt` and took `rtt` ms. */
function sample(startedAt: number, rtt: number, inflight: number, didDrop = false): LimitSample {
  return { startedAt, finishedAt: startedAt + rtt, inflight, didDrop };
}

describe('AimdLimit', () => {
  test('grows by one per round trip while the limit is in use and answers are fast', () => {
    const limit = aimd({ initial: 10, latencyThreshold: 100 });
    for (let i = 0; i < 10; i++) assert.equal(limit.update(sample(0, 20, 10)), 'grow');
    assert.equal(limit.limit, 11, 'ten samples at limit 10 add one');
    for (let i = 0; i < 11; i++) limit.update(sample(20, 20, 11));
    assert.equal(limit.limit, 12);
  });

  test('does not grow while less than half the limit is in use', () => {
    const limit = aimd({ initial: 10 });
    for (let i = 0; i < 50; i++) assert.equal(limit.update(sample(0, 20, 4)), undefined);
    assert.equal(limit.limit, 10);
  });

  test('a drop or an answer slower than latencyThreshold multiplies the limit by backoffRatio', () => {
    const limit = aimd({ initial: 20, latencyThreshold: 100, backoffRatio: 0.5 });
    assert.equal(limit.update(sample(0, 150, 20)), 'latency');
    assert.equal(limit.limit, 10);
    assert.equal(limit.update(sample(200, 10, 10, true)), 'drop');
    assert.equal(limit.limit, 5);
  });

  test('decreases once per round trip: requests started before the decrease are ignored', () => {
    const limit = aimd({ initial: 20, latencyThreshold: 100 });
    assert.equal(limit.update(sample(0, 150, 20)), 'latency'); // decreased at t=150
    assert.equal(limit.limit, 18);
    for (let i = 0; i < 19; i++) {
      assert.equal(limit.update(sample(i, 150 + i, 20)), undefined, 'started before t=150');
    }
    assert.equal(limit.limit, 18);
    assert.equal(limit.update(sample(160, 150, 18)), 'latency', 'started after the decrease');
    assert.equal(limit.limit, 16);
  });

  test('stays within min and max', () => {
    const limit = aimd({ initial: 3, min: 2, max: 4, latencyThreshold: 100 });
    for (let i = 0; i < 50; i++) limit.update(sample(0, 10, 4));
    assert.equal(limit.limit, 4);
    for (let t = 1_000; t < 10_000; t += 1_000) limit.update(sample(t, 10, 4, true));
    assert.equal(limit.limit, 2);
  });

  test('against an origin whose latency rises past a knee, settles where latency crosses latencyThreshold', () => {
    // 16 workers, 10 ms each: latency = 10 × inflight ÷ 16 past the knee, 15 ms at 24 in flight.
    const limits = driveAgainstKnee(aimd({ initial: 4, latencyThreshold: 15 }), {
      knee: 16,
      base: 10,
      samples: 20_000,
    });
    const settled = limits.slice(limits.length / 2);
    assert.ok(Math.min(...settled) >= 16, `never below the knee: ${Math.min(...settled)}`);
    assert.ok(Math.max(...settled) <= 25, `never far past 24: ${Math.max(...settled)}`);
  });
});
