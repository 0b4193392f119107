/**
 * No Authorization, Cookie, Set-Cookie, Proxy-Authorization value or URL password ever appears in
 * a trace, a HAR, a waterfall, a span or an error message — tested by grepping every output of a
 * traced run that used them.
 */
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { trace as otelTrace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { FuturesSession, Trace } from '../../src/index.ts';
import { startServer } from '../helpers/server.ts';
import { openSession } from '../http/fixtures.ts';

const basic = (user: string, password: string) =>
  Buffer.from(`${user}:${password}`).toString('base64');

// Each secret is unique, so a hit names the leak.
const SECRET = {
  basicPassword: 'basic-pw-3f9a1c',
  bearer: 'bearer-tok-8d2e77',
  urlPassword: 'url-pw-51b0aa',
  sessionCookie: 'session-ck-c4e912',
  requestCookie: 'request-ck-07f3d1',
  queryToken: 'query-tok-9a6b25',
  proxyAuth: 'proxy-cred-e18c40',
  locationPassword: 'location-pw-2b7f93',
  oauthCode: 'oauth-code-6c01de',
  failingPassword: 'failing-pw-a9d354',
  failingBearer: 'failing-tok-3e58b0',
} as const;

/** Every secret, with the Basic credentials also as they go on the wire (base64). */
const NEEDLES = [
  ...Object.values(SECRET),
  basic('alice', SECRET.basicPassword),
  basic('bob', SECRET.urlPassword),
  basic('dave', SECRET.failingPassword),
  SECRET.proxyAuth.split('-')[2] as string, // a distinctive fragment too
];

test('no secret appears in any output of a traced run that used them', async (t) => {
  // Spans are an output too: an SDK is registered so that fanout makes them.
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  otelTrace.setGlobalTracerProvider(provider);
  t.after(() => otelTrace.disable());

  const seen: IncomingHttpHeaders[] = [];
  const server = await startServer(t, (request, response) => {
    request.resume();
    seen.push(request.headers);
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path === '/login') {
      response.setHeader('set-cookie', `sid=${SECRET.sessionCookie}; Path=/; HttpOnly`);
    } else if (path === '/go') {
      const target = `http://carol:${SECRET.locationPassword}@127.0.0.1:${server.port}`;
      response.writeHead(302, { location: `${target}/back?code=${SECRET.oauthCode}` });
    } else if (path === '/broken') {
      request.socket.destroy();
      return;
    }
    response.end('ok');
  });
  const host = `127.0.0.1:${server.port}`;
  const origin = `http://${host}`;
  const session = openSession(t, { retry: false }); // no baseURL: full URLs, credentials and all
  const futures = new FuturesSession({ session });
  t.after(() => futures.close());
  const errors: unknown[] = [];

  const trace = new Trace({ name: 'secrets' });
  await trace.run(async () => {
    await session.get(`${origin}/basic`, {
      auth: { username: 'alice', password: SECRET.basicPassword },
    });
    await futures.get(`${origin}/bearer`, { auth: { bearer: SECRET.bearer } });
    await session.get(`http://bob:${SECRET.urlPassword}@${host}/userinfo`);
    await session.get(`${origin}/login`);
    await futures.get(`${origin}/me`);
    await session.get(`${origin}/prefs`, { cookies: { pref: SECRET.requestCookie } });
    await futures.get(`${origin}/search`, { params: { q: 'shoes', token: SECRET.queryToken } });
    await session.get(`${origin}/proxied`, {
      headers: { 'proxy-authorization': `Basic ${SECRET.proxyAuth}` },
    });
    await session.get(`${origin}/go`);
    // Failing calls: a dropped connection, a refused one. Their errors redact like the trace.
    errors.push(
      await session
        .get(`http://dave:${SECRET.failingPassword}@${host}/broken?token=${SECRET.queryToken}`, {
          cookies: { pref: SECRET.requestCookie },
        })
        .catch((error: unknown) => error),
      await futures.get(`${origin}/broken`, { auth: { bearer: SECRET.failingBearer } }).exception(),
      await session
        .get(`http://dave:${SECRET.failingPassword}@127.0.0.1:1/refused`)
        .catch((error: unknown) => error),
    );
  });
  trace.end();

  // The secrets did travel: each reached the server in the header that carries it.
  const sent = JSON.stringify(seen);
  for (const secret of [
    basic('alice', SECRET.basicPassword),
    SECRET.bearer,
    basic('bob', SECRET.urlPassword),
    `sid=${SECRET.sessionCookie}`,
    SECRET.requestCookie,
    SECRET.proxyAuth,
    basic('dave', SECRET.failingPassword),
    SECRET.failingBearer,
  ]) {
    assert.ok(sent.includes(secret), `the server saw ${secret}`);
  }
  assert.equal(errors.length, 3);
  assert.ok(errors.every((error) => error instanceof Error));
  assert.ok(trace.requests.length >= 12);
  assert.ok(exporter.getFinishedSpans().length > 0, 'spans were made');

  const outputs: Record<string, string> = {
    summary: JSON.stringify(trace.summary()),
    serverTiming: trace.serverTiming(),
    har: JSON.stringify(trace.toHAR()),
    'inspect(requests)': inspect(trace.requests, { depth: 10 }),
    'JSON(requests)': JSON.stringify(trace.requests),
    // The records' accessors, which inspect and JSON leave out.
    'record accessors': JSON.stringify(
      trace.requests.map((record) => ({
        url: record.url,
        attempts: record.attempts.map((attempt) => ({
          url: attempt.url,
          requestHeaders: attempt.requestHeaders,
          responseHeaders: attempt.responseHeaders,
        })),
      })),
    ),
    spans: inspect(
      exporter.getFinishedSpans().map((span) => ({
        name: span.name,
        attributes: span.attributes,
        events: span.events,
        status: span.status,
        links: span.links,
      })),
      { depth: 10 },
    ),
  };
  if (typeof (trace as { waterfall?: unknown }).waterfall === 'function') {
    outputs.waterfall = (trace as unknown as { waterfall(): string }).waterfall();
  }
  errors.forEach((error, index) => {
    const { message, stack } = error as Error;
    outputs[`error ${index} message`] = message;
    outputs[`error ${index} stack`] = stack ?? '';
    outputs[`error ${index} inspect`] = inspect(error, { depth: 10 });
  });
  for (const [name, text] of Object.entries(outputs)) {
    assert.ok(text.length > 0, `${name} is not empty`);
    for (const needle of NEEDLES) {
      assert.ok(!text.includes(needle), `${name} contains the secret ${needle}:\n${text}`);
    }
  }
  // Redacted, not dropped: the outputs still say where each request went.
  assert.match(outputs.har as string, /token=REDACTED/);
  assert.match(outputs.har as string, /\/back\?code=REDACTED/);
  assert.match(outputs.har as string, /"authorization","value":"\[REDACTED\]"/);
});
