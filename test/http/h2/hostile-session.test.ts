import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { errors } from 'undici';
import { ConnectionError, Session } from '../../../src/index.ts';
import { type CountingServer, startH2C } from '../../helpers/h2.ts';
import {
  type HostileBehaviour,
  type HostileServer,
  startHostileH2,
} from '../../helpers/h2-hostile.ts';
import { startServer } from '../../helpers/server.ts';

// A Session with `http2: 'prior-knowledge'` against the hostile servers of h2-hostile.ts (what
// node:http2 itself does with each is in hostile.test.ts): each attack fails its request with a
// typed error, within the retry rules, while a healthy origin of the same Session goes on. A hang
// would fail the test by its timeout (the Session's own `timeout.total` is longer, and would end
// in a TimeoutError, not the ConnectionError asserted).
const BOUNDED = { timeout: 20_000 };
const RETRIES = 2;

interface Attack {
  readonly hostile: HostileServer;
  readonly healthy: CountingServer<unknown>;
  readonly session: Session;
}

async function attack(t: TestContext, behaviour: HostileBehaviour): Promise<Attack> {
  const hostile = await startHostileH2(t, behaviour);
  const healthy = await startH2C(t, (_request, response) => {
    response.end('ok');
  });
  const session = new Session({
    http2: 'prior-knowledge',
    retry: { limit: RETRIES, baseDelay: 1, maxDelay: 1 },
  });
  t.after(() => session.close());
  return { hostile, healthy, session };
}

/**
 * A request to the hostile origin and one to the healthy origin at once, then one more to the
 * healthy origin: the first fails with a ConnectionError (returned), the others succeed on one
 * healthy connection.
 */
async function cutOff(
  { hostile, healthy, session }: Attack,
  method: 'GET' | 'POST' = 'GET',
): Promise<ConnectionError> {
  const [bad, good] = await Promise.allSettled([
    session.request(method, `${hostile.origin}/attack`, method === 'POST' ? { body: 'x' } : {}),
    session.get(`${healthy.origin}/meanwhile`),
  ]);
  assert.equal(good.status, 'fulfilled', String((good as PromiseRejectedResult).reason));
  assert.equal((await session.get(`${healthy.origin}/after`)).text, 'ok');
  assert.equal(healthy.connections, 1);
  assert.equal(bad.status, 'rejected');
  const error = (bad as PromiseRejectedResult).reason;
  assert.ok(error instanceof ConnectionError, String(error));
  return error;
}

function codeOf(error: Error): string | undefined {
  return (error.cause as { code?: string } | undefined)?.code;
}

/** Each attempt of `error` failed as undici fails an HTTP/1.1 head over its limit. */
function assertHeadersOverflow(error: ConnectionError): void {
  for (const each of [...(error.retriedErrors ?? []), error]) {
    assert.ok(each.cause instanceof errors.HeadersOverflowError, String(each.cause));
    assert.match(each.message, /^Connection failed \(UND_ERR_HEADERS_OVERFLOW\): GET /);
  }
}

