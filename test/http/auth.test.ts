import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidOptionError, Session } from '../../src/index.ts';
import { startServer } from '../helpers/server.ts';
import { type Echo, echo, openSession } from './fixtures.ts';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

test('auth { username, password } sends HTTP Basic', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  const seen = (
    await session.get('/', { auth: { username: 'ana', password: 'pä:ss' } })
  ).json<Echo>();
  assert.equal(seen.headers.authorization, basic('ana', 'pä:ss'));
});

test('auth { bearer } sends a bearer token', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin, auth: { bearer: 'tok-1' } });
  assert.equal((await session.get('/')).json<Echo>().headers.authorization, 'Bearer tok-1');
});

test('a bearer token with CR or LF is refused', () => {
  assert.throws(() => new Session({ auth: { bearer: 'a\r\nx-evil: 1' } }), InvalidOptionError);
});

test('credentials in the URL are sent as Basic and kept out of response.url', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t);
  const url = `http://user:se%40cret@127.0.0.1:${server.port}/x`;
  const response = await session.get(url);
  assert.equal(response.json<Echo>().headers.authorization, basic('user', 'se@cret'));
  assert.equal(response.url, `${server.origin}/x`);
});

test('an auth function signs every request on the wire, retries included', async (t) => {
  let hits = 0;
  const server = await startServer(t, (request, response) => {
    hits++;
    response.writeHead(hits === 1 ? 503 : 200);
    response.end(String(request.headers['x-signature']));
  });
  const session = openSession(t, { baseURL: server.origin });
  let signed = 0;
  const response = await session.get('/data?x=1', {
    retry: { limit: 1, baseDelay: 1 },
    auth: async ({ request }) => {
      signed++;
      request.headers['x-signature'] = `${request.method} ${request.path} #${signed}`;
    },
  });
  assert.equal(response.status, 200);
  assert.equal(response.text, 'GET /data?x=1 #2');
  assert.equal(signed, 2);
  assert.equal(response.request.headers['x-signature'], 'GET /data?x=1 #2');
});

test('an auth function error fails the call', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  const boom = new Error('signer down');
  await assert.rejects(
    session.get('/', {
      auth: () => {
        throw boom;
      },
    }),
    (error) => error === boom,
  );
});

test('an invalid auth value is an InvalidOptionError', async (t) => {
  const session = openSession(t);
  await assert.rejects(
    session.get('http://127.0.0.1:1/', { auth: { token: 'x' } as never }),
    InvalidOptionError,
  );
});
