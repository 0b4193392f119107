/**
 * Compile-time tests of FuturesSession's public types, checked by `npx tsc -p tsconfig.json
 * --noEmit`. The checks live in a function that is never called; at run time this file only
 * confirms it loads.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Executor,
  Future,
  type FutureNoBodyOptions,
  type FutureRequestOptions,
  FuturesSession,
  type Response,
  Session,
} from '../../src/index.ts';
import { type Equal, expectTrue, expectType } from '../helpers/types.ts';

async function typeChecks(): Promise<void> {
  const session = new FuturesSession({ baseURL: 'http://127.0.0.1:8080', maxWorkers: 4 });

  // Every verb returns a Future<Response>; awaiting it gives the Response.
  const got = session.get('/a');
  expectTrue<Equal<typeof got, Future<Response>>>();
  expectTrue<Equal<Awaited<typeof got>, Response>>();
  const response = await got;
  expectTrue<Equal<typeof response, Response>>();
  expectTrue<Equal<Awaited<ReturnType<typeof got.result>>, Response>>();
  expectTrue<Equal<ReturnType<typeof session.head>, Future<Response>>>();
  expectTrue<Equal<ReturnType<typeof session.options>, Future<Response>>>();
  expectTrue<Equal<ReturnType<typeof session.post>, Future<Response>>>();
  expectTrue<Equal<ReturnType<typeof session.put>, Future<Response>>>();
  expectTrue<Equal<ReturnType<typeof session.patch>, Future<Response>>>();
  expectTrue<Equal<ReturnType<typeof session.delete>, Future<Response>>>();
  expectTrue<Equal<ReturnType<typeof session.request>, Future<Response>>>();

  // map and the combinators keep the types.
  const status = got.map((r) => r.status);
  expectTrue<Equal<typeof status, Future<number>>>();
  const both = await Future.all([session.get('/a'), session.post('/b', { json: { id: 1 } })]);
  expectTrue<Equal<typeof both, [Response, Response]>>();

  // Per-request options: priority and signal besides the request options.
  const options: FutureRequestOptions = { priority: 2, signal: AbortSignal.abort(), json: {} };
  expectType<Future<Response>>(session.post('/b', options));
  const noBody: FutureNoBodyOptions = { priority: -1, params: { page: 2 } };
  expectType<Future<Response>>(session.get('/a', noBody));
  // @ts-expect-error -- priority is a number
  session.get('/a', { priority: 'high' });
  // @ts-expect-error -- GET takes no body options
  session.get('/a', { json: { id: 1 } });
  // @ts-expect-error -- unknown option
  session.get('/a', { priorty: 1 });

  // Constructor options: a session or an executor to wrap; close options.
  expectType<Session>(session.session);
  expectType<Executor>(session.executor);
  new FuturesSession({ session: new Session(), executor: new Executor() });
  // @ts-expect-error -- maxWorkers is a number
  new FuturesSession({ maxWorkers: '8' });
  // @ts-expect-error -- session is a Session, not its options
  new FuturesSession({ session: { baseURL: 'http://127.0.0.1' } });
  expectTrue<Equal<ReturnType<typeof session.close>, Promise<void>>>();
  await session.close({ cancelPending: true });
  // @ts-expect-error -- cancelPending is a boolean
  await session.close({ cancelPending: 'yes' });
}

test('the FuturesSession type checks compile (run `tsc --noEmit`)', () => {
  assert.equal(typeof typeChecks, 'function');
});
