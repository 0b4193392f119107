import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FuturesSession,
  InvalidOptionError,
  InvalidRequestError,
  Session,
} from '../../src/index.ts';
import { startCountingServer } from '../helpers/server.ts';
import { openSession } from './fixtures.ts';

/** `headers` and `params` values that are not an object: each must be refused, naming the option. */
const NOT_OBJECTS: readonly unknown[] = [null, 5, 'a=1', true, Symbol('x'), 10n];

/** Whether `error` is an InvalidOptionError whose message starts "Expected `name` to be". */
function names(error: unknown, name: string): boolean {
  return error instanceof InvalidOptionError && error.message.startsWith(`Expected \`${name}\``);
}

test('Session and FuturesSession refuse non-object headers or params alike: InvalidOptionError', () => {
  for (const name of ['headers', 'params']) {
    for (const value of NOT_OBJECTS) {
      const options = { [name]: value };
      assert.throws(
        () => new Session(options),
        (e) => names(e, name),
        `${name}: ${String(value)}`,
      );
      assert.throws(
        () => new FuturesSession(options),
        (e) => names(e, name),
        `${name}: ${String(value)}`,
      );
    }
  }
  assert.throws(() => new FuturesSession(null as never), InvalidOptionError);
  assert.throws(() => new FuturesSession(5 as never), InvalidOptionError);
});

test('per request: non-object headers, params, form or request options → InvalidOptionError, nothing sent', async (t) => {
  const server = await startCountingServer(t);
  const session = openSession(t, { baseURL: server.origin });
  for (const name of ['headers', 'params', 'form']) {
    for (const value of NOT_OBJECTS) {
      const error = await session.post('/', { [name]: value }).catch((e: unknown) => e);
      assert.ok(names(error, name), `${name}: ${String(value)} gave ${String(error)}`);
    }
  }
  for (const options of [null, 5, 'x']) {
    const error = await session.get('/', options as never).catch((e: unknown) => e);
    assert.ok(error instanceof InvalidOptionError, String(error));
  }
  assert.equal(server.requests, 0);
});

test('a param or form value that has no text (object, symbol, function) → InvalidOptionError', async (t) => {
  const session = openSession(t, { baseURL: 'http://127.0.0.1:1' });
  for (const value of [{}, Object.create(null), Symbol('x'), () => 1, [{}]]) {
    for (const name of ['params', 'form'] as const) {
      const error = await session.post('/', { [name]: { a: value } }).catch((e: unknown) => e);
      assert.ok(names(error, `${name} values`), `${name}: ${String(error)}`);
    }
  }
});

test('wrong retry lists, auth credentials, cookies or hooks → InvalidOptionError naming them', () => {
  const cases: readonly (readonly [string, Record<string, unknown>])[] = [
    ['retry.methods', { retry: { methods: -1 } }],
    ['retry.methods', { retry: { methods: [1] } }],
    ['retry.statusCodes', { retry: { statusCodes: 'all' } }],
    ['retry.statusCodes', { retry: { statusCodes: [{}] } }],
    ['auth.username', { auth: { username: Object.create(null), password: 'p' } }],
    ['auth.password', { auth: { username: 'u', password: Symbol('p') } }],
    ['cookies', { cookies: 'a=1' }],
    ['cookies', { cookies: null }],
    ['cookies', { cookies: { 'a b': '1' } }],
    ['cookies.a', { cookies: { a: Symbol('v') } }],
    ['hooks', { hooks: null }],
    ['hooks', { hooks: 5 }],
  ];
  for (const [name, options] of cases) {
    assert.throws(
      () => new Session(options),
      (e) => names(e, name),
      name,
    );
  }
  for (const value of ['x\r\nset-cookie: evil=1', '1; b=2', 'a\tb']) {
    assert.throws(() => new Session({ cookies: { a: value } }), InvalidRequestError, value);
  }
});
