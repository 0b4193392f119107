import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BodyTooLargeError, Session, TimeoutError } from '../../src/index.ts';
import { type Httpbin, startHttpbin } from '../helpers/httpbin.ts';

// Interop against real httpbin (Debian python3-httpbin under gunicorn), as requests is tested.
interface Echo {
  args: Record<string, string | string[]>;
  headers: Record<string, string>;
  form: Record<string, string | string[]>;
  files: Record<string, string>;
  json: unknown;
  data: string;
  url: string;
  cookies: Record<string, string>;
  gzipped?: boolean;
  deflated?: boolean;
  brotli?: boolean;
}

let httpbin: Httpbin;
let session: Session;

before(async () => {
  httpbin = await startHttpbin();
  session = new Session({ baseURL: httpbin.origin, retry: { baseDelay: 1, maxDelay: 5 } });
});
after(async () => {
  await session?.close();
  await httpbin?.stop();
});

describe('httpbin interop', () => {
  test('/get echoes params, arrays repeated, merged over session params', async () => {
    const scoped = new Session({ baseURL: httpbin.origin, params: { app: 'shop', page: 1 } });
    after(() => scoped.close());
    const response = await scoped.get('/get', { params: { page: 2, tag: ['a', 'b'], q: 'x y' } });
    assert.equal(response.status, 200);
    assert.deepEqual(response.json<Echo>().args, {
      app: 'shop',
      page: '2',
      tag: ['a', 'b'],
      q: 'x y',
    });
  });

  test('/post with json, form and multipart', async () => {
    const json = await session.post('/post', { json: { id: 7, tags: ['a'] } });
    assert.deepEqual(json.json<Echo>().json, { id: 7, tags: ['a'] });
    assert.equal(json.json<Echo>().headers['Content-Type'], 'application/json');

    const form = await session.post('/post', { form: { name: 'Ada', lang: ['en', 'fr'] } });
    assert.deepEqual(form.json<Echo>().form, { name: 'Ada', lang: ['en', 'fr'] });

    const data = new FormData();
    data.append('field', 'value');
    data.append('upload', new Blob(['file body\n'], { type: 'text/plain' }), 'notes.txt');
    const multipart = await session.post('/post', { body: data });
    const echo = multipart.json<Echo>();
    assert.deepEqual(echo.form, { field: 'value' });
    assert.deepEqual(echo.files, { upload: 'file body\n' });
    assert.match(echo.headers['Content-Type'] ?? '', /^multipart\/form-data; boundary=/);
  });

  test('/headers shows session headers, request overrides, and null removal', async () => {
    const scoped = new Session({
      baseURL: httpbin.origin,
      headers: { 'X-App': 'shop', 'X-Drop': 'me' },
    });
    after(() => scoped.close());
    const response = await scoped.get('/headers', {
      headers: { 'x-app': 'override', 'X-Drop': null },
    });
    const headers = response.json<Echo>().headers;
    assert.equal(headers['X-App'], 'override');
    assert.equal(headers['X-Drop'], undefined);
    assert.equal(headers['User-Agent'], 'fanout/0.1');
  });

  test('/cookies/set stores cookies across a redirect and /cookies sends them back', async () => {
    const scoped = new Session({ baseURL: httpbin.origin });
    after(() => scoped.close());
    const set = await scoped.get('/cookies/set', { params: { flavour: 'oat', size: 'xl' } });
    assert.equal(set.history.length, 1, 'httpbin answers /cookies/set with a redirect to /cookies');
    assert.deepEqual(set.json<Echo>().cookies, { flavour: 'oat', size: 'xl' });
    const later = await scoped.get('/cookies');
    assert.deepEqual(later.json<Echo>().cookies, { flavour: 'oat', size: 'xl' });
    assert.deepEqual(scoped.cookies?.get(`${httpbin.origin}/`), { flavour: 'oat', size: 'xl' });
  });

  test('per-request cookies are sent once and not stored', async () => {
    const scoped = new Session({ baseURL: httpbin.origin });
    after(() => scoped.close());
    const once = await scoped.get('/cookies', { cookies: { promo: 'x1' } });
    assert.deepEqual(once.json<Echo>().cookies, { promo: 'x1' });
    const next = await scoped.get('/cookies');
    assert.deepEqual(next.json<Echo>().cookies, {});
  });

  test('/redirect/5 follows five redirects with their history', async () => {
    const response = await session.get('/redirect/5');
    assert.equal(response.status, 200);
    assert.equal(response.history.length, 5);
    assert.equal(response.url, `${httpbin.origin}/get`);
    assert.ok(response.history.every((hop) => hop.status === 302));
  });

  test('/redirect-to another origin drops Authorization and cookies of the first', async () => {
    const scoped = new Session({ baseURL: httpbin.origin });
    after(() => scoped.close());
    await scoped.get('/cookies/set', { params: { secret: 'first-origin' } });
    const response = await scoped.get('/redirect-to', {
      params: { url: `${httpbin.otherOrigin}/headers` },
      auth: { bearer: 'token-123' },
    });
    assert.equal(response.url, `${httpbin.otherOrigin}/headers`);
    const headers = response.json<Echo>().headers;
    assert.equal(headers.Authorization, undefined);
    assert.equal(headers.Cookie, undefined);
    assert.equal(response.history[0]?.request.headers.authorization, 'Bearer token-123');
  });

  test('/redirect-to the same origin keeps Authorization', async () => {
    const response = await session.get('/redirect-to', {
      params: { url: '/headers' },
      auth: { bearer: 'token-123' },
    });
    assert.equal(response.json<Echo>().headers.Authorization, 'Bearer token-123');
  });

  test('/redirect-to?url=get and ?url=status/404', async () => {
    assert.equal((await session.get('/redirect-to', { params: { url: 'get' } })).status, 200);
    assert.equal(
      (await session.get('/redirect-to', { params: { url: 'status/404' } })).status,
      404,
    );
  });

  test('/basic-auth accepts the right credentials and refuses wrong ones', async () => {
    const ok = await session.get('/basic-auth/ada/s3cret', {
      auth: { username: 'ada', password: 's3cret' },
    });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json(), { authenticated: true, user: 'ada' });
    const wrong = await session.get('/basic-auth/ada/s3cret', {
      auth: { username: 'ada', password: 'nope' },
    });
    assert.equal(wrong.status, 401);
  });

  // httpbin's /bearer strips the characters of "Bearer " from the token's start: tokens avoid them.
  test('/bearer with a bearer token and with a signing function', async () => {
    const token = await session.get('/bearer', { auth: { bearer: 'xyz' } });
    assert.deepEqual(token.json(), { authenticated: true, token: 'xyz' });
    const signed = await session.get('/bearer', {
      auth: ({ request }) => {
        request.headers.authorization = `Bearer signed-${request.method}`;
      },
    });
    assert.deepEqual(signed.json(), { authenticated: true, token: 'signed-GET' });
    assert.equal((await session.get('/bearer')).status, 401);
  });

  test('/status/503 is retried twice by default, then returned', async () => {
    const delays: number[] = [];
    const response = await session.get('/status/503', {
      hooks: { beforeRetry: [({ delay }) => void delays.push(delay)] },
    });
    assert.equal(response.status, 503);
    assert.equal(delays.length, 2);
    assert.ok(delays.every((delay) => delay >= 0 && delay <= 5));
  });

  test('/status/503 is not retried for POST unless asked', async () => {
    let retries = 0;
    const hooks = { beforeRetry: [() => void retries++] };
    await session.post('/status/503', { hooks });
    assert.equal(retries, 0);
    await session.post('/status/503', { hooks, retry: { methods: ['POST'], limit: 1 } });
    assert.equal(retries, 1);
  });

  test('/response-headers sets Retry-After that a retried status honours', async () => {
    // httpbin cannot send 503 with Retry-After; its /response-headers shows the header parsing.
    const response = await session.get('/response-headers', {
      params: { 'Retry-After': '0', 'X-Multi': ['a', 'b'] },
    });
    assert.equal(response.headers['retry-after'], '0');
    assert.equal(response.headers['x-multi'], 'a, b');
  });

  test('/delay beyond the timeout fails with TimeoutError', async () => {
    await assert.rejects(
      session.get('/delay/3', { timeout: { headers: 300 }, retry: false }),
      (error: unknown) => {
        assert.ok(error instanceof TimeoutError);
        assert.equal(error.phase, 'headers');
        assert.match(error.message, /GET http:\/\/127\.0\.0\.1:\d+\/delay\/3/);
        return true;
      },
    );
    await assert.rejects(session.get('/delay/3', { timeout: 300 }), (error: unknown) => {
      assert.ok(error instanceof TimeoutError);
      assert.equal(error.phase, 'total');
      return true;
    });
  });

  test('/gzip, /deflate and /brotli are decoded', async () => {
    assert.equal((await session.get('/gzip')).json<Echo>().gzipped, true);
    assert.equal((await session.get('/deflate')).json<Echo>().deflated, true);
    assert.equal((await session.get('/brotli')).json<Echo>().brotli, true);
    const raw = await session.get('/gzip', { decompress: false });
    assert.deepEqual([...raw.content.subarray(0, 2)], [0x1f, 0x8b]);
  });

  test('/stream/20 buffered and streamed', async () => {
    const buffered = await session.get('/stream/20');
    assert.equal(buffered.text.trim().split('\n').length, 20);
    const streamed = await session.get('/stream/20', { stream: true });
    let text = '';
    for await (const chunk of streamed.body ?? []) text += chunk;
    assert.equal(text.trim().split('\n').length, 20);
  });

  test('/bytes gives exact bytes, and maxBodySize refuses a larger body', async () => {
    const response = await session.get('/bytes/4096', { params: { seed: 1 } });
    assert.equal(response.content.length, 4096);
    await assert.rejects(session.get('/bytes/4096', { maxBodySize: 1000 }), BodyTooLargeError);
    assert.equal((await session.get('/bytes/10')).content.length, 10, 'the pool still works');
  });

  test('/encoding/utf8 and /base64 decode as UTF-8 text', async () => {
    const page = await session.get('/encoding/utf8');
    assert.match(String(page.headers['content-type']), /charset=utf-8/);
    assert.equal(page.text, new TextDecoder().decode(page.content));
    assert.ok(page.text.length > 0);
    // Debian's httpbin ships a stub UTF-8 page, so multi-byte text comes from /base64.
    const math = await session.get('/base64/4oiuIEXii4VkYSA9IFEsIG4g4oaSIOKIng==');
    assert.equal(math.text, '∮ E⋅da = Q, n → ∞');
  });
});
