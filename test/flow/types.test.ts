/**
 * Compile-time tests of the flow generics, checked by `npx tsc -p tsconfig.json --noEmit`. The
 * checks live in a function that is never called; at run time this file only confirms it loads.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type Flow,
  type FlowDefinition,
  type FlowReport,
  type Future,
  type FuturesSession,
  flow,
  type Response,
  type StepContext,
} from '../../src/index.ts';
import { type Equal, expectTrue, expectType } from '../helpers/types.ts';

async function typeChecks(s: FuturesSession): Promise<void> {
  const f = flow()
    .step('user', () => s.get('/me'))
    .step('orders', ['user'], ({ user }) => s.get(`/orders?u=${user.json<{ id: number }>().id}`), {
      fallback: null,
      deadline: 200,
    })
    .step('count', ['orders'], async ({ orders }) => (orders === null ? 0 : orders.status))
    .step('names', () => ['a', 'b'], { fallback: () => [] as string[] })
    .step('label', ['user', 'count'], ({ user, count }, step) => {
      expectType<StepContext>(step);
      expectType<AbortSignal>(step.signal);
      return `${user.status}:${count}:${step.name}`;
    })
    .start({ deadline: 1_000 });

  // Each step is a Future of its value: Futures and promises are awaited, fallbacks join in.
  expectTrue<Equal<typeof f.steps.user, Future<Response>>>();
  expectTrue<Equal<typeof f.steps.orders, Future<Response | null>>>();
  expectTrue<Equal<typeof f.steps.count, Future<number>>>();
  expectTrue<Equal<typeof f.steps.names, Future<string[]>>>();
  expectTrue<Equal<typeof f.steps.label, Future<string>>>();
  const orders = await f.steps.orders;
  expectTrue<Equal<typeof orders, Response | null>>();
  expectTrue<
    Equal<
      typeof f,
      Flow<{
        readonly user: Response;
        readonly orders: Response | null;
        readonly count: number;
        readonly names: string[];
        readonly label: string;
      }>
    >
  >();
  expectTrue<Equal<Awaited<ReturnType<typeof f.onDone>>, void>>();
  expectType<FlowReport>(f.report());
  // @ts-expect-error -- no such step
  void f.steps.weather;

  // A step's inputs are exactly its dependencies, typed.
  flow()
    .step('a', () => 1)
    .step('b', async () => 'text')
    .step('c', ['a', 'b'], (inputs) => {
      expectTrue<Equal<typeof inputs, { readonly a: number; readonly b: string }>>();
      return inputs.a;
    });
  flow()
    .step('a', () => 1)
    .step('b', () => 'x')
    // @ts-expect-error -- `b` is not among the dependencies
    .step('c', ['a'], ({ b }) => b);
  flow()
    .step('a', () => 1)
    // @ts-expect-error -- `a` is a number
    .step('b', ['a'], ({ a }) => a.toUpperCase());
  // A fallback function gets the step and the error; an async one is awaited.
  const recovered = flow()
    .step('a', () => 1, {
      fallback: async (state) => {
        expectTrue<Equal<typeof state.step, string>>();
        expectTrue<Equal<typeof state.error, unknown>>();
        return 'none' as const;
      },
    })
    .start();
  expectTrue<Equal<typeof recovered.steps.a, Future<number | 'none'>>>();

  // Unknown dependency names do not compile, nor do names defined later.
  const withUser = flow().step('user', () => 1);
  // @ts-expect-error -- no step `usr`
  withUser.step('orders', ['usr'], () => 2);
  // @ts-expect-error -- `later` is not defined yet
  flow().step('first', ['later'], () => 1);
  // Duplicate names do not compile.
  // @ts-expect-error -- `user` is taken
  withUser.step('user', () => 2);
  // @ts-expect-error -- a step is a function
  flow().step('user', '/me');
  // @ts-expect-error -- unknown option
  flow().step('user', () => 1, { deadlne: 5 });
  // @ts-expect-error -- the deadline is a number
  flow().step('user', () => 1, { deadline: '5' });
  // @ts-expect-error -- start options are checked too
  flow().start({ deadline: '1s' });

  // A definition is reusable and typed by its steps.
  const definition = flow({ name: 'page' }).step('n', () => 1);
  expectTrue<Equal<typeof definition, FlowDefinition<{ readonly n: number }>>>();
}

test('the flow type checks compile (run `tsc --noEmit`)', () => {
  assert.equal(typeof typeChecks, 'function');
});
