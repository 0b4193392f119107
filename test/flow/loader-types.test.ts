/**
 * Compile-time tests of the loader's generics, checked by `npx tsc -p tsconfig.json --noEmit`.
 * The checks live in a function that is never called; at run time this file only confirms it
 * loads.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type BatchFunction,
  CoalesceScope,
  type coalesce,
  type Future,
  type Loader,
  loader,
} from '../../src/index.ts';
import { type Equal, expectTrue, expectType } from '../helpers/types.ts';

interface User {
  id: number;
  name: string;
}

async function typeChecks(): Promise<void> {
  // K and V are inferred from the batch function: an array of values or Errors.
  const users = loader({
    batch: async (ids: readonly number[]) =>
      ids.map((id): User | Error => (id > 0 ? { id, name: 'x' } : new Error('no user'))),
  });
  expectTrue<Equal<typeof users, Loader<number, User, number>>>();
  const one = users.load(1);
  expectTrue<Equal<typeof one, Future<User>>>();
  expectTrue<Equal<Awaited<typeof one>, User>>();
  expectTrue<Equal<ReturnType<typeof users.loadMany>, Future<(User | Error)[]>>>();
  expectTrue<Equal<ReturnType<typeof users.scope>, Loader<number, User, number>>>();

  // A synchronous Map keyed by the cache key; object keys with cacheKey.
  const byId = loader({
    batch: (keys: readonly { id: string }[]) =>
      new Map(keys.map((key) => [key.id, key.id.length] as const)),
    cacheKey: (key) => key.id,
  });
  expectTrue<Equal<typeof byId, Loader<{ id: string }, number, string>>>();
  expectType<Future<number>>(byId.load({ id: 'a' }));

  // Explicit type arguments.
  const names = loader<string, string>({ batch: (keys) => keys.map((key) => key.toUpperCase()) });
  expectType<Future<string>>(names.load('a'));
  // @ts-expect-error a key of the wrong type
  names.load(1);
  // @ts-expect-error the batch must return values of V
  loader<string, number>({ batch: (keys) => keys.map((key) => key) });
  // @ts-expect-error the Map must be keyed by the cache key
  loader<number, string>({ batch: () => new Map([['1', 'a']]) });
  // @ts-expect-error unknown options are refused
  loader({ batch: (keys: readonly number[]) => keys, maxBatch: 2 });

  const batch: BatchFunction<number, string> = (keys, { signal }) => {
    expectType<AbortSignal>(signal);
    return keys.map(String);
  };
  expectType<Loader<number, string>>(loader({ batch }));

  // Scopes return what their function returns.
  expectTrue<Equal<ReturnType<typeof coalesce<Promise<number>>>, Promise<number>>>();
  expectType<string>(new CoalesceScope().run(() => 'page'));
}

test('loader types compile (checked by tsc)', () => {
  assert.equal(typeof typeChecks, 'function');
});
