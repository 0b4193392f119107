import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { ConnectionError, Session } from '../../src/index.ts';
import { type CountingServer, startH2C } from './h2.ts';
import { type HostileBehaviour, type HostileServer, startHostileH2 } from './h2-hostile.ts';

/**
 * A Session with `http2: 'prior-knowledge'` against the hostile servers of h2-hostile.ts, for
 * tests that each attack fails its request with a typed error, within the retry rules, while a
 * healthy origin of the same Session goes on. A hang fails such a test by its timeout,
 * {@link BOUNDED} (the Session's own `timeout.total` is longer, and would end in a TimeoutError,
 * not the ConnectionError asserted).
 */

/** The node:test options of such a test: a hang fails it. */
export const BOUNDED = { timeout: 20_000 };
/** The retry limit of the attacked Session. */
export const RETRIES = 2;

/** A hostile origin, a healthy one, and the Session that calls both. */
export interface Attack {
  readonly hostile: HostileServer;
  readonly healthy: CountingServer<unknown>;
  readonly session: Session;
}

/** Starts a hostile server with `behaviour`, a healthy h2c server and the Session. */
export async function attack(t: TestContext, behaviour: HostileBehaviour): Promise<Attack> {
  const hostile = await startHostileH2(t, behaviour);
  const healthy = await startH2C(t, (_request, response) => {
    response.end('ok');
  });
  const session = new Session({
    http2: 'prior-knowledge',
    retry: { limit: RETRIES, baseDelay: 1, maxDelay: 1 },
  });
  t.after(() => session.close());
  return { hostile, healthy, session };
}

/**
 * A request to the hostile origin and one to the healthy origin at once, then one more to the
 * healthy origin: the first fails with a ConnectionError (returned), the others succeed on one
 * healthy connection.
 */
export async function cutOff(
  { hostile, healthy, session }: Attack,
  method: 'GET' | 'POST' = 'GET',
): Promise<ConnectionError> {
  const [bad, good] = await Promise.allSettled([
    session.request(method, `${hostile.origin}/attack`, method === 'POST' ? { body: 'x' } : {}),
    session.get(`${healthy.origin}/meanwhile`),
  ]);
  assert.equal(good.status, 'fulfilled', String((good as PromiseRejectedResult).reason));
  assert.equal((await session.get(`${healthy.origin}/after`)).text, 'ok');
  assert.equal(healthy.connections, 1);
  assert.equal(bad.status, 'rejected');
  const error = (bad as PromiseRejectedResult).reason;
  assert.ok(error instanceof ConnectionError, String(error));
  return error;
}

/** The `code` of `error`'s cause (the transport's own error). */
export function causeCode(error: Error): string | undefined {
  return (error.cause as { code?: string } | undefined)?.code;
}

/**
 * That the call behind `error` used all its attempts (`RETRIES + 1`), each reaching the hostile
 * server, over `connections` connections (1: the attacks left the session up; `RETRIES + 1`:
 * each attempt's session was cut).
 */
export function assertEveryAttemptReached(
  error: ConnectionError,
  { hostile }: Attack,
  connections: number,
): void {
  assert.equal(error.attempts, RETRIES + 1);
  assert.equal(hostile.requests, RETRIES + 1);
  assert.equal(hostile.connections, connections);
}
