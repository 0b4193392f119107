import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type AdaptiveLimitOptions,
  adaptiveLimit,
  CancelledError,
  ConnectionError,
  InvalidOptionError,
  type LimitChange,
  TimeoutError,
  Trace,
} from '../../../src/index.ts';
import { verdictOf } from '../../../src/resilience/limits/overload.ts';
import { captureWarnings } from '../../futures/helpers.ts';

/** A clock the test moves by hand. */
function fakeClock(): { now: () => number; advance(ms: number): void } {
  let time = 0;
  return {
    now: () => time,
    advance: (ms) => {
      time += ms;
    },
  };
}

describe('adaptiveLimit options', () => {
  const bad: [string, unknown, string][] = [
    ['options', null, 'Expected `options` to be an object'],
    [
      'algorithm',
      { algorithm: 'vegas' },
      "Expected `algorithm` to be 'aimd' or 'gradient', got \"vegas\" (string)",
    ],
    ['algorithm', {}, "Expected `algorithm` to be 'aimd' or 'gradient', got undefined (undefined)"],
    [
      'min',
      { algorithm: 'aimd', min: 0 },
      'Expected `min` to be a positive integer, got 0 (number)',
    ],
    [
      'min',
      { algorithm: 'aimd', min: 1.5 },
      'Expected `min` to be a positive integer, got 1.5 (number)',
    ],
    [
      'max',
      { algorithm: 'gradient', min: 5, max: 4, initial: 4 },
      'Expected `max` to be an integer >= `min` (5), got 4 (number)',
    ],
    [
      'initial',
      { algorithm: 'aimd', initial: 500 },
      'Expected `initial` to be an integer between `min` (1) and `max` (200), got 500 (number)',
    ],
    [
      'initial',
      { algorithm: 'aimd', initial: '20' },
      'Expected `initial` to be an integer between `min` (1) and `max` (200), got "20" (string)',
    ],
    [
      'backoffRatio',
      { algorithm: 'aimd', backoffRatio: 1 },
      'Expected `backoffRatio` to be a number > 0 and < 1, got 1 (number)',
    ],
    [
      'latencyThreshold',
      { algorithm: 'aimd', latencyThreshold: 0 },
      'Expected `latencyThreshold` to be a positive number or Infinity, got 0 (number)',
    ],
    [
      'latencyThreshold',
      { algorithm: 'aimd', latencyThreshold: Number.NaN },
      'Expected `latencyThreshold` to be a positive number or Infinity, got NaN (number)',
    ],
    [
      'smoothing',
      { algorithm: 'gradient', smoothing: 0 },
      'Expected `smoothing` to be a number > 0 and <= 1, got 0 (number)',
    ],
    [
      'queueSize',
      { algorithm: 'gradient', queueSize: -1 },
      'Expected `queueSize` to be a finite number >= 0, got -1 (number)',
    ],
    [
      'tolerance',
      { algorithm: 'gradient', tolerance: 0.9 },
      'Expected `tolerance` to be a finite number >= 1, got 0.9 (number)',
    ],
    [
      'shortWindow',
      { algorithm: 'gradient', shortWindow: 0 },
      'Expected `shortWindow` to be a positive integer, got 0 (number)',
    ],
    [
      'probeInterval',
      { algorithm: 'gradient', probeInterval: -5 },
      'Expected `probeInterval` to be a positive number or Infinity, got -5 (number)',
    ],
    [
      'clock',
      { algorithm: 'gradient', clock: 5 },
      'Expected `clock` to be a function, got 5 (number)',
    ],
  ];
  for (const [name, options, message] of bad) {
    test(`bad ${name}: ${JSON.stringify(options)} → InvalidOptionError`, () => {
      assert.throws(
        () => adaptiveLimit(options as AdaptiveLimitOptions),
        (error: unknown) =>
          error instanceof InvalidOptionError &&
          error.code === 'FANOUT_INVALID_OPTION' &&
          error.message.startsWith(message),
      );
    });
  }

  test('defaults: initial 20 within 1–200', () => {
    const aimd = adaptiveLimit({ algorithm: 'aimd' });
    assert.equal(aimd.algorithm, 'aimd');
    assert.equal(aimd.max, 200);
    assert.equal(aimd.current('http://a'), 20);
    const gradient = adaptiveLimit({ algorithm: 'gradient' });
    assert.equal(gradient.current('http://a'), 10, 'a new origin is probed at half of initial');
  });

  test('a listener that is not a function → InvalidOptionError', () => {
    const limit = adaptiveLimit({ algorithm: 'aimd' });
    assert.throws(() => limit.onChange(42 as never), InvalidOptionError);
  });
});

