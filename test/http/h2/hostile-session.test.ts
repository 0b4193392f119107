import assert from 'node:assert/strict';
import type { Settings } from 'node:http2';
import { describe, test } from 'node:test';
import { errors } from 'undici';
import { H2_CLIENT_LIMITS } from '../../../src/http/h2/h2-limits.ts';
import { ConnectionError, Session } from '../../../src/index.ts';
import { startH2C } from '../../helpers/h2.ts';
import {
  assertEveryAttemptReached,
  attack,
  BOUNDED,
  causeCode,
  cutOff,
  RETRIES,
} from '../../helpers/h2-hostile-session.ts';
import { startServer } from '../../helpers/server.ts';

// A Session with `http2: 'prior-knowledge'` against the hostile servers of h2-hostile.ts (what
// node:http2 itself does with each is in hostile.test.ts); the CONTINUATION flood has a file of
// its own, hostile-flood-session.test.ts.

/** Each attempt of `error` failed as undici fails an HTTP/1.1 head over its limit. */
function assertHeadersOverflow(error: ConnectionError): void {
  for (const each of [...(error.retriedErrors ?? []), error]) {
    assert.ok(each.cause instanceof errors.HeadersOverflowError, String(each.cause));
    assert.match(each.message, /^Connection failed \(UND_ERR_HEADERS_OVERFLOW\): GET /);
  }
}

describe('a Session against hostile HTTP/2 servers', () => {
  test(
    'its sessions advertise H2_CLIENT_LIMITS: no push, a 64 KB header list',
    BOUNDED,
    async (t) => {
      const server = await startH2C(t, (_request, response) => {
        response.end('ok');
      });
      const settings = new Promise<Settings>((resolve) =>
        server.server.once('session', (session) => session.once('remoteSettings', resolve)),
      );
      const session = new Session({ http2: 'prior-knowledge' });
      t.after(() => session.close());
      await session.get(`${server.origin}/`);
      const advertised = await settings;
      assert.equal(advertised.enablePush, false);
      assert.equal(advertised.maxHeaderListSize, H2_CLIENT_LIMITS.settings.maxHeaderListSize);
    },
  );

  test(
    'too many header fields: the stream is reset, the request fails, the session lives',
    BOUNDED,
    async (t) => {
      const target = await attack(t, { kind: 'oversized-headers', bytes: 8_000, fieldBytes: 60 });
      const error = await cutOff(target);
      // node:http2 resets the stream (maxHeaderListPairs, ENHANCE_YOUR_CALM): an oversized head.
      assertHeadersOverflow(error);
      // Every attempt went on the one session: resets do not cut it.
      assertEveryAttemptReached(error, target, 1);
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
      assertEveryAttemptReached(error, target, 1);
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
      assert.equal(causeCode(error), 'ERR_HTTP2_ERROR');
      assertEveryAttemptReached(error, target, RETRIES + 1);
      await target.hostile.allClosed();
    },
  );

  test(
    'REFUSED_STREAM on every request: even a POST is retried, but only up to retry.limit',
    BOUNDED,
    async (t) => {
      const target = await attack(t, { kind: 'refused-stream' });
      const error = await cutOff(target, 'POST');
      assert.equal(causeCode(error), 'NGHTTP2_REFUSED_STREAM');
      assertEveryAttemptReached(error, target, 1);
      await target.session.close();
      await target.hostile.allClosed();
    },
  );
});
