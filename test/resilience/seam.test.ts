import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FuturesSession,
  InvalidOptionError,
  PreparedRequest,
  type SessionPolicy,
  Trace,
} from '../../src/index.ts';
import { deferred, startServer } from '../helpers/server.ts';
import { openSession } from '../http/fixtures.ts';

test('policies: attempt hooks wrap each attempt in list order, outermost first', async (t) => {
  const server = await startServer(t, (_request, response) => void response.end('ok'));
  const seen: string[] = [];
  const wrap = (name: string): SessionPolicy => ({
    name,
    async attempt(state, next) {
      seen.push(`${name}>`);
      const response = await next(state.request);
      seen.push(`<${name}`);
      return response;
    },
  });
  const session = openSession(t, { baseURL: server.origin, policies: [wrap('a'), wrap('b')] });
  assert.equal((await session.get('/')).text, 'ok');
  assert.deepEqual(seen, ['a>', 'b>', '<b', '<a']);
});

test('policies: an attempt hook may answer without the wire, or pass a changed request', async (t) => {
  let hits = 0;
  const server = await startServer(t, (request, response) => {
    hits++;
    response.end(String(request.headers['x-policy']));
  });
  const marker: SessionPolicy = {
    name: 'marker',
    attempt(state, next) {
      const request = state.request;
      const copy = new PreparedRequest(
        request.method,
        request.origin,
        request.path,
        { ...request.headers, 'x-policy': 'yes' },
        request.body,
        request.isBodyReplayable,
      );
      return next(copy);
    },
  };
  const session = openSession(t, { baseURL: server.origin, policies: [marker] });
  assert.equal((await session.get('/')).text, 'yes');
  assert.equal(hits, 1);
});

test('policies: started runs once per call, and throwing there fails the call unsent', async (t) => {
  let hits = 0;
  const server = await startServer(t, (_request, response) => {
    hits++;
    response.writeHead(hits === 1 ? 503 : 200).end();
  });
  const starts: string[] = [];
  const session = openSession(t, {
    baseURL: server.origin,
    retry: { baseDelay: 0 },
    policies: [
      {
        name: 'gate',
        started(request) {
          starts.push(request.path);
          if (request.path === '/no') throw new Error('refused');
        },
      },
    ],
  });
  assert.equal((await session.get('/yes')).status, 200);
  assert.deepEqual(starts, ['/yes']);
  await assert.rejects(session.get('/no'), /refused/);
  assert.equal(hits, 2);
});

test('policies: a retry hook vetoes a retry, and the outcome is final', async (t) => {
  let hits = 0;
  const server = await startServer(t, (_request, response) => {
    hits++;
    response.writeHead(503).end();
  });
  const asked: number[] = [];
  const session = openSession(t, {
    baseURL: server.origin,
    retry: { limit: 3, baseDelay: 0 },
    policies: [
      {
        name: 'once',
        retry(state) {
          asked.push(state.retryCount);
          return state.retryCount < 2;
        },
      },
    ],
  });
  assert.equal((await session.get('/')).status, 503);
  assert.equal(hits, 2);
  assert.deepEqual(asked, [1, 2]);
});

test('policies: events noted by a policy land in the trace of the call', async (t) => {
  const server = await startServer(t, (_request, response) => void response.end());
  const session = openSession(t, {
    baseURL: server.origin,
    policies: [
      {
        name: 'noter',
        attempt(state, next) {
          state.note({ policy: 'noter', type: 'seen', origin: state.request.origin });
          return next(state.request);
        },
      },
    ],
  });
  const trace = new Trace();
  await trace.run(() => session.get('/'));
  const [record] = trace.requests;
  assert.equal(record?.events.length, 1);
  assert.equal(record?.events[0]?.type, 'seen');
  assert.equal(record?.events[0]?.origin, server.origin);
  assert.equal(typeof record?.events[0]?.at, 'number');
});

test('policies: a dispatching policy may send twice; a stop cancels both exchanges', {
  timeout: 10_000,
}, async (t) => {
  const closed: Promise<unknown>[] = [];
  const both = deferred();
  const server = await startServer(t, (request) => {
    closed.push(new Promise((resolve) => request.socket.once('close', resolve)));
    if (closed.length === 2) both.resolve();
  });
  const session = new FuturesSession({
    baseURL: server.origin,
    retry: false,
    policies: [
      {
        name: 'twice',
        dispatch(state, send) {
          const first = send(state.request);
          const second = send(state.request, 'hedge');
          second.promise.catch(() => {});
          return first.promise;
        },
      },
    ],
  });
  t.after(() => session.close());
  const future = session.get('/');
  await both.promise;
  future.cancel();
  // Both sockets close: the test times out otherwise.
  await Promise.all(closed);
  assert.equal(future.cancelled(), true);
});

test('policies: bad values are refused with InvalidOptionError', () => {
  for (const policies of [
    'x',
    [null],
    [{}],
    [{ name: 'a', attempt: 1 }],
    [
      { name: 'a', dispatch: () => Promise.reject(new Error()) },
      { name: 'b', dispatch: () => Promise.reject(new Error()) },
    ],
  ]) {
    assert.throws(
      () => openSession({ after() {} }, { policies: policies as never }),
      InvalidOptionError,
      JSON.stringify(policies),
    );
  }
});