describe('verdictOf', () => {
  test('timeouts and failed connections are drops; cancellation and other errors say nothing', () => {
    const request = { method: 'GET', url: 'http://a/' };
    assert.equal(
      verdictOf(false, new TimeoutError({ phase: 'headers', timeout: 5, request })),
      'drop',
    );
    assert.equal(verdictOf(false, new TimeoutError({ phase: 'result', timeout: 5 })), 'ignore');
    assert.equal(verdictOf(false, new ConnectionError('refused', { request })), 'drop');
    assert.equal(verdictOf(false, new CancelledError('cancelled')), 'ignore');
    assert.equal(verdictOf(false, new Error('boom')), 'ignore');
    assert.equal(verdictOf(true, 42), 'success');
  });
});

describe('AdaptiveLimit', () => {
  test('each origin has its own limit; limits() lists them; onChange hears every change', () => {
    const clock = fakeClock();
    const limit = adaptiveLimit({
      algorithm: 'aimd',
      initial: 10,
      latencyThreshold: 100,
      clock: clock.now,
    });
    const changes: LimitChange[] = [];
    const subscription = limit.onChange((change) => changes.push(change));

    const slow = limit.start('http://a', 10);
    const fast = limit.start('http://b', 10);
    clock.advance(150);
    assert.equal(limit.finish(slow, true, undefined), 9);
    assert.equal(limit.finish(fast, false, new ConnectionError('reset')), 9, 'a drop, on b');
    assert.deepEqual(changes, [
      { origin: 'http://a', from: 10, to: 9, reason: 'latency' },
      { origin: 'http://b', from: 10, to: 9, reason: 'drop' },
    ]);
    assert.deepEqual(
      limit.limits(),
      new Map([
        ['http://a', 9],
        ['http://b', 9],
      ]),
    );

    subscription.dispose();
    limit.finish(limit.start('http://a', 9), false, new ConnectionError('reset'));
    assert.equal(limit.current('http://a'), 8);
    assert.equal(changes.length, 2, 'a disposed listener hears nothing');
  });

  test('a cancelled request is no sample', () => {
    const clock = fakeClock();
    const limit = adaptiveLimit({
      algorithm: 'aimd',
      initial: 10,
      latencyThreshold: 100,
      clock: clock.now,
    });
    const token = limit.start('http://a', 10);
    clock.advance(1_000);
    assert.equal(limit.finish(token, false, new CancelledError('cancelled')), 10);
  });

  test('a listener that throws does not stop the limit: its error becomes a process warning', (t) => {
    const captured = captureWarnings();
    t.after(captured.restore);
    const limit = adaptiveLimit({ algorithm: 'aimd', initial: 10 });
    const heard: number[] = [];
    limit.onChange(() => {
      throw new Error('listener bug');
    });
    limit.onChange((change) => heard.push(change.to));
    assert.equal(limit.finish(limit.start('http://a', 10), false, new ConnectionError('reset')), 9);
    assert.deepEqual(heard, [9], 'the next listener still hears it');
    assert.deepEqual(
      captured.warnings.map(({ message, code }) => ({ message, code })),
      [
        {
          message: 'A limit change listener threw: Error: listener bug',
          code: 'FANOUT_LISTENER_ERROR',
        },
      ],
    );
  });

  test('a change is recorded in the trace of the context the request finished in', () => {
    const clock = fakeClock();
    const limit = adaptiveLimit({ algorithm: 'aimd', initial: 10, clock: clock.now });
    const trace = new Trace({ name: 'page' });
    trace.run(() => limit.finish(limit.start('http://a', 10), false, new ConnectionError('reset')));
    limit.finish(limit.start('http://a', 10), false, new ConnectionError('reset')); // untraced
    assert.equal(trace.limitChanges.length, 1);
    const [record] = trace.limitChanges;
    assert.deepEqual(
      { ...record, time: 0 },
      {
        origin: 'http://a',
        from: 10,
        to: 9,
        reason: 'drop',
        time: 0,
      },
    );
    assert.ok((record?.time ?? -1) >= 0);
  });
});
