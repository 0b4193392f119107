import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { FuturesSession, InvalidOptionError } from '../../src/index.ts';
import { openSession } from './fixtures.ts';

/** A web stream that has failed: once fanout wraps it, an unread wrapper would crash the process. */
function failedStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start: (controller) => controller.error(new Error('source failed')),
  });
}

/** Collects uncaught exceptions until the test ends. */
function watchUncaught(t: { after(fn: () => void): void }): unknown[] {
  const seen: unknown[] = [];
  const record = (error: unknown) => seen.push(error);
  process.on('uncaughtException', record);
  t.after(() => process.off('uncaughtException', record));
  return seen;
}

test('a call refused for its deadline leaves its body stream alone: typed error, no crash', async (t) => {
  const uncaught = watchUncaught(t);
  const session = openSession(t, { baseURL: 'http://127.0.0.1:1' });
  const error = await session
    .post('/', { body: failedStream(), deadline: Number.NaN })
    .catch((e: unknown) => e);
  assert.ok(error instanceof InvalidOptionError, String(error));
  await tick();
  assert.deepEqual(uncaught, []);
});

test('a FuturesSession call refused for its priority leaves its body stream alone', async (t) => {
  const uncaught = watchUncaught(t);
  const futures = new FuturesSession({ baseURL: 'http://127.0.0.1:1' });
  t.after(() => futures.close());
  const error = await Promise.resolve(
    futures.post('/', { body: failedStream(), priority: Number.NaN }),
  ).catch((e: unknown) => e);
  assert.ok(error instanceof InvalidOptionError, String(error));
  await tick();
  assert.deepEqual(uncaught, []);
});
