import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  type ClientHttp2Session,
  connect,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from 'node:http2';
import { get as httpsGet } from 'node:https';
import { connect as tcpConnect } from 'node:net';
import { describe, type TestContext, test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { h2Headers } from '../../../src/http/h2/h2-headers.ts';
import { HeaderRecord } from '../../../src/http/headers.ts';
import { PreparedRequest } from '../../../src/http/prepared-request.ts';
import {
  type H2Handler,
  startH1TLS,
  startH2C,
  startH2TLS,
  startNghttpd,
} from '../../helpers/h2.ts';

/** A `node:http2` client session to `origin`, closed when the test ends. */
function client(t: TestContext, origin: string, ca?: string): ClientHttp2Session {
  const session = connect(origin, ca === undefined ? {} : { ca });
  // A failure during a test reaches its streams (fetchOn rejects); the server may also be stopped
  // before this session at the test's end (hooks run in the order registered), and the reset that
  // gives (ECONNRESET) is no failure of the test.
  session.on('error', () => {});
  t.after(() => session.destroy());
  return session;
}

/** One request on `session`: its response headers and body. */
function fetchOn(
  session: ClientHttp2Session,
  headers: OutgoingHttpHeaders,
): Promise<{ headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers);
    let body = '';
    let received: IncomingHttpHeaders = {};
    stream.setEncoding('utf8');
    stream.on('response', (response) => (received = response));
    stream.on('data', (chunk: string) => (body += chunk));
    stream.on('end', () => resolve({ headers: received, body }));
    stream.on('error', reject);
    stream.end();
  });
}

const echoVersion: H2Handler = (request, response) => {
  response.setHeader('content-type', 'text/plain');
  response.end(`${request.httpVersion} ${request.url}`);
};

// Whether 127.0.0.1:`port` accepts a TCP connection now.
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.once('error', () => resolve(false));
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
  });
}

