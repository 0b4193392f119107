import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { Session } from '../../src/index.ts';
import { startServer } from '../helpers/server.ts';

const TOKEN = 'tok-5ecret-value';
const BEARER = 'Bearer auth-5ecret-value';
const SECRETS = /5ecret/;
const WIDE = { breakLength: Number.POSITIVE_INFINITY };
const MS = String.raw`\d+(?:\.\d)? ms`;

test('a response prints its status, method, redacted URL, type, size and elapsed time', async (t) => {
  const server = await startServer(t, (request, response) => {
    if (request.url?.startsWith('/moved')) {
      response.writeHead(302, { location: `/final?sig=${TOKEN}&token=${TOKEN}` }).end();
      return;
    }
    response.setHeader('content-type', 'text/plain; charset=utf-8');
    response.setHeader('set-cookie', `session=${TOKEN}`);
    response.end(`body with ${TOKEN}`);
  });
  const session = new Session({
    baseURL: server.origin,
    headers: { authorization: BEARER },
    redactParams: ['sig'],
  });
  t.after(() => session.close());
  const response = await session.get(`/moved?sig=${TOKEN}`);
  const shown = inspect(response, WIDE);
  assert.match(
    shown,
    new RegExp(
      String.raw`^Response 200 OK GET ${server.origin}/final\?sig=REDACTED&token=${TOKEN} \{ type: 'text/plain; charset=utf-8', bytes: 26, redirects: 1, elapsed: ${MS} \}$`,
    ),
  );
  // The session's redactParams decide: `sig` is secret here, `token` is not (it is above).
  const plain = await session.get(`/plain?sig=${TOKEN}`);
  assert.doesNotMatch(inspect(plain, { depth: 10, showHidden: true }), SECRETS);
  assert.doesNotMatch(inspect(plain.history), SECRETS);
  assert.equal(
    inspect({ a: { b: plain } }, { depth: 1, ...WIDE }),
    `{ a: { b: [Response 200 OK GET ${server.origin}/plain?sig=REDACTED] } }`,
  );
});

test('a streamed response prints no size; a long line breaks one field a line', async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.setHeader('content-type', 'application/octet-stream');
    response.end('abc');
  });
  const session = new Session({ baseURL: server.origin });
  t.after(() => session.close());
  const response = await session.get('/s', { stream: true });
  assert.match(
    inspect(response, WIDE),
    new RegExp(`{ type: 'application/octet-stream', bytes: streamed, elapsed: ${MS} }$`),
  );
  assert.match(
    inspect(response, { breakLength: 20 }),
    new RegExp(
      `^Response 200 OK GET ${server.origin}/s \\{\n  type: 'application/octet-stream',\n  bytes: streamed,\n  elapsed: ${MS}\n\\}$`,
    ),
  );
  response.body?.resume();
});

test('a session prints its base URL, limits and whether it is closed, never its secrets', async () => {
  const session = new Session({
    baseURL: 'http://127.0.0.1:9/api/',
    headers: { authorization: BEARER, 'x-api-key': TOKEN },
    timeout: 5_000,
    retry: 1,
    redirect: { max: 3 },
    auth: { username: 'user', password: TOKEN },
  });
  assert.equal(
    inspect(session),
    'Session http://127.0.0.1:9/api { timeout: 5000 ms, retries: 1, maxRedirects: 3, closed: false }',
  );
  assert.equal(session.baseURL, 'http://127.0.0.1:9/api');
  assert.doesNotMatch(inspect(session, { depth: 10, showHidden: true }), SECRETS);
  await session.close();
  assert.match(inspect(session), /closed: true \}$/);
  assert.equal(
    inspect(new Session({ timeout: { total: false }, retry: false })),
    'Session { retries: 0, maxRedirects: 30, closed: false }',
  );
  assert.equal(new Session().baseURL, undefined);
});
