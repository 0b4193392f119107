import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCacheControl } from '../../src/resilience/cache/cache-control.ts';
import {
  decodeEntry,
  encodeEntry,
  type StoredResponse,
} from '../../src/resilience/cache/cache-entry.ts';
import { primaryKey, variantKey, varyNames } from '../../src/resilience/cache/cache-key.ts';
import { currentAge, freshnessLifetime } from '../../src/resilience/cache/freshness.ts';
import { maySubstituteOnError, reuseVerdict } from '../../src/resilience/cache/reuse.ts';

const HEURISTIC = { fraction: 0.1, max: 86_400_000 };
const T0 = Date.UTC(2026, 0, 1, 12);

function stored(
  headers: Record<string, string>,
  times: Partial<StoredResponse> = {},
): StoredResponse {
  return {
    kind: 'response',
    status: 200,
    reason: 'OK',
    headers: { date: new Date(T0).toUTCString(), ...headers },
    body: new Uint8Array(0),
    requestTime: T0,
    responseTime: T0,
    ...times,
  };
}

test('Cache-Control: directives, case, quoted arguments and invalid durations', () => {
  const control = parseCacheControl(
    'Max-Age=60, s-maxage="120", no-cache="set-cookie, x", PRIVATE',
  );
  assert.equal(control.maxAge, 60);
  assert.equal(control.sMaxAge, 120);
  assert.equal(control.noCache, true);
  assert.equal(control.isPrivate, true);
  assert.equal(control.noStore, false);
  // Several header lines are one list.
  const lines = parseCacheControl(['public', 'stale-if-error=30, must-revalidate']);
  assert.deepEqual([lines.isPublic, lines.staleIfError, lines.mustRevalidate], [true, 30, true]);
  // An invalid or repeated duration reads as 0 (stale), RFC 9111 §4.2.1.
  assert.equal(parseCacheControl('max-age=abc').maxAge, 0);
  assert.equal(parseCacheControl('max-age=-1').maxAge, 0);
  assert.equal(parseCacheControl('max-age=10, max-age=20').maxAge, 0);
  assert.equal(parseCacheControl('max-stale').maxStale, true);
  assert.equal(parseCacheControl('max-stale=5').maxStale, 5);
  assert.equal(parseCacheControl(undefined).maxAge, undefined);
  assert.equal(parseCacheControl(',,  ,').noStore, false);
});

test('freshness lifetime: s-maxage only when shared, then max-age, Expires, the heuristic', () => {
  const both = stored({ 'cache-control': 'max-age=60, s-maxage=10' });
  const control = parseCacheControl(both.headers['cache-control']);
  assert.equal(freshnessLifetime(both, control, true, HEURISTIC), 10_000);
  assert.equal(freshnessLifetime(both, control, false, HEURISTIC), 60_000);
  const expires = stored({ expires: new Date(T0 + 30_000).toUTCString() });
  assert.equal(freshnessLifetime(expires, parseCacheControl(undefined), true, HEURISTIC), 30_000);
  const invalid = stored({ expires: 'soon' });
  assert.equal(freshnessLifetime(invalid, parseCacheControl(undefined), true, HEURISTIC), 0);
  // 10 % of the time since Last-Modified, capped.
  const modified = stored({ 'last-modified': new Date(T0 - 3_600_000).toUTCString() });
  const none = parseCacheControl(undefined);
  assert.equal(freshnessLifetime(modified, none, true, HEURISTIC), 360_000);
  assert.equal(freshnessLifetime(modified, none, true, { fraction: 0.1, max: 1_000 }), 1_000);
  assert.equal(freshnessLifetime(modified, none, true, { fraction: 0, max: 0 }), 0);
  // No heuristic for a status that is not cacheable by default.
  const created = { ...modified, status: 201 };
  assert.equal(freshnessLifetime(created, none, true, HEURISTIC), 0);
});

test('current age: Age header, Date, the time the exchange took and the time stored', () => {
  // Arrived with Age: 10 after a 2 s exchange, stored for 5 s: 10 + 2 + 5.
  const aged = stored({ age: '10' }, { requestTime: T0 - 2_000, responseTime: T0 });
  assert.equal(currentAge(aged, T0 + 5_000), 17_000);
  // A Date 30 s before arrival (apparent age) wins over a smaller Age.
  const late = stored({ date: new Date(T0 - 30_000).toUTCString(), age: '3' });
  assert.equal(currentAge(late, T0), 30_000);
  // A Date in the future never makes the age negative.
  const early = stored({ date: new Date(T0 + 60_000).toUTCString() });
  assert.equal(currentAge(early, T0), 0);
});

