/**
 * Compile-time tests of the public generics, checked by `npx tsc -p tsconfig.json --noEmit`. The
 * checks live in a function that is never called; at run time this file only confirms it loads.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  asCompleted,
  type DoneCallback,
  Executor,
  Future,
  FutureSet,
  type ReturnWhen,
  wait,
} from '../../src/futures/index.ts';
import { type Equal, expectTrue, expectType } from '../helpers/types.ts';

async function typeChecks(): Promise<void> {
  const executor = new Executor({ maxWorkers: 4 });

  // submit: the future's type is the function's (awaited) return type.
  const text = executor.submit(async () => 'text');
  expectTrue<Equal<typeof text, Future<string>>>();
  const count = executor.submit(() => 1);
  expectTrue<Equal<typeof count, Future<number>>>();
  expectType<Future<void>>(executor.submit(async (signal: AbortSignal) => void signal.aborted));
  // @ts-expect-error -- the function receives an AbortSignal, not a string
  executor.submit((signal: string) => signal);
  // @ts-expect-error -- unknown option
  executor.submit(async () => 1, { priorty: 1 });
  // @ts-expect-error -- key is a string
  executor.submit(async () => 1, { key: 1 });

  // A Future is awaitable and covariant.
  expectTrue<Equal<Awaited<typeof text>, string>>();
  expectTrue<Equal<Awaited<ReturnType<typeof text.result>>, string>>();
  expectType<Future<unknown>>(text);
  expectType<Future<string | number>>(text);
  // @ts-expect-error -- not the other way round
  expectType<Future<string>>(count);
  expectTrue<Equal<Awaited<ReturnType<typeof text.exception>>, unknown>>();
  // @ts-expect-error -- the timeout is a number
  await text.result({ timeout: '5' });

  // map and then.
  expectTrue<Equal<ReturnType<typeof text.map<number>>, Future<number>>>();
  const length = text.map((value) => value.length);
  expectTrue<Equal<typeof length, Future<number>>>();
  const parsed = text.map(async (value) => ({ value }));
  expectTrue<Equal<typeof parsed, Future<{ value: string }>>>();
  expectTrue<Equal<ReturnType<typeof text.then<number>>, Promise<number>>>();

  // Constructors.
  expectTrue<Equal<ReturnType<typeof Future.resolve<number>>, Future<number>>>();
  expectTrue<Equal<typeof Future.resolve extends () => Future<void> ? true : false, true>>();
  const adopted = Future.resolve(Promise.resolve(1));
  expectTrue<Equal<typeof adopted, Future<number>>>();
  expectTrue<Equal<ReturnType<typeof Future.reject<string>>, Future<string>>>();
  const fromPromise = Future.from(Promise.resolve('p'));
  expectTrue<Equal<typeof fromPromise, Future<string>>>();
  const fromTask = Future.from(async (signal) => signal.aborted);
  expectTrue<Equal<typeof fromTask, Future<boolean>>>();

  // Combinators over tuples, like Promise's.
  const all = Future.all([text, count, Promise.resolve(true), 'plain'] as const);
  expectTrue<Equal<typeof all, Future<[string, number, boolean, 'plain']>>>();
  const list = Future.all([text, text]);
  expectTrue<Equal<typeof list, Future<[string, string]>>>();
  const fromIterable = Future.all(new Set([text]));
  expectTrue<Equal<typeof fromIterable, Future<string[]>>>();
  const settled = Future.allSettled([text, count]);
  expectTrue<
    Equal<typeof settled, Future<[PromiseSettledResult<string>, PromiseSettledResult<number>]>>
  >();
  const any = Future.any([text, count]);
  expectTrue<Equal<typeof any, Future<string | number>>>();
  const race = Future.race([text, count]);
  expectTrue<Equal<typeof race, Future<string | number>>>();

  // Callbacks get the future.
  text.addDoneCallback((future) => expectType<Future<string>>(future));
  const callback: DoneCallback<string> = (future) => void future.done();
  expectType<number>(text.removeDoneCallback(callback));

  // wait and asCompleted keep the future type.
  const waited = await wait([text, count], { returnWhen: 'FIRST_COMPLETED' });
  expectType<Set<Future<string | number>>>(waited.done);
  expectTrue<Equal<typeof waited.notDone, Set<Future<string> | Future<number>>>>();
  const returnWhen: ReturnWhen = 'FIRST_EXCEPTION';
  await wait([text], { returnWhen });
  // @ts-expect-error -- not a returnWhen value
  await wait([text], { returnWhen: 'FIRST' });
  // @ts-expect-error -- wait takes futures, not promises
  await wait([Promise.resolve(1)]);
  const completions = asCompleted([text, text]);
  expectTrue<Equal<typeof completions, FutureSet<string>>>();
  const mixed = asCompleted([text, count], { timeout: 100 });
  expectTrue<Equal<typeof mixed, FutureSet<string | number>>>();
  // @ts-expect-error -- asCompleted takes futures, not values
  asCompleted([1]);
  const next = await completions.next();
  if (next.done !== true) expectTrue<Equal<typeof next.value, Future<string>>>();
  const set = new FutureSet<number>().add(count);
  expectTrue<Equal<typeof set, FutureSet<number>>>();
  // @ts-expect-error -- a FutureSet<number> takes Future<number>s
  set.add(text);

  // map yields the results.
  const results = executor.map(async (url: string) => url.length, ['a']);
  expectTrue<Equal<typeof results, AsyncGenerator<number, void, undefined>>>();
  // @ts-expect-error -- the items are strings
  executor.map((item: number) => item, ['a']);
  // @ts-expect-error -- ordered is a boolean
  executor.map((item: string) => item, ['a'], { ordered: 'no' });
}

test('the type checks compile (run `tsc --noEmit`)', () => {
  assert.equal(typeof typeChecks, 'function');
});
