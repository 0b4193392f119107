import assert from 'node:assert/strict';
import { after, before, mock, test } from 'node:test';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { Hedging, Trace } from '../../src/index.ts';
import { deferred, startServer } from '../helpers/server.ts';
import { openSession } from '../http/fixtures.ts';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

before(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
});

after(async () => {
  await provider.shutdown();
  trace.disable();
  propagation.disable();
  context.disable();
});

test('hedging with OpenTelemetry: each copy is a span of its own and carries its own traceparent', {
  timeout: 10_000,
}, async (t) => {
  const seen: string[] = [];
  const first = deferred();
  const hold = deferred();
  t.after(() => hold.resolve());
  const server = await startServer(t, async (request, response) => {
    seen.push(String(request.headers.traceparent));
    if (seen.length === 1) {
      first.resolve();
      await hold.promise;
    }
    response.end(String(seen.length));
  });
  const session = openSession(t, {
    baseURL: server.origin,
    policies: [new Hedging({ delay: 10, budget: 1 })],
  });
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const traced = new Trace();
  const pending = traced.run(() => session.get('/'));
  await first.promise;
  mock.timers.tick(10);
  assert.equal((await pending).text, '2');
  const spans = exporter
    .getFinishedSpans()
    .filter((span) => span.instrumentationScope.name === 'fanout');
  assert.equal(spans.length, 2);
  assert.equal(seen.length, 2);
  assert.notEqual(seen[0], seen[1]);
  const spanIds = new Set(spans.map((span) => span.spanContext().spanId));
  for (const header of seen) assert.ok(spanIds.has(header.split('-')[2] as string), header);
  // The trace keeps each attempt's request as sent: each with its own traceparent.
  const recorded = traced.requests[0]?.attempts.map(
    (attempt) => attempt.requestHeaders.find(([name]) => name === 'traceparent')?.[1],
  );
  assert.deepEqual(recorded, seen);
});
