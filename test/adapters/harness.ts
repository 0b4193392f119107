import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { Agent, request } from 'undici';
import type { Fanout, FanoutOptions, RequestFanout } from '../../src/adapters/node.ts';
import { CancelledError, currentTrace, type Future, type Response } from '../../src/index.ts';
import { type Backend, startBackend } from '../helpers/backend.ts';
import { type Deferred, deferred } from '../helpers/server.ts';

/** What a route of the app under test answers. */
export interface RouteAnswer {
  body: string;
  /** Sent as the `server-timing` header. */
  serverTiming?: string;
}

/**
 * The app logic every adapter mounts at `GET /:kind/:name`: it gets the incoming request's view
 * and the route parameters, and returns what to send.
 */
export type Route = (view: RequestFanout, kind: string, name: string) => Promise<RouteAnswer>;

/** An app under test: its origin and the Fanout behind it. */
export interface App {
  readonly origin: string;
  readonly fanout: Fanout;
}

/** Starts an app of one adapter on port 0 (closed when `t` ends) serving `route`. */
export type StartApp = (t: TestContext, options: FanoutOptions, route: Route) => Promise<App>;

/** A client of the app under test (its own undici pool, closed when `t` ends). */
export function client(t: TestContext) {
  const agent = new Agent();
  t.after(() => agent.destroy());
  return async (url: string, signal?: AbortSignal) => {
    const response = await request(url, { dispatcher: agent, ...(signal && { signal }) });
    return {
      status: response.statusCode,
      headers: response.headers,
      body: await response.body.text(),
    };
  };
}

/** Per incoming request of a scenario: its view and futures, as the route saw them. */
interface Seen {
  view: RequestFanout;
  futures: Future<Response>[];
  entered: Deferred<void>;
}

function tracker() {
  const seen = new Map<string, Seen>();
  return {
    of(name: string): Seen {
      let found = seen.get(name);
      if (found === undefined) {
        found = { view: undefined as unknown as RequestFanout, futures: [], entered: deferred() };
        seen.set(name, found);
      }
      return found;
    },
  };
}

function paths(view: RequestFanout): string[] {
  return (view.trace?.requests ?? []).map((record) => new URL(record.url).pathname);
}

/**
 * The scenarios every adapter must pass, against a real backend and real sockets; `start`
 * mounts {@link Route} in the adapter's way.
 */
