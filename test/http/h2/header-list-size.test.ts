import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHeaderListTooLarge } from '../../../src/http/h2/header-list-size.ts';

// RFC 9113 §6.5.2: name + value + 32 per field. `:status: 200` counts 7 + 3 + 32 = 42.
test('counts name + value + 32 per field, as SETTINGS_MAX_HEADER_LIST_SIZE does', () => {
  const headers = Object.assign(Object.create(null), { ':status': 200, 'x-a': 'v'.repeat(100) });
  const size = 42 + 3 + 100 + 32;
  assert.equal(isHeaderListTooLarge(headers, size), false);
  assert.equal(isHeaderListTooLarge(headers, size - 1), true);
});

test('a field node:http2 keeps as an array counts once per value', () => {
  const headers = Object.assign(Object.create(null), {
    ':status': 200,
    'set-cookie': ['a=1', 'b=2', 'c=3'],
  });
  const size = 42 + 3 * (10 + 3 + 32);
  assert.equal(isHeaderListTooLarge(headers, size), false);
  assert.equal(isHeaderListTooLarge(headers, size - 1), true);
});
