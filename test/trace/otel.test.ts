import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, beforeEach, suite, type TestContext, test } from 'node:test';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import {
  ConnectionError,
  FuturesSession,
  type FuturesSessionOptions,
  InvalidOptionError,
  Session,
  type SessionOptions,
  Trace,
} from '../../src/index.ts';
import { startH2C } from '../helpers/h2.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

/** What the server saw of one request: its path and the `traceparent` it carried. */
interface Seen {
  readonly path: string;
  readonly traceparent: string | undefined;
  readonly tracestate: string | undefined;
}

/** A `traceparent` header's fields. */
function parseTraceparent(header: string | undefined): { traceId: string; parentId: string } {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(header ?? '');
  assert.ok(match, `a W3C traceparent, got ${header}`);
  return { traceId: match[1] as string, parentId: match[2] as string };
}

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = trace.getTracer('test');

function register(): void {
  trace.setGlobalTracerProvider(provider);
}

/** The finished spans fanout made (the test's own spans left out). */
function clientSpans(): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((span) => span.instrumentationScope.name === 'fanout');
}

function onlySpan(): ReadableSpan {
  const spans = clientSpans();
  assert.equal(spans.length, 1, `one client span, got ${spans.length}`);
  return spans[0] as ReadableSpan;
}

/** Asserts that the server saw `span` as the parent of the request it received. */
function assertPropagated(seen: Seen | undefined, span: ReadableSpan): void {
  const { traceId, parentId } = parseTraceparent(seen?.traceparent);
  assert.equal(traceId, span.spanContext().traceId);
  assert.equal(parentId, span.spanContext().spanId);
}

/** A loopback server that records what it sees: `/ok`, `/fail` (500), `/missing` (404),
 * `/flaky` (503 the first time), `/redirect` (302 to `/ok`). */
async function startRecorder(t: TestContext): Promise<TestServer & { seen: Seen[] }> {
  const seen: Seen[] = [];
  let flaky = 0;
  const server = await startServer(t, (request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '';
    seen.push({
      path,
      traceparent: request.headers.traceparent as string | undefined,
      tracestate: request.headers.tracestate as string | undefined,
    });
    if (path === '/fail') {
      response.statusCode = 500;
    } else if (path === '/missing') {
      response.statusCode = 404;
    } else if (path === '/flaky') {
      response.statusCode = flaky++ === 0 ? 503 : 200;
    } else if (path === '/redirect') {
      response.statusCode = 302;
      response.setHeader('location', '/ok');
    }
    response.end('body');
  });
  return { ...server, seen };
}

function openSession(t: TestContext, server: TestServer, options: SessionOptions = {}): Session {
  const session = new Session({ baseURL: server.origin, ...options });
  t.after(() => session.close());
  return session;
}

function openFutures(
  t: TestContext,
  server: TestServer,
  options: FuturesSessionOptions = {},
): FuturesSession {
  const session = new FuturesSession({ baseURL: server.origin, ...options });
  t.after(() => session.close());
  return session;
}

