import assert from 'node:assert/strict';
import type { Http2SecureServer, Http2Server, IncomingHttpHeaders } from 'node:http2';
import { describe, type TestContext, test } from 'node:test';
import {
  InvalidRequestError,
  type PreparedRequest,
  Session,
  type SessionOptions,
} from '../../../src/index.ts';
import { type CountingServer, startH2C, startH2TLS } from '../../helpers/h2.ts';

// RFC 9113's request-header rules on the wire: what a node:http2 server received from fanout.

interface Recorder {
  readonly server: CountingServer<unknown>;
  /** The header block of every request the server received, in order. */
  readonly received: IncomingHttpHeaders[];
  /** Streams the server saw opened (a malformed one too, which no handler hears of). */
  readonly streams: () => number;
  readonly options: SessionOptions;
}

async function recording(t: TestContext, tls: boolean): Promise<Recorder> {
  const received: IncomingHttpHeaders[] = [];
  const handler = (request: { headers: IncomingHttpHeaders }, response: { end(): void }) => {
    received.push(request.headers);
    response.end();
  };
  let opened = 0;
  const streams = () => opened;
  const counted = (server: CountingServer<Http2Server | Http2SecureServer>) =>
    server.server.on('stream', () => opened++);
  if (tls) {
    const server = await startH2TLS(t, handler);
    counted(server);
    const options = { baseURL: server.origin, http2: true, ca: server.ca } as const;
    return { server, received, streams, options };
  }
  const server = await startH2C(t, handler);
  counted(server);
  return {
    server,
    received,
    streams,
    options: { baseURL: server.origin, http2: 'prior-knowledge' },
  };
}

function open(t: TestContext, options: SessionOptions): Session {
  const session = new Session(options);
  t.after(() => session.close());
  return session;
}

/** A hook that writes `headers` into the request as it goes on the wire. */
function writing(headers: Record<string, string>) {
  return {
    beforeRequest: [
      ({ request }: { request: PreparedRequest }) => {
        Object.assign(request.headers, headers);
      },
    ],
  };
}

for (const tls of [false, true]) {
  describe(`request headers on the wire (${tls ? 'h2 over TLS' : 'h2c'})`, () => {
    test('connection-specific fields and the ones `connection` names are dropped, never sent', async (t) => {
      const { received, options } = await recording(t, tls);
      const session = open(t, options);
      const response = await session.post('/', {
        body: 'hello',
        headers: {
          Connection: 'close, X-Hop',
          'Keep-Alive': 'timeout=5',
          'Proxy-Connection': 'keep-alive',
          'Transfer-Encoding': 'chunked',
          Upgrade: 'websocket',
          'X-Hop': 'only for the next hop',
          'x-kept': 'yes',
        },
      });
      assert.equal(response.status, 200);
      const [seen] = received;
      assert.ok(seen !== undefined);
      for (const name of [
        'connection',
        'keep-alive',
        'proxy-connection',
        'transfer-encoding',
        'upgrade',
        'x-hop',
        'host',
      ]) {
        assert.equal(seen[name], undefined, name);
      }
      assert.equal(seen['x-kept'], 'yes');
      assert.equal(seen[':method'], 'POST');
      // The body's length, which node:http2 does not add itself.
      assert.equal(seen['content-length'], '5');
    });

    test('`te` goes only as `trailers`', async (t) => {
      const { received, options } = await recording(t, tls);
      const session = open(t, options);
      await session.get('/a', { headers: { TE: 'gzip' } });
      await session.get('/b', { headers: { TE: 'gzip, trailers' } });
      assert.equal(received[0]?.te, undefined);
      assert.equal(received[1]?.te, 'trailers');
    });

    test('a pseudo-header a hook wrote is refused with InvalidRequestError: unsent, no stream opened', async (t) => {
      const { server, received, streams, options } = await recording(t, tls);
      const session = open(t, options);
      const hooks = writing({ ':authority': 'evil.example' });
      await assert.rejects(session.get('/secret?token=abc', { hooks }), (error: unknown) => {
        assert.ok(error instanceof InvalidRequestError, String(error));
        assert.match(error.message, /Invalid header name ":authority": HTTP\/2 pseudo-headers/);
        // The URL in the message is redacted.
        assert.doesNotMatch(error.message, /abc/);
        return true;
      });
      assert.equal(streams(), 0);
      // The session took no harm: the next request goes on the same connection.
      assert.equal((await session.get('/')).status, 200);
      assert.equal(received.length, 1);
      assert.equal(received[0]?.[':authority'], new URL(server.origin).host);
      assert.equal(server.connections, 1);
    });

    test('an upper-case name or a control character from a hook is refused, naming the field', async (t) => {
      const { streams, options } = await recording(t, tls);
      const session = open(t, options);
      await assert.rejects(session.get('/', { hooks: writing({ 'X-Upper': '1' }) }), {
        name: 'InvalidRequestError',
        message: /Invalid header name "X-Upper": HTTP\/2 header names are lower-case/,
      });
      await assert.rejects(session.get('/', { hooks: writing({ 'x-bell': 'a\u0007b' }) }), {
        name: 'InvalidRequestError',
        message: /Invalid value for header "x-bell": it contains a control character/,
      });
      assert.equal(streams(), 0);
    });
  });
}

test('a refused request is not retried and leaves its stream slot free', async (t) => {
  const { server, received, streams, options } = await recording(t, false);
  let attempts = 0;
  const session = open(t, {
    ...options,
    hooks: {
      beforeRequest: [
        ({ request }) => {
          attempts++;
          if (request.path === '/bad') request.headers[':path'] = '/other';
        },
      ],
    },
  });
  const results = await Promise.allSettled([session.get('/bad'), session.get('/good')]);
  assert.equal(results[0]?.status, 'rejected');
  assert.ok((results[0] as PromiseRejectedResult).reason instanceof InvalidRequestError);
  assert.equal(results[1]?.status, 'fulfilled');
  assert.equal(attempts, 2);
  assert.deepEqual(
    received.map((headers) => headers[':path']),
    ['/good'],
  );
  assert.equal(streams(), 1);
  assert.equal(server.sessions, 1);
});
