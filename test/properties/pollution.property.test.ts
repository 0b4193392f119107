import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  CircuitBreaker,
  Executor,
  FuturesSession,
  flow,
  Hedging,
  HttpCache,
  MemoryStore,
  RetryBudget,
  Session,
} from '../../src/index.ts';
import { withPolluted } from '../helpers/pollution.ts';
import { startServer } from '../helpers/server.ts';
import { type Echo, echo } from '../http/fixtures.ts';

// The option names of the entry points. `timeout` and `signal` are left out: Node's own sockets
// and streams read them from Object.prototype (test/http/pollution.test.ts covers fanout's side).
const OPTION_NAMES = [
  'headers',
  'params',
  'auth',
  'cookies',
  'retry',
  'redirect',
  'hooks',
  'maxBodySize',
  'decompress',
  'baseURL',
  'allowAbsoluteURLs',
  'cookieJar',
  'proxy',
  'connections',
  'keepAliveTimeout',
  'pipelining',
  'telemetry',
  'policies',
  'coalesce',
  'ca',
  'cert',
  'key',
  'rejectUnauthorized',
  'json',
  'form',
  'body',
  'stream',
  'deadline',
  'priority',
  'maxWorkers',
  'maxPerOrigin',
  'maxQueued',
  'executor',
  'session',
  'perKey',
  'ratio',
  'window',
  'delay',
  'budget',
  'trip',
  'openFor',
  'enabled',
  'origins',
  'store',
  'shared',
  'maxTTL',
  'maxEntries',
  'name',
  'raiseForStatus',
  'fallback',
];

const value = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -2, max: 3 }),
  fc.boolean(),
  fc.constant(null),
  fc.dictionary(
    fc.constantFrom('x-evil', 'limit', 'max', 'bearer', 'total'),
    fc.string({ maxLength: 4 }),
  ),
);
const pollution = fc.dictionary(fc.constantFrom(...OPTION_NAMES), value, {
  minKeys: 1,
  maxKeys: 4,
});
const settings = {
  seed: Number(process.env.FANOUT_PROPERTY_SEED ?? 42),
  numRuns: 60,
  interruptAfterTimeLimit: 4_000,
};

function wire(seen: Echo) {
  const { host: _host, ...headers } = seen.headers;
  return { method: seen.method, url: seen.url, headers, body: seen.body };
}

test('a polluted Object.prototype leaves the request on the wire byte-identical', async (t) => {
  const server = await startServer(t, echo);
  const send = async () => {
    const session = new Session({ baseURL: server.origin, headers: { 'x-app': '1' } });
    try {
      const plain = await session.get('/p', { params: { q: '1' } });
      const merged = await session.post('/m', { json: { a: 1 }, headers: { 'x-req': '2' } });
      return [wire(plain.json<Echo>()), wire(merged.json<Echo>())];
    } finally {
      await session.close();
    }
  };
  const expected = await send();
  await fc.assert(
    fc.asyncProperty(pollution, async (entries) => {
      assert.deepEqual(await withPolluted(t, entries, send), expected);
    }),
    settings,
  );
});

test('every constructor behaves as without pollution', async (t) => {
  const build = async () => {
    const futures = new FuturesSession({});
    await futures.close();
    new Executor({}).shutdown();
    new RetryBudget({});
    new Hedging({});
    new CircuitBreaker({});
    new HttpCache({});
    new MemoryStore({});
    return flow({}).name;
  };
  const expected = await build();
  await fc.assert(
    fc.asyncProperty(pollution, async (entries) => {
      assert.equal(await withPolluted(t, entries, build), expected);
    }),
    settings,
  );
});