// The SDK is registered for the whole file (tests run one after the other) and removed at the end.
suite('OpenTelemetry client spans', () => {
  before(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    register();
  });

  after(async () => {
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  beforeEach(() => exporter.reset());

  test('a GET is one CLIENT span named after its method, with the semconv attributes', async (t) => {
    const server = await startRecorder(t);
    const session = openSession(t, server);
    const response = await session.get('/ok', { params: { page: 2 } });
    assert.equal(response.status, 200);
    const span = onlySpan();
    assert.equal(span.kind, SpanKind.CLIENT);
    assert.equal(span.name, 'GET');
    assert.deepEqual(span.attributes, {
      'http.request.method': 'GET',
      'url.full': `${server.origin}/ok?page=2`,
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'network.protocol.version': '1.1',
      'http.response.status_code': 200,
    });
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    assert.equal(span.parentSpanContext, undefined, 'a root span outside any active span');
    assert.ok(span.ended);
  });

  test('url.full has no credentials and the values of secret query parameters replaced', async (t) => {
    const server = await startRecorder(t);
    const seen = server.seen;
    const session = openSession(t, server, { allowAbsoluteURLs: true });
    const url = `http://alice:hunter2@127.0.0.1:${server.port}/ok?token=t0ps3cret&api_key=k3y&q=shoes`;
    await session.get(url);
    const span = onlySpan();
    assert.equal(
      span.attributes['url.full'],
      `${server.origin}/ok?token=REDACTED&api_key=REDACTED&q=shoes`,
    );
    const printed = JSON.stringify(span.attributes);
    for (const secret of ['alice', 'hunter2', 't0ps3cret', 'k3y']) {
      assert.ok(!printed.includes(secret), `${secret} is not in the span`);
    }
    assert.equal(seen[0]?.path, '/ok?token=t0ps3cret&api_key=k3y&q=shoes', 'the wire is unchanged');
  });

  test('the server receives the span as the parent in traceparent', async (t) => {
    const server = await startRecorder(t);
    const seen = server.seen;
    const session = openSession(t, server, { headers: { 'x-app': 'shop' } });
    const response = await session.get('/ok');
    const span = onlySpan();
    assertPropagated(seen[0], span);
    assert.equal(response.request.headers.traceparent, seen[0]?.traceparent, 'as sent');
    await session.get('/ok');
    assert.notEqual(seen[1]?.traceparent, seen[0]?.traceparent, 'each request its own span');
  });

  test('a call made inside an active span is its child, in the same trace', async (t) => {
    const server = await startRecorder(t);
    const seen = server.seen;
    const session = openSession(t, server);
    const parent = await tracer.startActiveSpan('page', async (page) => {
      await session.get('/ok');
      page.end();
      return page;
    });
    const span = onlySpan();
    assert.equal(span.spanContext().traceId, parent.spanContext().traceId);
    assert.equal(span.parentSpanContext?.spanId, parent.spanContext().spanId);
    assertPropagated(seen[0], span);
  });

  test('tracestate of the active context is propagated too', async (t) => {
    const server = await startRecorder(t);
    const seen = server.seen;
    const session = openSession(t, server);
    const parent = propagation.extract(context.active(), {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      tracestate: 'vendor=opaque',
    });
    await context.with(parent, () => session.get('/ok'));
    const span = onlySpan();
    assert.equal(span.spanContext().traceId, '0af7651916cd43dd8448eb211c80319c');
    assert.equal(span.parentSpanContext?.spanId, 'b7ad6b7169203331');
    assertPropagated(seen[0], span);
    assert.equal(seen[0]?.tracestate, 'vendor=opaque');
  });

  test('a 500 ends the span with status ERROR and error.type "500"', async (t) => {
    const server = await startRecorder(t);
    const session = openSession(t, server, { retry: false });
    const response = await session.get('/fail');
    assert.equal(response.status, 500);
    const span = onlySpan();
    assert.equal(span.attributes['http.response.status_code'], 500);
    assert.equal(span.attributes['error.type'], '500');
    assert.equal(span.status.code, SpanStatusCode.ERROR);
  });

  test('a 404 is an error of a client span too', async (t) => {
    const server = await startRecorder(t);
    const session = openSession(t, server);
    await session.get('/missing');
    const span = onlySpan();
    assert.equal(span.attributes['error.type'], '404');
    assert.equal(span.status.code, SpanStatusCode.ERROR);
  });

  test('a refused connection: error.type is the fanout error code, no status code', async (t) => {
    const closed = await startServer(t, (_request, response) => {
      response.end();
    });
    await closed.close();
    const session = openSession(t, closed, { retry: false });
    await assert.rejects(session.get('/ok'), ConnectionError);
    const span = onlySpan();
    assert.equal(span.attributes['error.type'], 'FANOUT_CONNECTION');
    assert.equal(span.attributes['http.response.status_code'], undefined);
    assert.equal(span.attributes['server.port'], closed.port);
    assert.equal(span.attributes['network.protocol.version'], undefined, 'nothing went out');
    assert.equal(span.status.code, SpanStatusCode.ERROR);
  });

  test('an HTTP/2 request: network.protocol.version is 2, the server gets traceparent', async (t) => {
    const traceparents: (string | undefined)[] = [];
    const server = await startH2C(t, (request, response) => {
      traceparents.push(request.headers.traceparent as string | undefined);
      response.end('ok');
    });
    const session = new Session({ baseURL: server.origin, http2: 'prior-knowledge' });
    t.after(() => session.close());
    await session.get('/ok');
    const span = onlySpan();
    assert.equal(span.attributes['network.protocol.version'], '2');
    assert.equal(span.attributes['http.response.status_code'], 200);
    assert.equal(parseTraceparent(traceparents[0]).parentId, span.spanContext().spanId);
  });

  test('a retry is a span of its own with http.request.resend_count, a sibling', async (t) => {
    const server = await startRecorder(t);
    const seen = server.seen;
    const session = openSession(t, server, { retry: { limit: 2, baseDelay: 0 } });
    await tracer.startActiveSpan('page', async (page) => {
      await session.get('/flaky');
      page.end();
    });
    const [first, retry] = clientSpans();
    assert.equal(clientSpans().length, 2);
    assert.ok(first && retry);
    assert.equal(first.attributes['http.request.resend_count'], undefined);
    assert.equal(first.attributes['error.type'], '503');
    assert.equal(retry.attributes['http.request.resend_count'], 1);
    assert.equal(retry.attributes['http.response.status_code'], 200);
    assert.equal(retry.status.code, SpanStatusCode.UNSET);
    assert.equal(first.parentSpanContext?.spanId, retry.parentSpanContext?.spanId);
    assertPropagated(seen[0], first);
    assertPropagated(seen[1], retry);
  });

  test('a redirect hop is a span of its own, with its own URL', async (t) => {
    const server = await startRecorder(t);
    const seen = server.seen;
    const session = openSession(t, server);
    const response = await session.get('/redirect');
    assert.equal(response.status, 200);
    const [hop, target] = clientSpans();
    assert.ok(hop && target);
    assert.equal(hop.attributes['http.response.status_code'], 302);
    assert.equal(hop.attributes['url.full'], `${server.origin}/redirect`);
    assert.equal(target.attributes['url.full'], `${server.origin}/ok`);
    assert.equal(target.attributes['http.request.resend_count'], 1);
    assertPropagated(seen[0], hop);
    assertPropagated(seen[1], target);
  });

  test('an unknown method: span "HTTP", method _OTHER and the original', async (t) => {
    const server = await startRecorder(t);
    const session = openSession(t, server);
    await session.request('PROPFIND', '/ok');
    const span = onlySpan();
    assert.equal(span.name, 'HTTP');
    assert.equal(span.attributes['http.request.method'], '_OTHER');
    assert.equal(span.attributes['http.request.method_original'], 'PROPFIND');
  });

  test('telemetry: false makes no span and sends no traceparent', async (t) => {
    const server = await startRecorder(t);
    const seen = server.seen;
    const session = openSession(t, server, { telemetry: false });
    await tracer.startActiveSpan('page', async (page) => {
      await session.get('/ok');
      page.end();
    });
    assert.equal(clientSpans().length, 0);
    assert.equal(seen[0]?.traceparent, undefined);
    const futures = openFutures(t, server, { telemetry: false });
    await futures.get('/ok');
    assert.equal(clientSpans().length, 0);
    assert.equal(seen[1]?.traceparent, undefined);
  });

  test('telemetry must be a boolean', () => {
    assert.throws(
      () => new Session({ telemetry: 'yes' as unknown as boolean }),
      (error: unknown) =>
        error instanceof InvalidOptionError && /`telemetry`.*boolean/.test(error.message),
    );
  });

  test('FuturesSession: a span per request, child of the context it was submitted in', async (t) => {
    const server = await startRecorder(t);
    const seen = server.seen;
    const session = openFutures(t, server, { maxWorkers: 1 });
    const [first, second] = tracer.startActiveSpan('page', (page) => {
      const futures = [session.get('/ok'), session.get('/ok?second=1')];
      page.end();
      return futures;
    });
    // Awaited outside the span, and the second one waited in the queue: the parent is the
    // context of the submission.
    await first;
    await second;
    const page = exporter.getFinishedSpans().find((span) => span.name === 'page');
    const spans = clientSpans();
    assert.equal(spans.length, 2);
    for (const [index, span] of spans.entries()) {
      assert.equal(span.kind, SpanKind.CLIENT);
      assert.equal(span.parentSpanContext?.spanId, page?.spanContext().spanId);
      assertPropagated(seen[index], span);
    }
  });

  test('a fanout Trace and OpenTelemetry observe the same call', async (t) => {
    const server = await startRecorder(t);
    const seen = server.seen;
    const session = openSession(t, server);
    const local = new Trace({ name: 'page' });
    await local.run(() => session.get('/ok'));
    const span = onlySpan();
    assertPropagated(seen[0], span);
    const attempt = local.requests[0]?.attempts[0];
    const traceparent = attempt?.requestHeaders.find(([name]) => name === 'traceparent');
    assert.equal(traceparent?.[1], seen[0]?.traceparent, 'the Trace records the header as sent');
    assert.equal(local.requests[0]?.status, 200);
  });

  test('no SDK registered: no span, no traceparent; registering one later is noticed', async (t) => {
    const server = await startRecorder(t);
    const seen = server.seen;
    const session = openSession(t, server);
    trace.disable();
    try {
      await session.get('/ok');
      assert.equal(seen[0]?.traceparent, undefined);
    } finally {
      register();
    }
    await session.get('/ok');
    assertPropagated(seen[1], onlySpan());
  });
});
