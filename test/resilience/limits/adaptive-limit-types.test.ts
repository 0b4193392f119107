import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type AdaptiveLimit,
  adaptiveLimit,
  type ConcurrencyLimit,
  type ExecutorOptions,
  type FuturesSessionOptions,
  InvalidOptionError,
  type LimitChange,
  type LimitReason,
} from '../../../src/index.ts';
import { type Equal, expectTrue, expectType } from '../../helpers/types.ts';

test('adaptiveLimit types (checked by tsc)', () => {
  const limit = adaptiveLimit({ algorithm: 'gradient', min: 2 });
  expectTrue<Equal<typeof limit, AdaptiveLimit>>();
  expectType<FuturesSessionOptions['maxPerOrigin']>(limit);
  expectType<ExecutorOptions['perKey']>(limit);
  expectType<ConcurrencyLimit>(limit);
  expectTrue<Equal<ReturnType<AdaptiveLimit['limits']>, Map<string, number>>>();
  expectTrue<Equal<LimitChange['reason'], LimitReason>>();
  expectTrue<Equal<AdaptiveLimit['algorithm'], 'aimd' | 'gradient'>>();
  assert.throws(
    // @ts-expect-error: the options of one algorithm do not mix with the other's (nor at run time)
    () => adaptiveLimit({ algorithm: 'aimd', smoothing: 0.5 }),
    InvalidOptionError,
  );
  assert.throws(
    // @ts-expect-error: an algorithm is required
    () => adaptiveLimit({ min: 1 }),
    InvalidOptionError,
  );
});
