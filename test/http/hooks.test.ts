import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type AfterResponseState,
  type BeforeRedirectState,
  type BeforeRequestState,
  type BeforeRetryState,
  type Hooks,
  InvalidOptionError,
  Response,
} from '../../src/index.ts';
import { startServer } from '../helpers/server.ts';
import { type Echo, echo, openSession } from './fixtures.ts';

/** /redirect → 302 /flaky; /flaky → 503 once, then an echo. */
async function flow(t: Parameters<typeof startServer>[0]) {
  let flaky = 0;
  return startServer(t, (request, response) => {
    if (request.url === '/redirect') {
      response.writeHead(302, { location: '/flaky' }).end();
    } else if (request.url === '/flaky' && flaky++ === 0) {
      response.writeHead(503).end();
    } else {
      void echo(request, response);
    }
  });
}

test('each hook takes one state object, in lifecycle order', async (t) => {
  const server = await flow(t);
  const session = openSession(t, { baseURL: server.origin, retry: { baseDelay: 1 } });
  const events: string[] = [];
  const hooks: Partial<Hooks> = {
    beforeRequest: [
      (state: BeforeRequestState) => {
        assert.deepEqual(Object.keys(state), ['request']);
        events.push(`request ${state.request.method} ${state.request.path}`);
        state.request.headers['x-hook'] = 'set';
      },
    ],
    beforeRedirect: [
      (state: BeforeRedirectState) => {
        assert.deepEqual(Object.keys(state).sort(), ['request', 'response']);
        events.push(`redirect ${state.response.status} → ${state.request.path}`);
      },
    ],
    beforeRetry: [
      (state: BeforeRetryState) => {
        assert.deepEqual(Object.keys(state).sort(), [
          'delay',
          'error',
          'request',
          'response',
          'retryCount',
        ]);
        assert.equal(state.error, undefined);
        events.push(`retry #${state.retryCount} after ${state.response?.status}`);
      },
    ],
    afterResponse: [
      (state: AfterResponseState) => {
        assert.deepEqual(Object.keys(state), ['response']);
        events.push(`response ${state.response.status}`);
      },
    ],
  };
  const response = await session.get('/redirect', { hooks });
  assert.deepEqual(events, [
    'request GET /redirect',
    'redirect 302 → /flaky',
    'request GET /flaky',
    'retry #1 after 503',
    'request GET /flaky',
    'response 200',
  ]);
  assert.equal(response.json<Echo>().headers['x-hook'], 'set');
  assert.equal(response.request.headers['x-hook'], 'set');
});

test('beforeRetry sees the error of a failed attempt', async (t) => {
  let hits = 0;
  const server = await startServer(t, (request, response) => {
    if (hits++ === 0) request.socket.destroy();
    else response.end('ok');
  });
  const session = openSession(t, { baseURL: server.origin, retry: { baseDelay: 1 } });
  const states: BeforeRetryState[] = [];
  await session.get('/', { hooks: { beforeRetry: [(state) => void states.push(state)] } });
  assert.equal(states.length, 1);
  assert.equal(states[0]?.error?.name, 'ConnectionError');
  assert.equal(states[0]?.response, undefined);
});

test('beforeRedirect may rewrite the next request', async (t) => {
  const server = await flow(t);
  const session = openSession(t, { baseURL: server.origin, retry: false });
  const response = await session.get('/redirect', {
    hooks: {
      beforeRedirect: [
        ({ request }) => {
          request.path = '/rewritten';
          request.headers['x-redirected'] = '1';
        },
      ],
    },
  });
  const seen = response.json<Echo>();
  assert.equal(seen.url, '/rewritten');
  assert.equal(seen.headers['x-redirected'], '1');
});

test('afterResponse may replace the response; undefined keeps it', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  const replacement = new Response(
    (await session.get('/other')).request,
    299,
    'Replaced',
    { 'content-type': 'text/plain' },
    new TextEncoder().encode('from the hook'),
    0,
  );
  const seen: number[] = [];
  const response = await session.get('/', {
    hooks: {
      afterResponse: [
        () => undefined,
        ({ response }) => {
          seen.push(response.status);
          return replacement;
        },
        ({ response }) => {
          seen.push(response.status);
        },
      ],
    },
  });
  assert.equal(response, replacement);
  assert.equal(response.text, 'from the hook');
  assert.deepEqual(seen, [200, 299]);
});

for (const name of ['beforeRequest', 'beforeRedirect', 'beforeRetry', 'afterResponse'] as const) {
  test(`a throwing ${name} hook fails the call with its error`, async (t) => {
    const server = await flow(t);
    const session = openSession(t, { baseURL: server.origin, retry: { baseDelay: 1 } });
    const boom = new Error(`${name} failed`);
    let later = 0;
    const hooks = {
      [name]: [
        () => {
          throw boom;
        },
        () => {
          later++;
        },
      ],
    } as Partial<Hooks>;
    await assert.rejects(session.get('/redirect', { hooks }), (error) => error === boom);
    assert.equal(later, 0, 'later hooks do not run');
  });
}

test('an async hook is awaited', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.get('/', {
    hooks: {
      beforeRequest: [
        async ({ request }) => {
          await new Promise((resolve) => setImmediate(resolve));
          request.headers['x-async'] = 'yes';
        },
      ],
    },
  });
  assert.equal(response.json<Echo>().headers['x-async'], 'yes');
});

test('hooks that are not arrays of functions are refused', async (t) => {
  const session = openSession(t);
  const url = 'http://127.0.0.1:1/';
  await assert.rejects(
    session.get(url, { hooks: { beforeRequest: (() => {}) as never } }),
    InvalidOptionError,
  );
  await assert.rejects(
    session.get(url, { hooks: { afterResponse: ['nope'] as never } }),
    InvalidOptionError,
  );
});
