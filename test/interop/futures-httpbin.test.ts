import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  Executor,
  Future,
  FuturesSession,
  Response,
  Session,
  SessionClosedError,
} from '../../src/index.ts';
import { type Httpbin, startHttpbin } from '../helpers/httpbin.ts';

// requests-futures' own test suite (tests/test_requests_futures.py), case by case, against real
// httpbin (Debian python3-httpbin under gunicorn) as requests-futures runs it.
interface Echo {
  args: Record<string, string>;
  headers: Record<string, string>;
  url: string;
}

let httpbin: Httpbin;
let session: FuturesSession;

before(async () => {
  httpbin = await startHttpbin();
  session = new FuturesSession({ baseURL: httpbin.origin });
});
after(async () => {
  await session?.close();
  await httpbin?.stop();
});

describe('requests-futures suite against httpbin', () => {
  test('test_futures_session: /get resolves to a 200 Response', async () => {
    const future = session.get('/get');
    assert.ok(future instanceof Future);
    const response = await future.result();
    assert.ok(response instanceof Response);
    assert.equal(response.status, 200);
    assert.equal(response.json<Echo>().url, `${httpbin.origin}/get`);
  });

  test('test_futures_session: /status/404 resolves (does not fail) with the 404', async () => {
    const response = await session.get('/status/404').result();
    assert.equal(response.status, 404);
  });

  test('test_futures_session: an afterResponse hook runs in the background before the future resolves', async () => {
    // The background_callback of requests-futures: parse the JSON off the caller's path and keep
    // it with the response (a WeakMap here; a Response is not an open bag of properties).
    const parsed = new WeakMap<Response, Echo>();
    const events: string[] = [];
    const future = session.get('/get', {
      params: { via: 'hook' },
      hooks: {
        afterResponse: [
          ({ response }) => {
            events.push('hook');
            parsed.set(response, response.json<Echo>());
          },
        ],
      },
    });
    future.addDoneCallback(() => events.push('done'));
    const response = await future.result();
    assert.deepEqual(events, ['hook', 'done']);
    assert.equal(response.status, 200);
    assert.deepEqual(parsed.get(response)?.args, { via: 'hook' });
  });

  test('test_futures_session: a hook may return a replacement Response, or map the future to a value', async () => {
    const future = session.get('/get', {
      hooks: {
        afterResponse: [
          ({ response }) =>
            new Response(response.request, 299, 'Parsed', response.headers, response.content, 0),
        ],
      },
    });
    const replaced = await future;
    assert.equal(replaced.status, 299);
    assert.equal(replaced.reason, 'Parsed');
    assert.equal(replaced.json<Echo>().url, `${httpbin.origin}/get`);

    // global_cb_return_result: the future of the parsed body instead of the response.
    const data = await session.get('/get').map((response) => response.json<Echo>());
    assert.equal(data.url, `${httpbin.origin}/get`);
  });

  test('test_futures_session: a hook that throws fails the future with its error', async () => {
    const boom = new Error('boom');
    const future = session.get('/get', {
      hooks: {
        afterResponse: [
          () => {
            throw boom;
          },
        ],
      },
    });
    await assert.rejects(future.result(), (error: unknown) => error === boom);
    assert.equal(await future.exception(), boom);
  });

  test("test_supplied_session: a wrapped session's headers reach /headers", async () => {
    const wrapped = new Session({ baseURL: httpbin.origin, headers: { Foo: 'bar' } });
    after(() => wrapped.close());
    const futures = new FuturesSession({ session: wrapped });
    after(() => futures.close());
    const future = futures.get('/headers');
    assert.ok(future instanceof Future);
    const response = await future.result();
    assert.equal(response.status, 200);
    assert.equal(response.json<Echo>().headers.Foo, 'bar');
  });

  test('test_max_workers: 128 by default, as given, ignored when an executor is given', async () => {
    const byDefault = new FuturesSession();
    const given = new FuturesSession({ maxWorkers: 5 });
    const executor = new Executor({ maxWorkers: 10 });
    const withExecutor = new FuturesSession({ executor });
    const both = new FuturesSession({ executor, maxWorkers: 5 });
    after(async () => {
      await Promise.all([byDefault, given, withExecutor, both].map((futures) => futures.close()));
      await executor.shutdown();
    });
    assert.equal(byDefault.executor.maxWorkers, 128);
    assert.equal(given.executor.maxWorkers, 5);
    assert.equal(withExecutor.executor.maxWorkers, 10);
    assert.equal(both.executor.maxWorkers, 10);
    assert.equal((await both.get(`${httpbin.origin}/get`)).status, 200);
  });

  test('test_redirect: /redirect-to?url=get gives 200 and ?url=status/404 gives 404', async () => {
    const future = session.get('/redirect-to', { params: { url: 'get' } });
    assert.ok(future instanceof Future);
    const response = await future.result();
    assert.equal(response.status, 200);
    assert.equal(response.url, `${httpbin.origin}/get`);
    assert.equal(response.history.length, 1);

    const missing = await session.get('/redirect-to', { params: { url: 'status/404' } }).result();
    assert.equal(missing.status, 404);
  });

  test('test_context: leaving an `await using` block closes the session', async () => {
    let passout: FuturesSession | undefined;
    {
      await using futures = new FuturesSession({ baseURL: httpbin.origin });
      passout = futures;
      const future = futures.get('/get');
      assert.ok(future instanceof Future);
      assert.equal((await future.result()).status, 200);
      assert.equal(futures.session.isClosed, false);
    }
    assert.equal(passout.session.isClosed, true);
    const later = passout.get('/get');
    assert.equal(later.done(), true);
    await assert.rejects(later.result(), SessionClosedError);
  });

  test('test_close_cancels_queued_requests: close({ cancelPending }) cancels the queued, finishes the running', async () => {
    const futures = new FuturesSession({ baseURL: httpbin.origin, maxWorkers: 1 });
    const running = futures.get('/get');
    const queued = futures.get('/get');
    assert.equal(running.running(), true);
    const closing = futures.close({ cancelPending: true });
    assert.equal(queued.cancelled(), true);
    await closing;
    assert.equal((await running).status, 200);
    assert.equal(futures.session.isClosed, true);
  });

  test('two origins (127.0.0.1 and 127.0.0.2) under maxPerOrigin: every future completes in order', async () => {
    const futures = new FuturesSession({ maxPerOrigin: 2 });
    after(() => futures.close());
    const calls = [httpbin.origin, httpbin.otherOrigin].flatMap((origin) =>
      Array.from({ length: 3 }, (_, i) => futures.get(`${origin}/anything/${i}`)),
    );
    const responses = await Future.all(calls);
    assert.deepEqual(
      responses.map((response) => response.json<Echo>().url),
      calls.map((_, i) => `${i < 3 ? httpbin.origin : httpbin.otherOrigin}/anything/${i % 3}`),
    );
  });
});