test('reuse: fresh, revalidate (no-cache, request max-age, min-fresh) and max-stale', () => {
  const none = parseCacheControl(undefined);
  const base = {
    age: 10_000,
    lifetime: 60_000,
    control: none,
    requestControl: none,
    isShared: true,
  };
  assert.equal(reuseVerdict(base), 'fresh');
  assert.equal(reuseVerdict({ ...base, control: parseCacheControl('no-cache') }), 'revalidate');
  assert.equal(
    reuseVerdict({ ...base, requestControl: parseCacheControl('no-cache') }),
    'revalidate',
  );
  assert.equal(
    reuseVerdict({ ...base, requestControl: parseCacheControl('max-age=5') }),
    'revalidate',
  );
  assert.equal(
    reuseVerdict({ ...base, requestControl: parseCacheControl('min-fresh=55') }),
    'revalidate',
  );
  const old = { ...base, age: 70_000 };
  assert.equal(reuseVerdict(old), 'revalidate');
  assert.equal(
    reuseVerdict({ ...old, requestControl: parseCacheControl('max-stale=10') }),
    'stale',
  );
  assert.equal(
    reuseVerdict({ ...old, requestControl: parseCacheControl('max-stale=9') }),
    'revalidate',
  );
  const mustRevalidate = parseCacheControl('must-revalidate');
  const maxStale = parseCacheControl('max-stale');
  assert.equal(
    reuseVerdict({ ...old, control: mustRevalidate, requestControl: maxStale }),
    'revalidate',
  );
});

test('stale-if-error: the larger window wins; must-revalidate, s-maxage (shared) and no-cache forbid it', () => {
  const none = parseCacheControl(undefined);
  const stale = {
    age: 100_000,
    lifetime: 60_000,
    control: none,
    requestControl: none,
    isShared: true,
  };
  assert.equal(maySubstituteOnError(stale, 0), false);
  assert.equal(maySubstituteOnError(stale, 40_000), true);
  assert.equal(maySubstituteOnError(stale, 39_999), false);
  assert.equal(
    maySubstituteOnError({ ...stale, control: parseCacheControl('stale-if-error=40') }, 0),
    true,
  );
  assert.equal(
    maySubstituteOnError(
      { ...stale, requestControl: parseCacheControl('stale-if-error=0') },
      60_000,
    ),
    false,
  );
  for (const directive of ['must-revalidate', 'proxy-revalidate', 's-maxage=60', 'no-cache']) {
    const control = parseCacheControl(`${directive}, stale-if-error=600`);
    assert.equal(maySubstituteOnError({ ...stale, control }, 600_000), false, directive);
  }
  // A private cache may serve a proxy-revalidate response stale.
  const proxy = parseCacheControl('proxy-revalidate');
  assert.equal(maySubstituteOnError({ ...stale, control: proxy, isShared: false }, 600_000), true);
});

test('keys: method and URL, plus the varied headers (normalised, absent differs from empty)', () => {
  const primary = primaryKey('GET', 'http://a/x?token=secret');
  assert.notEqual(primary, primaryKey('HEAD', 'http://a/x?token=secret'));
  assert.doesNotMatch(primary, /secret/);
  const names = varyNames(['Accept-Language, accept', 'ACCEPT']);
  assert.deepEqual(names, ['accept', 'accept-language']);
  assert.equal(varyNames('accept, *'), '*');
  const fr = variantKey(primary, names, { accept: 'text/html', 'accept-language': 'fr' });
  const frSpaced = variantKey(primary, names, { accept: ' text/html ', 'accept-language': 'fr' });
  const en = variantKey(primary, names, { accept: 'text/html', 'accept-language': 'en' });
  assert.equal(fr, frSpaced);
  assert.notEqual(fr, en);
  assert.notEqual(
    variantKey(primary, ['accept'], {}),
    variantKey(primary, ['accept'], { accept: '' }),
  );
});

test('entries survive encoding with their body bytes; anything else decodes to undefined', () => {
  const body = new Uint8Array([0, 13, 10, 255, 36]);
  const entry = { ...stored({ etag: '"v1"' }), body };
  const decoded = decodeEntry(encodeEntry(entry));
  assert.deepEqual(decoded, { ...entry, body: Buffer.from(body) });
  assert.deepEqual(decodeEntry(encodeEntry({ kind: 'vary', names: ['accept'] })), {
    kind: 'vary',
    names: ['accept'],
  });
  assert.equal(decodeEntry(new Uint8Array([1, 2])), undefined);
  assert.equal(decodeEntry(Buffer.from('\0\0\0\x05{"a":')), undefined);
  const wrong = Buffer.concat([Buffer.from([0, 0, 0, 12]), Buffer.from('{"kind":"x"}')]);
  assert.equal(decodeEntry(wrong), undefined);
});
