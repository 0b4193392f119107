/**
 * Compile-time tests of the error codes, checked by `npx tsc -p tsconfig.json --noEmit`: every
 * class has a literal `code`, and `FanoutErrorCode` is exactly the union of them. The checks live
 * in a function that is never called; at run time this file only confirms it loads.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as fanout from '../../src/index.ts';
import {
  type CancelledError,
  type FanoutError,
  type FanoutErrorCode,
  type HTTPError,
  type InvalidOptionError,
  type RequestError,
  TimeoutError,
} from '../../src/index.ts';
import { type Equal, expectTrue, expectType } from '../helpers/types.ts';

type Exports = typeof fanout;

/** The `code` type of each exported error class whose code is a literal of its own. */
type LiteralCodes = {
  [K in keyof Exports]: Exports[K] extends abstract new (
    ...args: never[]
  ) => infer Instance
    ? Instance extends FanoutError
      ? FanoutErrorCode extends Instance['code']
        ? never
        : Instance['code']
      : never
    : never;
}[keyof Exports];

function label(code: FanoutErrorCode): string {
  switch (code) {
    case 'FANOUT_ERROR':
    case 'FANOUT_INVALID_URL':
    case 'FANOUT_INVALID_REQUEST':
    case 'FANOUT_INVALID_OPTION':
    case 'FANOUT_CONNECTION':
    case 'FANOUT_TIMEOUT':
    case 'FANOUT_TOO_MANY_REDIRECTS':
    case 'FANOUT_BODY_TOO_LARGE':
    case 'FANOUT_RESPONSE_PARSE':
    case 'FANOUT_HTTP_STATUS':
    case 'FANOUT_SESSION_CLOSED':
    case 'FANOUT_CANCELLED':
    case 'FANOUT_EXECUTOR_SHUTDOWN':
    case 'FANOUT_QUEUE_FULL':
    case 'FANOUT_DEPENDENCY':
    case 'FANOUT_DEADLINE':
    case 'FANOUT_FLOW_DEFINITION':
    case 'FANOUT_BATCH_RESULT':
    case 'FANOUT_PAGE_DEFINITION':
    case 'FANOUT_UNSAFE_TEMPLATE':
    case 'FANOUT_CIRCUIT_OPEN':
    case 'FANOUT_CACHE_STORE':
    case 'FANOUT_RATE_LIMIT_STORE':
    case 'FANOUT_CACHE_REFRESH':
    case 'FANOUT_REDIS_STORE':
      return code;
    default: {
      const unreachable: never = code;
      return unreachable;
    }
  }
}

function incompleteLabel(code: FanoutErrorCode): string {
  switch (code) {
    case 'FANOUT_TIMEOUT':
      return code;
    default: {
      // @ts-expect-error -- a switch missing codes does not reach `never`
      const unreachable: never = code;
      return unreachable;
    }
  }
}

function typeChecks(): void {
  // Each class's code is its literal, and every code is a FanoutErrorCode.
  const timeout = new TimeoutError({ phase: 'total', timeout: 1 });
  const code: FanoutErrorCode = timeout.code;
  expectTrue<Equal<typeof timeout.code, 'FANOUT_TIMEOUT'>>();
  expectTrue<Equal<CancelledError['code'], 'FANOUT_CANCELLED'>>();
  expectTrue<Equal<HTTPError['code'], 'FANOUT_HTTP_STATUS'>>();
  expectTrue<Equal<InvalidOptionError['code'], 'FANOUT_INVALID_OPTION'>>();
  // The bases may be any of their subclasses, so their code is the whole union.
  expectTrue<Equal<FanoutError['code'], FanoutErrorCode>>();
  expectTrue<Equal<RequestError['code'], FanoutErrorCode>>();
  // A caught error narrows by its code.
  const caught: FanoutError = timeout;
  if (caught.code === 'FANOUT_TIMEOUT') expectType<FanoutErrorCode>(caught.code);
  // @ts-expect-error -- not a fanout code
  expectType<FanoutErrorCode>('FANOUT_TIMED_OUT');
  // @ts-expect-error -- a TimeoutError's code is no other
  expectType<'FANOUT_CANCELLED'>(timeout.code);

  // The union is exactly the exported classes' codes plus the bases' `FANOUT_ERROR`: no stale
  // code, none missing.
  expectTrue<Equal<FanoutErrorCode, LiteralCodes | 'FANOUT_ERROR'>>();
  expectType<string>(label(code));
  expectType<string>(incompleteLabel(code));
}

test('the type checks compile (run `tsc --noEmit`)', () => {
  assert.equal(typeof typeChecks, 'function');
});
