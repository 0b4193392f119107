import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startBackend } from '../../examples/backend.ts';
import { parallel } from '../../examples/parallel.ts';
import { serial } from '../../examples/serial.ts';
import { pageHandler, renderPage, startPageServer } from '../../examples/web-handler.ts';
import { FuturesSession } from '../../src/index.ts';
import { deferred, startServer } from '../helpers/server.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

const USER = { id: 1, name: 'Ada' };
const BOOKS = [{ id: 7, title: 'Notes' }];

/** What the fake backend saw of one request. */
interface Seen {
  readonly url: string;
  readonly socketClosed: Promise<void>;
}

/**
 * A stand-in for examples/backend.ts that records each request and its socket. By default it
 * answers at once; `holdUserUntilRecommendations` answers /user only once /recommendations has
 * arrived, so a client that waited for /user before sending the other would never finish.
 */
async function fakeBackend(
  t: TestContext,
  options: {
    user?: unknown;
    status?: number;
    holdUserUntilRecommendations?: boolean;
    hold?: boolean;
  } = {},
) {
  const seen: Seen[] = [];
  const recommendationsArrived = deferred();
  const bothArrived = deferred();
  let inFlight = 0;
  let maxInFlight = 0;
  const handler = async (request: IncomingMessage, response: ServerResponse) => {
    const socketClosed = deferred();
    request.socket.once('close', () => socketClosed.resolve());
    seen.push({
      url: request.url ?? '',
      socketClosed: socketClosed.promise,
    });
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path === '/recommendations') recommendationsArrived.resolve();
    if (seen.length === 2) bothArrived.resolve();
    if (options.hold) return; // never answered
    if (path === '/user' && options.holdUserUntilRecommendations)
      await recommendationsArrived.promise;
    inFlight--;
    const status = path === '/recommendations' ? (options.status ?? 200) : 200;
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(path === '/user' ? (options.user ?? USER) : BOOKS));
  };
  const server = await startServer(t, handler);
  return {
    origin: server.origin,
    seen,
    bothArrived: bothArrived.promise,
    get maxInFlight() {
      return maxInFlight;
    },
  };
}

describe('examples/backend.ts', () => {
  test('serves /user and /recommendations as JSON, 404 elsewhere, 400 for a bad delay', async (t) => {
    const backend = await startBackend();
    t.after(() => backend.close());
    const user = await fetch(`${backend.origin}/user?delay=1`);
    assert.equal(user.headers.get('content-type'), 'application/json');
    assert.deepEqual(await user.json(), { id: 1, name: 'Ada' });
    const books = (await (await fetch(`${backend.origin}/recommendations`)).json()) as unknown[];
    assert.ok(Array.isArray(books) && books.length > 0);
    assert.equal((await fetch(`${backend.origin}/nope`)).status, 404);
    assert.equal((await fetch(`${backend.origin}/user?delay=soon`)).status, 400);
  });
});

describe('examples/serial.ts and examples/parallel.ts', () => {
  test('serial: /recommendations is sent only once /user has been answered', async (t) => {
    const backend = await fakeBackend(t);
    const result = await serial(backend.origin);
    assert.deepEqual(result, { user: USER, recommendations: BOOKS });
    assert.deepEqual(
      backend.seen.map((request) => request.url),
      ['/user?delay=0', '/recommendations?delay=0'],
    );
    assert.equal(backend.maxInFlight, 1);
  });

  test('parallel: both requests are in flight at once', { timeout: 10_000 }, async (t) => {
    const backend = await fakeBackend(t, { holdUserUntilRecommendations: true });
    const result = await parallel(backend.origin, 5);
    assert.deepEqual(result, { user: USER, recommendations: BOOKS });
    assert.equal(backend.maxInFlight, 2);
    assert.deepEqual(backend.seen.map((request) => request.url).sort(), [
      '/recommendations?delay=5',
      '/user?delay=5',
    ]);
  });

  test('serial and parallel against the real example backend give the same data', async (t) => {
    const backend = await startBackend();
    t.after(() => backend.close());
    const [one, two] = await Promise.all([serial(backend.origin, 1), parallel(backend.origin, 1)]);
    assert.deepEqual(one, two);
    assert.equal(one.user.name, 'Ada');
  });
});

describe('examples/web-handler.ts', () => {
  test('a page view calls both services at once and renders them, escaped', {
    timeout: 10_000,
  }, async (t) => {
    const backend = await fakeBackend(t, {
      user: { id: 2, name: '<Ada & "Bob">' },
      holdUserUntilRecommendations: true,
    });
    const pages = await startPageServer(backend.origin);
    t.after(() => pages.close());
    const response = await fetch(pages.url);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    const html = await response.text();
    assert.equal(html, renderPage({ id: 2, name: '<Ada & "Bob">' }, BOOKS));
    assert.match(html, /<h1>Hello, &#60;Ada &#38; &#34;Bob&#34;&#62;<\/h1>/);
    assert.match(html, /<li>Notes<\/li>/);
    assert.equal(backend.maxInFlight, 2);
  });

  test('a failing service gives a 502 page', async (t) => {
    const backend = await fakeBackend(t, { status: 500 });
    const pages = await startPageServer(backend.origin);
    t.after(() => pages.close());
    const response = await fetch(pages.url);
    assert.equal(response.status, 502);
    assert.match(await response.text(), /Bad gateway/);
  });

  test('a visitor who leaves cancels the backend calls still running', {
    timeout: 10_000,
  }, async (t) => {
    const backend = await fakeBackend(t, { hold: true });
    // No total timeout: only the handler's cancellation can end the held backend calls.
    const api = new FuturesSession({ baseURL: backend.origin, timeout: { total: false } });
    const pages = await startServer(t, pageHandler(api));
    const visitor = new AbortController();
    const visit = fetch(pages.origin, { signal: visitor.signal }).catch((error: unknown) => error);
    await backend.bothArrived;
    assert.equal(api.executor.active, 2);
    visitor.abort();
    assert.equal(((await visit) as Error).name, 'AbortError');
    await Promise.all(backend.seen.map((request) => request.socketClosed));
    await api.close();
    assert.equal(api.executor.completed, 2);
  });
});

describe('runnable examples', () => {
  test('each example runs standalone against its own backend and exits 0', async () => {
    const outputs = await Promise.all(
      ['serial.ts', 'parallel.ts', 'web-handler.ts'].map((file) =>
        run(process.execPath, ['--import', 'tsx', `examples/${file}`], { cwd: ROOT }),
      ),
    );
    for (const { stdout } of outputs) assert.match(stdout, /Ada/);
    assert.match(outputs[2]?.stdout ?? '', /^200 <!doctype html>/);
  });
});
