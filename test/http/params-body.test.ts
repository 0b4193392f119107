import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { deferred, startServer } from '../helpers/server.ts';
import { type Echo, echo, openSession } from './fixtures.ts';

test('params as an object with arrays', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  const seen = (
    await session.get('/s', {
      params: { q: 'a b&c', tag: ['x', 'y'], n: 1, on: true, skip: undefined },
    })
  ).json<Echo>();
  assert.equal(seen.url, '/s?q=a+b%26c&tag=x&tag=y&n=1&on=true');
});

test('params as URLSearchParams keep repeated keys', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  const params = new URLSearchParams([
    ['k', '1'],
    ['k', '2'],
  ]);
  assert.equal((await session.get('/s', { params })).json<Echo>().url, '/s?k=1&k=2');
});

test('json sets the body and content-type', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  const seen = (await session.post('/', { json: { a: [1, 'é'] } })).json<Echo>();
  assert.equal(seen.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(seen.body), { a: [1, 'é'] });
  assert.equal(seen.headers['content-length'], String(Buffer.byteLength(seen.body)));
});

test('a content-type header given wins over the implied one', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  const seen = (
    await session.post('/', { json: 1, headers: { 'Content-Type': 'application/vnd.x+json' } })
  ).json<Echo>();
  assert.equal(seen.headers['content-type'], 'application/vnd.x+json');
});

test('form is sent urlencoded', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  const seen = (await session.post('/', { form: { name: 'a b', list: ['1', '2'] } })).json<Echo>();
  assert.equal(seen.headers['content-type'], 'application/x-www-form-urlencoded');
  assert.equal(seen.body, 'name=a+b&list=1&list=2');
});

test('body as a string', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  const seen = (await session.put('/', { body: 'plain ✓' })).json<Echo>();
  assert.equal(seen.body, 'plain ✓');
  assert.equal(seen.headers['content-length'], String(Buffer.byteLength('plain ✓')));
});

test('body as bytes (Uint8Array and ArrayBuffer)', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  const bytes = new TextEncoder().encode('bytes!');
  assert.equal((await session.put('/', { body: bytes })).json<Echo>().body, 'bytes!');
  assert.equal(
    (await session.put('/', { body: bytes.buffer as ArrayBuffer })).json<Echo>().body,
    'bytes!',
  );
});

test('body as a Node Readable', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  const seen = (await session.put('/', { body: Readable.from(['one ', 'two']) })).json<Echo>();
  assert.equal(seen.body, 'one two');
});

test('body as a web ReadableStream', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode('web '));
      controller.enqueue(encoder.encode('stream'));
      controller.close();
    },
  });
  assert.equal((await session.put('/', { body })).json<Echo>().body, 'web stream');
});

test('body as a Blob sends its type', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  const seen = (
    await session.put('/', { body: new Blob(['blob', 'by'], { type: 'text/x-blob' }) })
  ).json<Echo>();
  assert.equal(seen.body, 'blobby');
  assert.equal(seen.headers['content-type'], 'text/x-blob');
  assert.equal(seen.headers['content-length'], '6');
});

test('multipart FormData with files, parsed on the server', async (t) => {
  const parsed = deferred<{ type: string; fields: [string, string, string | undefined][] }>();
  const server = await startServer(t, async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const type = String(request.headers['content-type']);
    const platform = new Request('http://127.0.0.1/', {
      method: 'POST',
      headers: { 'content-type': type },
      body: Buffer.concat(chunks),
    });
    const form = await platform.formData();
    const fields: [string, string, string | undefined][] = [];
    for (const [name, value] of form) {
      fields.push(
        typeof value === 'string'
          ? [name, value, undefined]
          : [name, await value.text(), `${value.name};${value.type}`],
      );
    }
    parsed.resolve({ type, fields });
    response.end('ok');
  });
  const session = openSession(t, { baseURL: server.origin });
  const form = new FormData();
  form.append('title', 'line 1\nline "2"');
  form.append('doc', new Blob(['file body\r\n'], { type: 'text/plain' }), 'notes.txt');
  form.append('bin', new Blob([new Uint8Array([0, 1, 2, 255])]), 'raw.bin');
  assert.equal((await session.post('/upload', { body: form })).text, 'ok');
  const { type, fields } = await parsed.promise;
  assert.match(type, /^multipart\/form-data; boundary=\S+$/);
  assert.deepEqual(fields.slice(0, 2), [
    ['title', 'line 1\r\nline "2"', undefined],
    ['doc', 'file body\r\n', 'notes.txt;text/plain'],
  ]);
  assert.equal(fields[2]?.[0], 'bin');
  assert.equal(fields[2]?.[2], 'raw.bin;application/octet-stream');
});

test('a multipart body is replayable on 307', async (t) => {
  const bodies: string[] = [];
  const server = await startServer(t, async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    bodies.push(Buffer.concat(chunks).toString('latin1'));
    if (request.url === '/a') response.writeHead(307, { location: '/b' }).end();
    else response.end();
  });
  const session = openSession(t, { baseURL: server.origin });
  const form = new FormData();
  form.append('f', new Blob(['content']), 'f.txt');
  const response = await session.post('/a', { body: form });
  assert.equal(response.status, 200);
  assert.equal(bodies.length, 2);
  assert.equal(bodies[0], bodies[1]);
  assert.match(bodies[1] ?? '', /filename="f.txt"[\s\S]*content/);
});