describe('a Session against hostile HTTP/2 servers', () => {
  test(
    'too many header fields: the stream is reset, the request fails, the session lives',
    BOUNDED,
    async (t) => {
      const target = await attack(t, { kind: 'oversized-headers', bytes: 8_000, fieldBytes: 60 });
      const error = await cutOff(target);
      // node:http2 resets the stream (maxHeaderListPairs, ENHANCE_YOUR_CALM): an oversized head.
      assertHeadersOverflow(error);
      assert.equal(error.attempts, RETRIES + 1);
      assert.equal(target.hostile.requests, RETRIES + 1);
      // Every attempt went on the one session: resets do not cut it.
      assert.equal(target.hostile.connections, 1);
      await target.session.close();
      await target.hostile.allClosed();
    },
  );

  test(
    'a header list over 64 KB under the CONTINUATION cap: the error HTTP/1.1 gives for an oversized head',
    BOUNDED,
    async (t) => {
      const target = await attack(t, {
        kind: 'oversized-headers',
        bytes: 100_000,
        fieldBytes: 8_000,
      });
      const error = await cutOff(target);
      // The first stream is refused by fanout's own count (Node bounds only the streams opened
      // after the server acknowledged maxHeaderListSize), the retries by Node's: the same error.
      assertHeadersOverflow(error);
      assert.equal(error.attempts, RETRIES + 1);
      assert.equal(target.hostile.requests, RETRIES + 1);
      assert.equal(target.hostile.connections, 1);
      await target.session.close();
      await target.hostile.allClosed();

      // The same fault on HTTP/1.1 (undici's own limit), for the same error.
      const h1 = await startServer(t, (_request, response) => {
        response.setHeader('x-big', 'v'.repeat(100_000));
        response.end();
      });
      const session = new Session({ retry: 0 });
      t.after(() => session.close());
      await assert.rejects(session.get(`${h1.origin}/`), (h1Error: unknown) => {
        assert.ok(h1Error instanceof ConnectionError);
        assert.ok(h1Error.cause instanceof errors.HeadersOverflowError);
        assert.match(h1Error.message, /^Connection failed \(UND_ERR_HEADERS_OVERFLOW\): GET /);
        return true;
      });
    },
  );

  test('a header list under 64 KB is read', BOUNDED, async (t) => {
    const server = await startH2C(t, (_request, response) => {
      for (let index = 0; index < 6; index++)
        response.setHeader(`x-big-${index}`, 'v'.repeat(8_000));
      response.end('ok');
    });
    const session = new Session({ http2: 'prior-knowledge', retry: 0 });
    t.after(() => session.close());
    const response = await session.get(`${server.origin}/`);
    assert.equal(response.text, 'ok');
    assert.equal(response.headers['x-big-5'], 'v'.repeat(8_000));
  });

  test(
    'an endless CONTINUATION flood: the session is cut, each attempt on a new one, no socket left',
    BOUNDED,
    async (t) => {
      const target = await attack(t, { kind: 'continuation-flood', maxBytes: 64 * 1024 * 1024 });
      const error = await cutOff(target);
      assert.equal(codeOf(error), 'ERR_HTTP2_ERROR');
      assert.equal(error.attempts, RETRIES + 1);
      assert.equal(target.hostile.requests, RETRIES + 1);
      assert.equal(target.hostile.connections, RETRIES + 1);
      // The client closed each connection: nothing is left open, and the floods stopped early.
      await target.hostile.allClosed();
      assert.ok(target.hostile.bytesSent < 16 * 1024 * 1024, `${target.hostile.bytesSent} bytes`);
    },
  );

  test(
    'a RST_STREAM flood on every request: retried only as the rules allow, the session lives',
    BOUNDED,
    async (t) => {
      const target = await attack(t, { kind: 'rst-flood', count: 5_000 });
      const error = await cutOff(target);
      assert.equal(error.attempts, RETRIES + 1);
      assert.equal(target.hostile.requests, RETRIES + 1);
      // A POST the server reset may have been processed: it is not sent again.
      await cutOff(target, 'POST');
      assert.equal(target.hostile.requests, RETRIES + 2);
      assert.equal(target.hostile.connections, 1);
      await target.session.close();
      await target.hostile.allClosed();
    },
  );

  test(
    'a RST_STREAM flood on idle streams: each session is cut, attempts bounded, no socket left',
    BOUNDED,
    async (t) => {
      const target = await attack(t, { kind: 'rst-flood', count: 2_000, idle: true });
      const error = await cutOff(target);
      assert.equal(codeOf(error), 'ERR_HTTP2_ERROR');
      assert.equal(error.attempts, RETRIES + 1);
      assert.equal(target.hostile.requests, RETRIES + 1);
      assert.equal(target.hostile.connections, RETRIES + 1);
      await target.hostile.allClosed();
    },
  );

  test(
    'REFUSED_STREAM on every request: even a POST is retried, but only up to retry.limit',
    BOUNDED,
    async (t) => {
      const target = await attack(t, { kind: 'refused-stream' });
      const error = await cutOff(target, 'POST');
      assert.equal(codeOf(error), 'NGHTTP2_REFUSED_STREAM');
      assert.equal(error.attempts, RETRIES + 1);
      assert.equal(target.hostile.requests, RETRIES + 1);
      assert.equal(target.hostile.connections, 1);
      await target.session.close();
      await target.hostile.allClosed();
    },
  );
});
