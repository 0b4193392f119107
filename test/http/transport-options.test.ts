import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidOptionError, type RequestOptions, Session } from '../../src/index.ts';
import { startServer } from '../helpers/server.ts';
import { echo, openSession } from './fixtures.ts';

/** Wrong values of each transport option, with the option the error must name. */
const WRONG: readonly (readonly [keyof RequestOptions, unknown])[] = [
  ['proxy', {}],
  ['proxy', { uri: 1 }],
  ['proxy', { uri: 'http://127.0.0.1:1', token: 5 }],
  ['proxy', { uri: 'http://127.0.0.1:1', token: 'a\r\nx: y' }],
  ['proxy', 'not a url'],
  ['proxy', 'ftp://127.0.0.1:1'],
  ['proxy', null],
  ['proxy', 10n],
  ['ca', 10n],
  ['ca', 1],
  ['ca', {}],
  ['ca', ['pem', 2]],
  ['ca', null],
  ['cert', 10n],
  ['cert', ['pem']],
  ['key', Symbol('key')],
  ['key', null],
  ['rejectUnauthorized', 'false'],
];

test('a wrong proxy, ca, cert, key or rejectUnauthorized → InvalidOptionError naming it', () => {
  for (const [name, value] of WRONG) {
    assert.throws(
      () => new Session({ [name]: value }),
      (error: unknown) =>
        error instanceof InvalidOptionError &&
        error.message.startsWith(`Expected \`${name}\` to be `),
      `${name}: ${String(value)}`,
    );
  }
});

test('the same values per request: refused before anything is sent', async (t) => {
  let requests = 0;
  const server = await startServer(t, (request, response) => {
    requests++;
    void echo(request, response);
  });
  const session = openSession(t, { baseURL: server.origin });
  for (const [name, value] of WRONG) {
    const error = await session.get('/', { [name]: value }).catch((e: unknown) => e);
    assert.ok(error instanceof InvalidOptionError, `${name}: ${String(value)} gave ${error}`);
    assert.ok(error.message.startsWith(`Expected \`${name}\` to be `), error.message);
  }
  assert.equal(requests, 0);
  assert.equal((await session.get('/')).status, 200);
});

test('a proxy string that is not a URL is not quoted: it may hold credentials', () => {
  assert.throws(
    () => new Session({ proxy: 'user:s3cret@proxy' }),
    (error: unknown) => error instanceof InvalidOptionError && !error.message.includes('s3cret'),
  );
});

test('valid transport options are accepted', async () => {
  const session = new Session({
    proxy: { uri: new URL('http://127.0.0.1:1'), token: 'Bearer x' },
    ca: ['-----BEGIN CERTIFICATE-----', Buffer.from('pem')],
    rejectUnauthorized: false,
  });
  await session.close();
});
