import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { brotliCompressSync, constants, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { BodyTooLargeError, ResponseParseError } from '../../src/index.ts';
import { startServer } from '../helpers/server.ts';
import { type Echo, echo, openSession } from './fixtures.ts';

const CODECS: Record<string, (input: Buffer) => Buffer> = {
  gzip: (input) => gzipSync(input),
  'x-gzip': (input) => gzipSync(input),
  deflate: (input) => deflateSync(input),
  'deflate (raw)': (input) => deflateRawSync(input),
  br: (input) => brotliCompressSync(input),
};

/** A server sending `body` encoded with `codec`. */
async function encoded(t: Parameters<typeof startServer>[0], codec: string, body: Buffer) {
  const encoding = codec.split(' ')[0] as string;
  const bytes = (CODECS[codec] as (input: Buffer) => Buffer)(body);
  return startServer(t, (_request, response) => {
    response.writeHead(200, { 'content-encoding': encoding, 'content-type': 'text/plain' });
    response.end(bytes);
  });
}

const small = Buffer.from('hello, compressed world '.repeat(50));
// Random bytes do not compress: large enough to take the asynchronous path.
const large = randomBytes(200 * 1024);

for (const codec of Object.keys(CODECS)) {
  test(`${codec}: a small body is decoded`, async (t) => {
    const server = await encoded(t, codec, small);
    const session = openSession(t, { baseURL: server.origin });
    const response = await session.get('/');
    assert.equal(response.text, small.toString());
  });

  test(`${codec}: a large body is decoded`, async (t) => {
    const server = await encoded(t, codec, large);
    const session = openSession(t, { baseURL: server.origin });
    const response = await session.get('/');
    assert.ok(Buffer.from(response.content).equals(large));
  });

  test(`${codec}: a streamed body is decoded`, async (t) => {
    const server = await encoded(t, codec, large);
    const session = openSession(t, { baseURL: server.origin });
    const response = await session.get('/', { stream: true });
    const chunks: Buffer[] = [];
    for await (const chunk of response.body ?? []) chunks.push(chunk as Buffer);
    assert.ok(Buffer.concat(chunks).equals(large));
  });
}

test('accept-encoding asks for gzip, deflate and br', async (t) => {
  const server = await startServer(t, echo);
  const session = openSession(t, { baseURL: server.origin });
  const seen = (await session.get('/')).json<Echo>();
  assert.equal(seen.headers['accept-encoding'], 'gzip, deflate, br');
});

test('decompress: false leaves the bytes and does not ask for encodings', async (t) => {
  const bytes = gzipSync(small);
  const server = await startServer(t, (request, response) => {
    response.writeHead(200, {
      'content-encoding': 'gzip',
      'x-accept-encoding': String(request.headers['accept-encoding']),
    });
    response.end(bytes);
  });
  const session = openSession(t, { baseURL: server.origin, decompress: false });
  const response = await session.get('/');
  assert.ok(Buffer.from(response.content).equals(bytes));
  assert.equal(response.headers['content-encoding'], 'gzip');
  assert.equal(response.headers['x-accept-encoding'], 'undefined');
});

test('a gzip bomb (50 MB of zeros) fails cleanly with BodyTooLargeError', async (t) => {
  const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
  assert.ok(bomb.length < 100 * 1024);
  const server = await startServer(t, (_request, response) => {
    response.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb);
  });
  const session = openSession(t, { baseURL: server.origin, maxBodySize: 1024 * 1024 });
  const error = await session.get('/').catch((e: unknown) => e);
  assert.ok(error instanceof BodyTooLargeError);
  assert.match(error.message, /maxBodySize \(1048576 bytes\)/);
  // The session still works afterwards.
  assert.equal((await session.get('/', { decompress: false })).content.length, bomb.length);
});

test('a gzip bomb bigger than the default maxBodySize (64 MiB) fails', async (t) => {
  const bomb = gzipSync(Buffer.alloc(80 * 1024 * 1024), { level: 9 });
  const server = await startServer(t, (_request, response) => {
    response.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb);
  });
  const session = openSession(t, { baseURL: server.origin });
  await assert.rejects(session.get('/'), BodyTooLargeError);
});

test('a brotli bomb fails with BodyTooLargeError', async (t) => {
  const bomb = brotliCompressSync(Buffer.alloc(20 * 1024 * 1024), {
    params: { [constants.BROTLI_PARAM_QUALITY]: 5 },
  });
  const server = await startServer(t, (_request, response) => {
    response.writeHead(200, { 'content-encoding': 'br' }).end(bomb);
  });
  const session = openSession(t, { baseURL: server.origin, maxBodySize: 1024 * 1024 });
  await assert.rejects(session.get('/'), BodyTooLargeError);
});

test('a streamed gzip bomb fails with BodyTooLargeError while reading', async (t) => {
  const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
  const server = await startServer(t, (_request, response) => {
    response.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb);
  });
  const session = openSession(t, { baseURL: server.origin, maxBodySize: 1024 * 1024 });
  const response = await session.get('/', { stream: true });
  let received = 0;
  await assert.rejects(async () => {
    for await (const chunk of response.body ?? []) received += (chunk as Buffer).length;
  }, BodyTooLargeError);
  assert.ok(received <= 1024 * 1024);
});

test('a corrupt gzip body fails with ResponseParseError', async (t) => {
  const server = await startServer(t, (_request, response) => {
    response.writeHead(200, { 'content-encoding': 'gzip' }).end('not gzip at all');
  });
  const session = openSession(t, { baseURL: server.origin });
  await assert.rejects(session.get('/'), ResponseParseError);
});

test('stacked encodings are undone in reverse order', async (t) => {
  const bytes = brotliCompressSync(gzipSync(small));
  const server = await startServer(t, (_request, response) => {
    response.writeHead(200, { 'content-encoding': 'gzip, br' }).end(bytes);
  });
  const session = openSession(t, { baseURL: server.origin });
  assert.equal((await session.get('/')).text, small.toString());
});
