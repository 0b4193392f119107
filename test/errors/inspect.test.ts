import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import {
  ConnectionError,
  FanoutError,
  isFanoutError,
  Session,
  TimeoutError,
} from '../../src/index.ts';
import { freePort } from '../helpers/server.ts';

const TOKEN = 'tok-5ecret-value';
const BEARER = 'Bearer auth-5ecret-value';

test('an error prints its name, code, redacted message, fields and cause chain, not its brand', async (t) => {
  const port = await freePort();
  const session = new Session({ headers: { authorization: BEARER }, retry: false });
  t.after(() => session.close());
  const error = await session.get(`http://127.0.0.1:${port}/x?token=${TOKEN}`).catch((e) => e);
  assert.ok(error instanceof ConnectionError);
  const shown = inspect(error, { depth: 5 });
  assert.match(
    shown,
    new RegExp(`^ConnectionError: .*: GET http://127\\.0\\.0\\.1:${port}/x\\?token=REDACTED\n`),
  );
  assert.match(shown, /code: 'FANOUT_CONNECTION'/);
  assert.match(shown, /\[cause\]: .*ECONNREFUSED/s);
  assert.doesNotMatch(shown, /5ecret|Symbol\(fanout\.error\)/);

  const timeout = new TimeoutError({ phase: 'headers', timeout: 50 });
  const timeoutShown = inspect(timeout);
  assert.match(
    timeoutShown,
    /^TimeoutError: Timed out after 50 ms \(phase: headers, limit: timeout\.headers\)\n/,
  );
  assert.match(timeoutShown, /phase: 'headers',\n\s+timeout: 50/);
  assert.doesNotMatch(timeoutShown, /Symbol\(fanout\.error\)/);
  // The brand still marks every fanout error, and only them.
  assert.ok(isFanoutError(timeout) && isFanoutError(new FanoutError('x')));
  assert.equal(isFanoutError(new Error('x')), false);
  assert.equal(Object.keys(timeout).includes('code'), true);
});
