/**
 * Typos are errors at every entry point of the futures layer: an unknown key throws (or rejects,
 * or fails the future) with an InvalidOptionError naming it, where it was read and the option it
 * is nearest to, before anything is queued, run or sent; an options object with every key is
 * accepted. Each "every key" object is held to the entry point's registry (test/helpers/options.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CloseOptions } from '../../src/futures/futures-session.ts';
import { FUTURES_SESSION_OPTIONS } from '../../src/futures/futures-session.ts';
import {
  AS_COMPLETED_OPTIONS,
  CLOSE_OPTIONS,
  EXECUTOR_OPTIONS,
  FUTURE_SET_OPTIONS,
  MAP_OPTIONS,
  RESULT_OPTIONS,
  SHUTDOWN_OPTIONS,
  SUBMIT_OPTIONS,
  WAIT_OPTIONS,
} from '../../src/futures/known-options.ts';
import { FUTURE_REQUEST_OPTIONS } from '../../src/http/known-options.ts';
import {
  asCompleted,
  Executor,
  type ExecutorOptions,
  Future,
  type FutureRequestOptions,
  FutureSet,
  type FutureSetOptions,
  FuturesSession,
  type FuturesSessionOptions,
  type MapOptions,
  type RequestOptions,
  type ResultOptions,
  Session,
  type SessionOptions,
  type ShutdownOptions,
  type SubmitOptions,
  type WaitOptions,
  wait,
} from '../../src/index.ts';
import { assertSameKeys, type EveryKey, unknownOption } from '../helpers/options.ts';
import { startCountingServer, startServer } from '../helpers/server.ts';

const EVERY_EXECUTOR_OPTION: EveryKey<ExecutorOptions> = {
  maxWorkers: 4,
  maxQueued: 100,
  perKey: 2,
};

// The TLS and proxy keys are given as undefined: with a value they would change the transport.
/** The keys a session and a request share. */
type Shared = Pick<SessionOptions, keyof SessionOptions & keyof RequestOptions>;
type Transport = 'ca' | 'cert' | 'key' | 'proxy';
const EVERY_COMMON_OPTION: EveryKey<Shared, Transport> = {
  headers: { 'x-app': 'test' },
  params: { a: '1' },
  auth: { bearer: 'token' },
  cookies: { c: '1' },
  timeout: { connect: 1_000, headers: 5_000, body: 5_000, total: 10_000 },
  retry: { limit: 1, methods: ['GET'], statusCodes: [503], baseDelay: 1, maxDelay: 2 },
  redirect: { max: 3 },
  hooks: { beforeRequest: [], beforeRedirect: [], beforeRetry: [], afterResponse: [] },
  maxBodySize: 1_000_000,
  decompress: true,
  ca: undefined,
  cert: undefined,
  key: undefined,
  rejectUnauthorized: true,
  proxy: undefined,
};

test('FuturesSession: a typo in its options throws, naming the nearest option', () => {
  assert.throws(
    () => new FuturesSession({ maxWorker: 4 } as FuturesSessionOptions),
    unknownOption(
      'Unknown option "maxWorker" in FuturesSession options — did you mean "maxWorkers"?',
    ),
  );
  assert.throws(
    () => new FuturesSession({ priority: 1 } as FuturesSessionOptions),
    unknownOption('Unknown option "priority" in FuturesSession options'),
  );
});

test('FuturesSession: takes every key of a full FuturesSessionOptions object', async () => {
  const every: EveryKey<FuturesSessionOptions, Transport | 'executor' | 'session'> = {
    ...EVERY_COMMON_OPTION,
    baseURL: 'http://127.0.0.1:1',
    allowAbsoluteURLs: true,
    cookieJar: true,
    connections: 4,
    keepAliveTimeout: 1_000,
    pipelining: 1,
    http2: false,
    http2Sessions: 1,
    telemetry: false,
    policies: [],
    coalesce: false,
    redactParams: ['token'],
    maxWorkers: 4,
    maxPerOrigin: 2,
    maxQueued: 10,
    executor: undefined, // given, it would leave the other executor options unused
    session: undefined, // given, the session options beside it are an error (below)
  };
  assertSameKeys(FUTURES_SESSION_OPTIONS, every);
  const session = new FuturesSession(every as unknown as FuturesSessionOptions);
  assert.equal(session.executor.maxWorkers, 4);
  await session.close();
  // Wrapping a session and an executor: the options that may stand beside them.
  const wrapped = new Session();
  const executor = new Executor();
  const beside = new FuturesSession({
    session: wrapped,
    executor,
    maxWorkers: 2,
    maxPerOrigin: 1,
    maxQueued: 3,
  });
  assert.equal(beside.session, wrapped);
  await beside.close();
  await executor.shutdown();
  await wrapped.close();
});

