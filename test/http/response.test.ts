import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { HTTPError, InvalidRequestError, ResponseParseError } from '../../src/index.ts';
import { startServer } from '../helpers/server.ts';
import { openSession } from './fixtures.ts';

test('status, ok, reason and lower-case headers; set-cookie is an array', async (t) => {
  const server = await startServer(t, (request, response) => {
    if (request.url === '/teapot') {
      response.writeHead(418, 'Short And Stout', { 'X-Custom': 'Yes' }).end();
      return;
    }
    response.setHeader('Set-Cookie', ['a=1', 'b=2']);
    response.setHeader('X-Multi', ['one', 'two']);
    response.writeHead(201, { 'Content-Type': 'text/plain' }).end('made');
  });
  const session = openSession(t, { baseURL: server.origin });
  const created = await session.post('/');
  assert.equal(created.status, 201);
  assert.equal(created.ok, true);
  assert.equal(created.reason, 'Created');
  assert.equal(created.headers['content-type'], 'text/plain');
  assert.deepEqual(created.headers['set-cookie'], ['a=1', 'b=2']);
  assert.equal(created.headers['x-multi'], 'one, two');
  assert.equal(created.headers['Content-Type'], undefined);
  const teapot = await session.get('/teapot');
  assert.equal(teapot.status, 418);
  assert.equal(teapot.ok, false);
  assert.equal(teapot.reason, 'Short And Stout');
  assert.equal(teapot.headers['x-custom'], 'Yes');
});

test('response headers named like Object.prototype members are data; one set-cookie is an array', async (t) => {
  const server = await startServer(t, (_request, response) => {
    response
      .writeHead(
        200,
        [
          ['__proto__', 'p1'],
          ['__Proto__', 'p2'],
          ['Constructor', 'c'],
          ['Set-Cookie', 'only=1'],
          ['X-Repeat', 'a'],
          ['x-repeat', 'b'],
        ].flat(),
      )
      .end();
  });
  const session = openSession(t, { baseURL: server.origin });
  const { headers } = await session.get('/');
  assert.equal(Object.getPrototypeOf(Object.getPrototypeOf(headers)), null);
  const proto = '__proto__';
  assert.ok(Object.hasOwn(headers, proto));
  assert.equal(headers[proto], 'p1, p2');
  assert.equal(headers.constructor, 'c');
  assert.equal(headers.hasOwnProperty, undefined);
  assert.deepEqual(headers['set-cookie'], ['only=1']);
  assert.equal(headers['x-repeat'], 'a, b');
});

test('url is the final URL; history and elapsed are set', async (t) => {
  const server = await startServer(t, (request, response) => {
    if (request.url === '/start') response.writeHead(301, { location: '/end?q=1' }).end();
    else response.end('end');
  });
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.get('/start');
  assert.equal(response.url, `${server.origin}/end?q=1`);
  assert.equal(response.history.length, 1);
  assert.equal(response.history[0]?.url, `${server.origin}/start`);
  assert.equal(typeof response.elapsed, 'number');
  assert.ok(response.elapsed > 0 && response.elapsed < 30_000);
});

test('request records method, url and headers as sent', async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.end();
  });
  const session = openSession(t, { baseURL: server.origin, headers: { 'x-session': '1' } });
  const response = await session.put('/thing', {
    params: { v: 2 },
    json: {},
    headers: { 'X-Call': 'c' },
  });
  assert.equal(response.request.method, 'PUT');
  assert.equal(response.request.url, `${server.origin}/thing?v=2`);
  assert.equal(response.request.headers['x-session'], '1');
  assert.equal(response.request.headers['x-call'], 'c');
  assert.equal(response.request.headers['content-type'], 'application/json');
});

test('printing the request redacts Authorization, Cookie and Proxy-Authorization', async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.end();
  });
  const session = openSession(t, {
    baseURL: server.origin,
    auth: { username: 'alice', password: 'hunter2-password' },
  });
  session.cookies?.set(`${server.origin}/`, 'session=cookie-secret-value');
  const response = await session.get('/', {
    headers: { 'Proxy-Authorization': 'Basic proxy-secret-token' },
  });
  const sent = response.request.headers;
  assert.match(sent.authorization ?? '', /^Basic /);
  assert.equal(sent.cookie, 'session=cookie-secret-value');
  const secrets = [
    Buffer.from('alice:hunter2-password').toString('base64'),
    'hunter2',
    'cookie-secret-value',
    'proxy-secret-token',
  ];
  for (const printed of [
    inspect(response.request),
    inspect(response.request, { depth: 10, showHidden: true }),
    JSON.stringify(response.request),
    JSON.stringify({ request: response.request }),
    inspect(response),
    String(response.request),
  ]) {
    for (const secret of secrets) assert.ok(!printed.includes(secret), `${secret} in ${printed}`);
  }
  assert.match(JSON.stringify(response.request), /"authorization":"\[REDACTED\]"/);
  assert.match(inspect(response.request), /REDACTED/);
});

test('content is a Uint8Array of the body bytes', async (t) => {
  const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
  const server = await startServer(t, (_request, response) => {
    response.end(bytes);
  });
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.get('/');
  assert.ok(response.content instanceof Uint8Array);
  assert.deepEqual([...response.content], [...bytes]);
});