describe('node:http2 test servers', () => {
  test('h2c: three requests on one session are one connection and one session', async (t) => {
    const server = await startH2C(t, echoVersion);
    assert.match(server.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
    const session = client(t, server.origin);
    const bodies = await Promise.all(
      ['/a', '/b', '/c'].map(async (path) => (await fetchOn(session, { ':path': path })).body),
    );
    assert.deepEqual(bodies, ['2.0 /a', '2.0 /b', '2.0 /c']);
    assert.equal(server.connections, 1);
    assert.equal(server.sessions, 1);
    assert.equal(server.openSessions.size, 1);
  });

  test('a second client session is counted as a second connection', async (t) => {
    const server = await startH2C(t, echoVersion);
    await fetchOn(client(t, server.origin), { ':path': '/' });
    await fetchOn(client(t, server.origin), { ':path': '/' });
    assert.equal(server.connections, 2);
    assert.equal(server.sessions, 2);
  });

  test('TLS: ALPN picks h2 with the test certificate as the CA', async (t) => {
    const server = await startH2TLS(t, echoVersion);
    assert.match(server.origin, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(server.ca, /^-----BEGIN CERTIFICATE-----/);
    const session = client(t, server.origin, server.ca);
    const { body } = await fetchOn(session, { ':path': '/tls' });
    assert.equal(body, '2.0 /tls');
    assert.equal(session.alpnProtocol, 'h2');
    assert.equal(server.connections, 1);
    assert.equal(server.sessions, 1);
  });

  test('TLS: a client offering only http/1.1 gets HTTP/1.1 from the same handler', async (t) => {
    const server = await startH2TLS(t, echoVersion);
    const body = await new Promise<string>((resolve, reject) => {
      httpsGet(`${server.origin}/one`, { ca: server.ca, agent: false }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve(text));
      }).on('error', reject);
    });
    assert.equal(body, '1.1 /one');
    assert.equal(server.connections, 1);
    assert.equal(server.sessions, 0);
  });

  test('TLS: a client that does not trust the CA is refused', async (t) => {
    const server = await startH2TLS(t, echoVersion);
    const session = connect(server.origin);
    t.after(() => session.destroy());
    const error = await new Promise<Error>((resolve) => session.once('error', resolve));
    assert.equal((error as { code?: string }).code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  test('h1-only TLS: ALPN answers http/1.1 to a client offering h2 first', async (t) => {
    const server = await startH1TLS(t, (request, response) => {
      response.end(request.httpVersion);
    });
    const socket = tlsConnect({
      host: '127.0.0.1',
      port: server.port,
      ca: server.ca,
      ALPNProtocols: ['h2', 'http/1.1'],
    });
    t.after(() => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve).once('error', reject);
    });
    assert.equal(socket.alpnProtocol, 'http/1.1');
    assert.equal(server.connections, 1);
    assert.equal(server.sessions, 0);
  });

  test('h1-only TLS: node:http2.connect, which offers only h2, is refused in the handshake', async (t) => {
    const server = await startH1TLS(t, (_request, response) => {
      response.end('h1');
    });
    const session = connect(server.origin, { ca: server.ca });
    t.after(() => session.destroy());
    // Observed on Node 20: the server answers an ALPN list without http/1.1 with the TLS alert
    // no_application_protocol, and the session fails with that code. A client that wants to fall
    // back must offer ['h2', 'http/1.1'] on its own TLS socket and read `alpnProtocol`.
    const stream = session.request({ ':path': '/' });
    stream.on('error', () => {});
    const error = await new Promise<Error>((resolve) => session.once('error', resolve));
    assert.equal((error as { code?: string }).code, 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL');
    assert.equal(server.sessions, 0);
  });

  test('close() destroys open sessions; the port stops accepting', async (t) => {
    const server = await startH2C(t, echoVersion);
    const session = client(t, server.origin);
    await fetchOn(session, { ':path': '/' });
    const closed = new Promise((resolve) => session.once('close', resolve));
    await server.close();
    await closed;
    assert.equal(server.openSessions.size, 0);
    assert.equal(await accepts(server.port), false);
  });
});

describe('nghttpd', () => {
  const files = { 'hello.txt': 'hello from nghttpd\n', 'nested/data.json': '{"ok":true}' };

  test('h2c: serves the docroot files', async (t) => {
    const nghttpd = await startNghttpd(t, { files });
    assert.match(nghttpd.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(nghttpd.ca, undefined);
    const session = client(t, nghttpd.origin);
    const hello = await fetchOn(session, { ':path': '/hello.txt' });
    assert.equal(hello.headers[':status'], 200);
    assert.match(String(hello.headers.server), /^nghttpd/);
    assert.equal(hello.body, 'hello from nghttpd\n');
    const nested = await fetchOn(session, { ':path': '/nested/data.json' });
    assert.equal(nested.body, '{"ok":true}');
    assert.equal((await fetchOn(session, { ':path': '/missing' })).headers[':status'], 404);
  });

  test('TLS: ALPN h2 with the test certificate', async (t) => {
    const nghttpd = await startNghttpd(t, { tls: true, files });
    assert.match(nghttpd.origin, /^https:\/\/127\.0\.0\.1:\d+$/);
    const session = client(t, nghttpd.origin, nghttpd.ca);
    const { headers, body } = await fetchOn(session, { ':path': '/hello.txt' });
    assert.equal(session.alpnProtocol, 'h2');
    assert.equal(headers[':status'], 200);
    assert.equal(body, 'hello from nghttpd\n');
  });

  test('accepts the header block h2Headers makes of a request with HTTP/1.1-only headers', async (t) => {
    const nghttpd = await startNghttpd(t, { files });
    const headers = Object.assign(new HeaderRecord(), {
      host: `127.0.0.1:${nghttpd.port}`,
      connection: 'keep-alive, x-hop',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      upgrade: 'h2c',
      te: 'gzip, trailers',
      'x-hop': '1',
      'x-padded': '  value  ',
      accept: 'text/plain',
    });
    const request = new PreparedRequest('GET', nghttpd.origin, '/hello.txt', headers, null, true);
    const session = client(t, nghttpd.origin);
    // Sent as given, Node's http2 throws ERR_HTTP2_INVALID_CONNECTION_HEADERS before any frame.
    assert.throws(() => session.request({ ':path': '/hello.txt', ...headers }), {
      code: 'ERR_HTTP2_INVALID_CONNECTION_HEADERS',
    });
    const { headers: response, body } = await fetchOn(session, h2Headers(request));
    assert.equal(response[':status'], 200);
    assert.equal(body, 'hello from nghttpd\n');
  });

  test('stop() kills it and removes the docroot', async (t) => {
    const nghttpd = await startNghttpd(t, { files });
    assert.equal(existsSync(nghttpd.docroot), true);
    await nghttpd.stop();
    assert.equal(existsSync(nghttpd.docroot), false);
    assert.equal(await accepts(nghttpd.port), false);
  });
});