export function adapterScenarios(adapter: string, start: StartApp): void {
  test(`${adapter}: a client's disconnect cancels its request's futures and nothing of another`, async (t) => {
    const backend = await startBackend(t);
    const seen = tracker();
    const app = await start(t, { session: { baseURL: backend.origin } }, async (view, _, name) => {
      const entry = seen.of(name);
      entry.view = view;
      entry.futures.push(view.get(`/hold/${name}-1`), view.get(`/hold/${name}-2`));
      const [one, two] = await Promise.all(entry.futures);
      return { body: `${one?.text} ${two?.text}` };
    });
    const fetch = client(t);
    const leaving = new AbortController();
    const left = fetch(`${app.origin}/page/a`, leaving.signal).catch((error: unknown) => error);
    const stayed = fetch(`${app.origin}/page/b`);
    const [a1, a2] = await Promise.all(
      ['/hold/a-1', '/hold/a-2', '/hold/b-1', '/hold/b-2'].map((path) => backend.arrival(path)),
    );
    assert.equal(backend.inFlight, 4);

    leaving.abort();

    await Promise.all([a1?.abandoned, a2?.abandoned]); // the backend sees a's sockets close
    const a = seen.of('a');
    const b = seen.of('b');
    assert.ok(a.futures.every((future) => future.cancelled()));
    const reason = await a.futures[0]?.exception().catch((error: unknown) => error);
    assert.ok(reason instanceof CancelledError);
    assert.match(reason.message, /client disconnected.*: GET \/page\/a$/);
    assert.equal(a.view.isCancelled, true);
    assert.ok(b.futures.every((future) => future.running()));
    assert.equal(backend.inFlight, 2);
    backend.release('/hold/b-1');
    backend.release('/hold/b-2');
    assert.deepEqual(await stayed.then((answer) => answer.body), '/hold/b-1 /hold/b-2');
    assert.equal(((await left) as Error).name, 'AbortError');
    assert.equal(b.view.isCancelled, false);
    assert.equal(a.view.get('/after').cancelled(), true, 'a gone client gets no new requests');
  });

  test(`${adapter}: concurrent incoming requests have separate traces`, async (t) => {
    const backend = await startBackend(t);
    const seen = tracker();
    const options = { session: { baseURL: backend.origin }, traceContext: true };
    const app = await start(t, options, async (view, _, name) => {
      const entry = seen.of(name);
      entry.view = view;
      entry.entered.resolve();
      // Held until both incoming requests are in flight: their traces overlap in time.
      await view.get(`/hold/trace-${name}`);
      await view.get(`/after-${name}`);
      await view.session.get(`/direct-${name}`); // the shared session itself, in the handler's context
      return { body: JSON.stringify(paths(view)), serverTiming: view.trace?.serverTiming() ?? '' };
    });
    const fetch = client(t);
    const one = fetch(`${app.origin}/trace/one`);
    const two = fetch(`${app.origin}/trace/two`);
    await Promise.all([backend.arrival('/hold/trace-one'), backend.arrival('/hold/trace-two')]);
    backend.release('/hold/trace-two');
    backend.release('/hold/trace-one');
    const [answerOne, answerTwo] = await Promise.all([one, two]);
    assert.deepEqual(JSON.parse(answerOne.body), ['/hold/trace-one', '/after-one', '/direct-one']);
    assert.deepEqual(JSON.parse(answerTwo.body), ['/hold/trace-two', '/after-two', '/direct-two']);
    assert.match(String(answerOne.headers['server-timing']), /^total;dur=[\d.]+;desc="3 requests"/);
    assert.notEqual(seen.of('one').view.trace, seen.of('two').view.trace);
    assert.equal(seen.of('one').view.trace?.name, 'GET /trace/one');
  });

  test(`${adapter}: every incoming request shares one executor and pool`, async (t) => {
    const backend = await startBackend(t);
    const seen = tracker();
    const app = await start(
      t,
      { session: { baseURL: backend.origin, maxWorkers: 1 } },
      async (view, _, name) => {
        const entry = seen.of(name);
        entry.view = view;
        const future = view.get(`/hold/shared-${name}`);
        entry.futures.push(future);
        entry.entered.resolve();
        return { body: (await future).text };
      },
    );
    const fetch = client(t);
    const one = fetch(`${app.origin}/shared/one`);
    await backend.arrival('/hold/shared-one');
    const two = fetch(`${app.origin}/shared/two`);
    await seen.of('two').entered.promise;
    assert.equal(seen.of('one').view.session, app.fanout.session);
    assert.equal(seen.of('two').view.session, app.fanout.session);
    assert.equal(app.fanout.session.executor.active, 1);
    assert.equal(app.fanout.session.executor.queued, 1, "two's request waits for one's worker");
    backend.release('/hold/shared-one');
    backend.release('/hold/shared-two');
    assert.deepEqual(
      (await Promise.all([one, two])).map((answer) => answer.body),
      ['/hold/shared-one', '/hold/shared-two'],
    );
    assert.equal(backend.maxInFlight, 1);
  });

  test(`${adapter}: without traceContext, only the view's requests join, with no async context`, async (t) => {
    const backend = await startBackend(t);
    const app = await start(t, { session: { baseURL: backend.origin } }, async (view) => {
      const context = currentTrace();
      await Promise.all([view.get('/through-view'), view.session.get('/direct')]);
      return { body: JSON.stringify({ paths: paths(view), context: context === undefined }) };
    });
    const answer = JSON.parse((await client(t)(`${app.origin}/plain/x`)).body);
    assert.deepEqual(answer, { paths: ['/through-view'], context: true });
  });

  test(`${adapter}: tracing can be turned off`, async (t) => {
    const backend = await startBackend(t);
    const app = await start(
      t,
      { session: { baseURL: backend.origin }, trace: false },
      async (view) => {
        await view.get('/plain');
        return { body: String(view.trace) };
      },
    );
    assert.equal((await client(t)(`${app.origin}/off/x`)).body, 'undefined');
  });
}

export type { Backend };