for (const [type, bytes, text] of [
  ['text/plain; charset=ISO-8859-1', [0x63, 0x61, 0x66, 0xe9], 'café'],
  ['text/plain; charset="latin1"', [0xe9, 0xe8], 'éè'],
  ['text/plain;charset=windows-1252', [0xe0, 0x20, 0x6c, 0xe0], 'à là'],
  ['text/plain; charset=UTF-16LE', [0x41, 0x00, 0xe9, 0x00], 'Aé'],
  ['text/plain; charset=utf-8', [0x63, 0xc3, 0xa9], 'cé'],
  ['text/plain', [0xe2, 0x9c, 0x93], '✓'],
  [undefined, [0xc3, 0xa9], 'é'],
  ['text/plain; charset=no-such-charset', [0xc3, 0xa9], 'é'],
] as const) {
  test(`text decodes by charset (${type ?? 'no content-type'})`, async (t) => {
    const server = await startServer(t, (_request, response) => {
      if (type !== undefined) response.setHeader('content-type', type);
      response.end(Buffer.from(bytes));
    });
    const session = openSession(t, { baseURL: server.origin });
    assert.equal((await session.get('/')).text, text);
  });
}

test('json() parses once and returns the same value', async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end('{"list":[1,2],"name":"x"}');
  });
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.get('/');
  const first = response.json<{ list: number[]; name: string }>();
  assert.deepEqual(first, { list: [1, 2], name: 'x' });
  assert.equal(response.json(), first);
});

test('invalid JSON → ResponseParseError with a short snippet', async (t) => {
  const body = `<html>${'x'.repeat(5_000)}</html>`;
  const server = await startServer(t, (_request, response) => {
    response.end(body);
  });
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.get('/page');
  const error = (() => {
    try {
      response.json();
    } catch (e) {
      return e;
    }
  })();
  assert.ok(error instanceof ResponseParseError);
  assert.equal(error.code, 'FANOUT_RESPONSE_PARSE');
  assert.match(error.message, /<html>x+…/);
  assert.match(error.message, /GET http:\/\/127\.0\.0\.1:\d+\/page$/);
  assert.ok(error.message.length < 300, `message of ${error.message.length} chars`);
});

test('raiseForStatus() throws HTTPError for 4xx and 5xx, returns the response otherwise', async (t) => {
  const server = await startServer(t, (request, response) => {
    response.writeHead(Number(request.url?.slice(1))).end();
  });
  const session = openSession(t, { baseURL: server.origin, redirect: false, retry: false });
  for (const status of [200, 204, 304, 302]) {
    const response = await session.get(`/${status}`);
    assert.equal(response.raiseForStatus(), response);
  }
  for (const status of [400, 404, 451, 500, 503]) {
    const response = await session.get(`/${status}`);
    const error = (() => {
      try {
        response.raiseForStatus();
      } catch (e) {
        return e;
      }
    })();
    assert.ok(error instanceof HTTPError, `status ${status}`);
    assert.equal(error.response, response);
    assert.equal(error.code, 'FANOUT_HTTP_STATUS');
    assert.match(
      error.message,
      new RegExp(`^HTTP ${status} .*: GET http://127\\.0\\.0\\.1:\\d+/${status}$`),
    );
  }
});

test('an empty body gives empty content and text', async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.writeHead(204).end();
  });
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.get('/');
  assert.equal(response.content.length, 0);
  assert.equal(response.text, '');
});

test('the content-length of a HEAD response is not a body: maxBodySize does not apply', async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.writeHead(200, { 'content-length': String(100 * 1024 * 1024) });
    response.end();
  });
  const session = openSession(t, { baseURL: server.origin, maxBodySize: 1024, retry: false });
  const head = await session.head('/');
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-length'], String(100 * 1024 * 1024));
  assert.equal(head.content.length, 0);
  await assert.rejects(session.get('/'), { name: 'BodyTooLargeError' });
});

test('clone() copies headers, body, request and history: changing one never reaches the other', async (t) => {
  const server = await startServer(t, (request, response) => {
    if (request.url === '/start') {
      response.writeHead(302, { location: '/end' }).end();
      return;
    }
    response.setHeader('Set-Cookie', ['a=1', 'b=2']);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"n":1}');
  });
  const session = openSession(t, { baseURL: server.origin });
  const original = await session.get('/start');
  const parsed = original.json<{ n: number }>();
  const clone = original.clone();

  assert.notEqual(clone, original);
  assert.equal(clone.status, 200);
  assert.equal(clone.reason, original.reason);
  assert.equal(clone.url, original.url);
  assert.equal(clone.elapsed, original.elapsed);
  assert.deepEqual({ ...clone.headers }, { ...original.headers });
  assert.deepEqual(clone.json(), { n: 1 });
  assert.notEqual(clone.json(), parsed, 'the clone parses its own value');
  assert.equal(clone.history.length, 1);
  assert.notEqual(clone.history[0], original.history[0]);
  assert.equal(clone.history[0]?.status, 302);

  (clone.headers as Record<string, unknown>)['x-added'] = 'clone';
  (clone.headers['set-cookie'] as string[]).push('c=3');
  clone.content[0] = 0x20;
  clone.request.headers['x-request'] = 'clone';
  (clone.history[0]?.headers as Record<string, unknown>).location = '/elsewhere';
  assert.equal(original.headers['x-added'], undefined);
  assert.deepEqual(original.headers['set-cookie'], ['a=1', 'b=2']);
  assert.equal(original.text, '{"n":1}');
  assert.equal(original.request.headers['x-request'], undefined);
  assert.equal(original.history[0]?.headers.location, '/end');
});

test('clone() of a streamed response throws InvalidRequestError: its body is read once', async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.end('streamed');
  });
  const session = openSession(t, { baseURL: server.origin });
  const response = await session.get('/', { stream: true });
  t.after(() => response.body?.destroy());
  assert.throws(() => response.clone(), InvalidRequestError);
  assert.throws(() => response.clone(), /A streamed response cannot be cloned/);
});
