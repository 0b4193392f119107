import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidURLError } from '../../src/index.ts';
import { startServer } from '../helpers/server.ts';
import { type Echo, echo, openSession } from './fixtures.ts';

test('dot segments in a path joined to baseURL are resolved below the base path before sending', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: `${server.origin}/api/v1/` });
  const cases: [string, string][] = [
    ['a/../b', '/api/v1/b'],
    ['./b', '/api/v1/b'],
    ['/a/./b', '/api/v1/a/b'],
    ['a/%2e%2e/b', '/api/v1/b'],
    ['a/.%2E/b', '/api/v1/b'],
    ['a/%2E/b', '/api/v1/a/b'],
    ['a\\..\\b', '/api/v1/b'],
    ['a/.\t./b', '/api/v1/b'],
    ['a/..', '/api/v1/'],
    ['.', '/api/v1/'],
    ['a/b/..?q=1', '/api/v1/a/?q=1'],
    // The query is data: its dot segments are sent as they are.
    ['a/./b?next=/../admin', '/api/v1/a/b?next=/../admin'],
    // Not dot segments: sent as they are.
    ['.well-known/x', '/api/v1/.well-known/x'],
    ['a/...', '/api/v1/a/...'],
    ['a/..b', '/api/v1/a/..b'],
  ];
  for (const [path, sent] of cases) {
    assert.equal((await session.get(path)).json<Echo>().url, sent, JSON.stringify(path));
  }
});

test('a path that climbs above the base path is an InvalidURLError naming the path and the base, with nothing sent', async (t) => {
  let requests = 0;
  const server = await startServer(t, (request, response) => {
    requests++;
    void echo(request, response);
  });
  const session = openSession(t, { baseURL: `${server.origin}/api/v1/` });
  for (const path of [
    '../admin',
    '/../admin',
    'a/../../admin',
    '..',
    '%2e%2e/admin',
    '.%2E/admin',
    '%2E./admin',
    '..\\admin',
    '.\t./admin',
    './../admin',
  ]) {
    await assert.rejects(
      session.get(path),
      (error: unknown) =>
        error instanceof InvalidURLError &&
        error.message ===
          `${JSON.stringify(path)} would climb above the path of the session baseURL "${server.origin}/api/v1": a ".." may only remove segments the path itself adds`,
      JSON.stringify(path),
    );
  }
  // One that climbs and comes back is refused too: the base path is the root of the joined path.
  await assert.rejects(session.get('../v1/x'), InvalidURLError);
  assert.equal(requests, 0);
});

test('a path that climbs above a baseURL without a path is refused; the error redacts secrets', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  assert.equal((await session.get('a/../b')).json<Echo>().url, '/b');
  await assert.rejects(session.get('/../x?token=s3cret&page=2'), (error: unknown) => {
    assert.ok(error instanceof InvalidURLError);
    assert.equal(
      error.message,
      `"/../x?token=REDACTED&page=2" would climb above the path of the session baseURL "${server.origin}/": a ".." may only remove segments the path itself adds`,
    );
    return true;
  });
});

test('absolute URLs are not joined to the base: allowAbsoluteURLs strings and URL objects resolve dot segments as WHATWG URL does', async (t) => {
  const server = await startServer(t, echo);
  const open = openSession(t, { baseURL: `${server.origin}/api/v1`, allowAbsoluteURLs: true });
  // Clamped at the origin's root, never checked against the base path: the caller chose the URL.
  assert.equal((await open.get(`${server.origin}/api/../x`)).json<Echo>().url, '/x');
  assert.equal((await open.get(`${server.origin}/../../x`)).json<Echo>().url, '/x');
  const closed = openSession(t, { baseURL: `${server.origin}/api/v1` });
  assert.equal((await closed.get(new URL(`${server.origin}/a/%2e%2e/y`))).json<Echo>().url, '/y');
});
