import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { FuturesSession, Trace } from '../../src/index.ts';
import { deferred, startServer } from '../helpers/server.ts';

const TOKEN = 'tok-5ecret-value';
const BEARER = 'Bearer auth-5ecret-value';
const WIDE = { breakLength: Number.POSITIVE_INFINITY };
const MS = String.raw`\d+(?:\.\d)? ms`;

test('a trace prints its name, times and counts, and a line per request while depth allows', async (t) => {
  const release = deferred();
  const server = await startServer(t, async (request, response) => {
    if (request.url?.startsWith('/held')) await release.promise;
    response.statusCode = request.url?.startsWith('/missing') ? 404 : 200;
    response.end('ok');
  });
  const session = new FuturesSession({
    baseURL: server.origin,
    headers: { authorization: BEARER },
  });
  t.after(() => session.close());
  const trace = new Trace({ name: 'home page' });
  const api = trace.bind(session);
  await api.get(`/user?token=${TOKEN}`);
  await api.get('/missing');
  const held = api.get(`/held?token=${TOKEN}`);
  const open = inspect(trace, WIDE);
  assert.match(
    open,
    new RegExp(
      String.raw`^Trace 'home page' \{ wallTime: ${MS}, ended: false, requests: \[ ` +
        String.raw`RequestRecord #1 GET ${server.origin}/user\?token=REDACTED \{ outcome: 'ok', status: 200, elapsed: ${MS}, blocked: ${MS} \}, ` +
        String.raw`RequestRecord #2 GET ${server.origin}/missing \{ outcome: 'ok', status: 404, elapsed: ${MS}, blocked: ${MS} \}, ` +
        String.raw`RequestRecord #3 GET ${server.origin}/held\?token=REDACTED \{ outcome: 'pending' \} \], ` +
        String.raw`pending: 1, blocked: ${MS} \}$`,
    ),
  );
  release.resolve();
  await held;
  trace.end();
  const ended = inspect(trace, { depth: 0, ...WIDE });
  assert.match(
    ended,
    new RegExp(
      String.raw`^Trace 'home page' \{ wallTime: ${MS}, ended: true, requests: 3, blocked: ${MS} \}$`,
    ),
  );
  // With the default depth and breakLength: a field a line, the records a line each.
  assert.match(
    inspect(trace),
    /^Trace 'home page' \{\n {2}wallTime: .*\n {2}ended: true,\n {2}requests: \[\n {4}RequestRecord #1 GET /,
  );
  for (const shown of [open, ended, inspect(trace, { depth: 10, showHidden: true })]) {
    assert.doesNotMatch(shown, /5ecret/);
  }
});

test("a trace's redactParams decide what its records print", async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.end('ok');
  });
  const session = new FuturesSession({ baseURL: server.origin });
  t.after(() => session.close());
  const trace = new Trace({ redactParams: ['page'] });
  await trace.bind(session).get('/list?page=7&token=visible');
  assert.match(
    inspect(trace.requests[0], WIDE),
    new RegExp(
      String.raw`^RequestRecord #1 GET ${server.origin}/list\?page=REDACTED&token=visible \{ outcome: 'ok', status: 200, elapsed: ${MS}, blocked: ${MS} \}$`,
    ),
  );
});