test('FuturesSession: a typo in a request option fails the future before anything is sent', async (t) => {
  const server = await startCountingServer(t);
  const session = new FuturesSession({ baseURL: server.origin });
  t.after(() => session.close());
  const priority =
    'Unknown option "priorty" in FuturesSession request options — did you mean "priority"?';
  const typo = { priorty: 1 } as FutureRequestOptions;
  await assert.rejects(session.get('/', typo).result(), unknownOption(priority));
  await assert.rejects(session.post('/', typo).result(), unknownOption(priority));
  await assert.rejects(session.request('PUT', '/', typo).result(), unknownOption(priority));
  await assert.rejects(session.scope().get('/', typo).result(), unknownOption(priority));
  await assert.rejects(
    session.get('/', { baseURL: server.origin } as FutureRequestOptions).result(),
    unknownOption(
      'Unknown option "baseURL" in FuturesSession request options — it is one of the session options',
    ),
  );
  assert.equal(server.requests, 0);
});

test('FuturesSession: a request takes every key of a full FutureRequestOptions object', async (t) => {
  const server = await startServer(t, (_, response) => {
    response.end('ok');
  });
  const session = new FuturesSession({ baseURL: server.origin });
  t.after(() => session.close());
  const every: EveryKey<FutureRequestOptions, Transport | 'form' | 'body'> = {
    ...EVERY_COMMON_OPTION,
    json: { a: 1 },
    form: undefined, // one body at a time: `json` is the one sent
    body: undefined,
    signal: new AbortController().signal,
    stream: false,
    deadline: 60_000,
    priority: 5,
  };
  assertSameKeys(FUTURE_REQUEST_OPTIONS, every);
  const response = await session.post('/', every as unknown as FutureRequestOptions).result();
  assert.equal(response.status, 200);
});

test('FuturesSession.close: a typo throws and leaves the session open; every key is taken', async () => {
  const session = new FuturesSession();
  await assert.rejects(
    session.close({ cancelPendng: true } as CloseOptions),
    unknownOption('Unknown option "cancelPendng" in close options — did you mean "cancelPending"?'),
  );
  assert.equal(session.executor.isShutdown, false);
  assert.equal(session.session.isClosed, false);
  const every: EveryKey<CloseOptions> = { cancelPending: true };
  assertSameKeys(CLOSE_OPTIONS, every);
  await session.close(every);
  assert.equal(session.session.isClosed, true);
});

test('Executor: a typo in its options throws; every key is taken', async () => {
  assert.throws(
    () => new Executor({ maxWorker: 2 } as ExecutorOptions),
    unknownOption('Unknown option "maxWorker" in Executor options — did you mean "maxWorkers"?'),
  );
  assertSameKeys(EXECUTOR_OPTIONS, EVERY_EXECUTOR_OPTION);
  const executor = new Executor(EVERY_EXECUTOR_OPTION as ExecutorOptions);
  assert.equal(executor.maxWorkers, 4);
  await executor.shutdown();
});

test('Executor.submit: a typo throws before the task is queued or run; every key is taken', async () => {
  const executor = new Executor({ maxWorkers: 1 });
  let runs = 0;
  assert.throws(
    () => executor.submit(() => runs++, { priorty: 1 } as SubmitOptions),
    unknownOption('Unknown option "priorty" in submit options — did you mean "priority"?'),
  );
  const every: EveryKey<SubmitOptions> = {
    priority: 1,
    key: 'origin-a',
    signal: new AbortController().signal,
  };
  assertSameKeys(SUBMIT_OPTIONS, every);
  assert.equal(await executor.submit(() => ++runs, every).result(), 1);
  await executor.shutdown();
});

