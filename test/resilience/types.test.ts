/**
 * Compile-time tests of the resilience API's public types, checked by
 * `npx tsc -p tsconfig.json --noEmit`. The checks live in a function that is never called; at run
 * time this file only confirms it loads.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type CircuitBreaker,
  type CircuitState,
  type PolicyEvent,
  RateLimit,
  type RateLimitOptions,
  type Response,
  type SessionPolicy,
  withDeadline,
} from '../../src/index.ts';
import { type Equal, expectTrue, expectType } from '../helpers/types.ts';

function typeChecks(breaker: CircuitBreaker): void {
  // withDeadline returns what its function returns, a promise included.
  expectTrue<Equal<ReturnType<typeof withDeadline<number>>, number>>();
  const sync = withDeadline(10, () => 'x');
  expectTrue<Equal<typeof sync, string>>();
  const later = withDeadline(new Date(), async () => 1);
  expectTrue<Equal<typeof later, Promise<number>>>();
  // @ts-expect-error a budget is ms or a Date
  withDeadline('10', () => 0);

  expectTrue<Equal<ReturnType<CircuitBreaker['state']>, CircuitState>>();
  expectType<CircuitState>(breaker.state('http://x'));
  // @ts-expect-error the listener gets a state change, not a string
  breaker.onStateChange((change: string) => change);

  // A rate limit needs its rate; `key` maps a request to a string; it is a session policy.
  const limit = new RateLimit({ rate: 100, per: 1_000, key: (request) => request.origin });
  expectType<SessionPolicy>(limit);
  expectType<number>(limit.queued('tenant'));
  // @ts-expect-error `rate` is required
  new RateLimit({ per: 1_000 });
  // @ts-expect-error a key is a string
  new RateLimit({ rate: 1, key: () => 1 });
  expectTrue<Equal<RateLimitOptions['burst'], number | undefined>>();

  // A policy needs only a name; every hook is optional and typed.
  const minimal: SessionPolicy = { name: 'minimal' };
  const wrapping: SessionPolicy = {
    name: 'wrap',
    attempt: (state, next): Promise<Response> => next(state.request),
    retry: (state) => state.retryCount < 2,
  };
  expectType<SessionPolicy[]>([minimal, wrapping]);
  // @ts-expect-error a policy has a name
  const nameless: SessionPolicy = {};
  expectType<PolicyEvent>({ policy: 'p', type: 't', origin: 'http://x' });
  void nameless;
}

test('resilience types compile', () => {
  assert.equal(typeof typeChecks, 'function');
});
