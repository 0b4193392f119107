/**
 * The option registries are held by the compiler: each is checked against the options interface
 * it lists, so an option added to the interface without deciding how it merges and whether it is
 * part of the coalescing key does not compile. The type checks live in a function that is never
 * called (checked by `npx tsc -p tsconfig.json --noEmit`); at run time the sets derived from the
 * maps are the ones merge() has always used.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Exhaustive } from '../../src/core/exhaustive.ts';
import type { FutureRequestOptions } from '../../src/futures/futures-session.ts';
import { CONFIG_KEY_PARTS } from '../../src/http/coalescing.ts';
import type { Config } from '../../src/http/config.ts';
import type { RequestOptions } from '../../src/http/options.ts';
import {
  CALL_ONLY_KEYS,
  REQUEST_OPTION_KINDS,
  type RequestOptionKind,
} from '../../src/http/request-option-kinds.ts';
import { type Equal, expectTrue } from '../helpers/types.ts';

interface Sample {
  a?: number;
  b: string;
}

function typeChecks(): void {
  // Exhaustive: every key, optional ones included, and no other.
  const complete = { a: 1, b: 2 } satisfies Exhaustive<Sample, number>;
  // @ts-expect-error -- `b` is missing
  const incomplete = { a: 1 } satisfies Exhaustive<Sample, number>;
  // @ts-expect-error -- `c` is no key of Sample
  const excess = { a: 1, b: 2, c: 3 } satisfies Exhaustive<Sample, number>;
  // @ts-expect-error -- every entry is a V
  const mistyped = { a: 1, b: 'two' } satisfies Exhaustive<Sample, number>;

  // Every request option of a FuturesSession, and so of a Session, has its kind; none else.
  expectTrue<Equal<keyof typeof REQUEST_OPTION_KINDS, keyof FutureRequestOptions>>();
  expectTrue<Equal<(typeof REQUEST_OPTION_KINDS)['deadline'], 'keyed'>>();
  // An option added to RequestOptions without its kind is a compile error.
  interface GrownOptions extends RequestOptions {
    priority?: number;
    brandNew?: boolean;
  }
  // @ts-expect-error -- `brandNew` has no kind
  REQUEST_OPTION_KINDS satisfies Exhaustive<GrownOptions, RequestOptionKind>;

  // Every field of a Config enters the coalescing key; a new field without its part fails.
  expectTrue<Equal<keyof typeof CONFIG_KEY_PARTS, keyof Config>>();
  type Part = 'on the wire' | ((config: Config) => unknown);
  // @ts-expect-error -- `brandNew` has no part in the key
  CONFIG_KEY_PARTS satisfies Exhaustive<Config & { brandNew: boolean }, Part>;

  void [complete, incomplete, excess, mistyped];
}

test('the type checks compile (run `tsc --noEmit`)', () => {
  assert.equal(typeof typeChecks, 'function');
});

test('the call-only keys derived from the kinds are the ones merge() skips', () => {
  assert.deepEqual([...CALL_ONLY_KEYS].sort(), [
    'body',
    'deadline',
    'form',
    'json',
    'priority',
    'signal',
    'stream',
  ]);
});

test('the coalescing key reads every Config field not already on the wire', () => {
  const read = Object.entries(CONFIG_KEY_PARTS)
    .filter(([, part]) => typeof part === 'function')
    .map(([field]) => field)
    .sort();
  assert.deepEqual(read, [
    'cookies',
    'decompress',
    'hooks',
    'maxBodySize',
    'maxRedirects',
    'retry',
    'timeout',
    'transport',
  ]);
});