test('Executor.shutdown: a typo rejects and leaves the executor running; every key is taken', async () => {
  const executor = new Executor();
  await assert.rejects(
    executor.shutdown({ cancelPendng: true } as ShutdownOptions),
    unknownOption(
      'Unknown option "cancelPendng" in shutdown options — did you mean "cancelPending"?',
    ),
  );
  assert.equal(executor.isShutdown, false);
  const every: EveryKey<ShutdownOptions> = { wait: true, cancelPending: true };
  assertSameKeys(SHUTDOWN_OPTIONS, every);
  await executor.shutdown(every);
  assert.equal(executor.isShutdown, true);
});

test('Executor.map: a typo throws before any item is mapped; every key is taken', async () => {
  const executor = new Executor({ maxWorkers: 2 });
  let calls = 0;
  const double = (item: number) => {
    calls++;
    return item * 2;
  };
  assert.throws(
    () => executor.map(double, [1, 2], { orderd: false } as MapOptions),
    unknownOption('Unknown option "orderd" in map options — did you mean "ordered"?'),
  );
  assert.equal(calls, 0);
  const every: EveryKey<MapOptions> = {
    ordered: true,
    window: 2,
    priority: 1,
    signal: new AbortController().signal,
  };
  assertSameKeys(MAP_OPTIONS, every);
  const results: number[] = [];
  for await (const result of executor.map(double, [1, 2, 3], every)) results.push(result);
  assert.deepEqual(results, [2, 4, 6]);
  await executor.shutdown();
});

test('Future.result and Future.exception: a typo rejects; every key is taken', async () => {
  const future = Future.resolve(7);
  const timout = 'Unknown option "timout" in result options — did you mean "timeout"?';
  await assert.rejects(future.result({ timout: 5 } as ResultOptions), unknownOption(timout));
  await assert.rejects(future.exception({ timout: 5 } as ResultOptions), unknownOption(timout));
  const every: EveryKey<ResultOptions> = { timeout: 1_000 };
  assertSameKeys(RESULT_OPTIONS, every);
  assert.equal(await future.result(every), 7);
  assert.equal(await future.exception(every), undefined);
});

test('wait: a typo rejects; every key is taken', async () => {
  const futures = [Future.resolve(1), Future.resolve(2)];
  await assert.rejects(
    wait(futures, { returnWhn: 'FIRST_COMPLETED' } as WaitOptions),
    unknownOption('Unknown option "returnWhn" in wait options — did you mean "returnWhen"?'),
  );
  const every: EveryKey<WaitOptions> = { timeout: 1_000, returnWhen: 'ALL_COMPLETED' };
  assertSameKeys(WAIT_OPTIONS, every);
  const { done, notDone } = await wait(futures, every);
  assert.equal(done.size, 2);
  assert.equal(notDone.size, 0);
});

test('FutureSet and asCompleted: a typo throws; every key is taken', async () => {
  const futures = [Future.resolve(1), Future.resolve(2)];
  assert.throws(
    () => new FutureSet(futures, { timout: 5 } as FutureSetOptions),
    unknownOption('Unknown option "timout" in FutureSet options — did you mean "timeout"?'),
  );
  assert.throws(
    () => asCompleted(futures, { timout: 5 } as FutureSetOptions),
    unknownOption('Unknown option "timout" in asCompleted options — did you mean "timeout"?'),
  );
  const every: EveryKey<FutureSetOptions> = { timeout: 1_000 };
  assertSameKeys(FUTURE_SET_OPTIONS, every);
  assertSameKeys(AS_COMPLETED_OPTIONS, every);
  let yielded = 0;
  for await (const _ of new FutureSet(futures, every)) yielded++;
  for await (const _ of asCompleted(futures, every)) yielded++;
  assert.equal(yielded, 4);
});
