import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { h2Headers } from '../../src/http/h2/h2-headers.ts';
import { HeaderRecord } from '../../src/http/headers.ts';
import { PreparedRequest } from '../../src/http/prepared-request.ts';
import { InvalidRequestError } from '../../src/index.ts';
import { headerName, headerValue, tokenString } from './arbitraries.ts';
import { runs } from './property-run.ts';

// The oracle, written apart from the module: RFC 9113 §8.2.2's connection-specific fields, and
// what makes a name or value unsendable.
const CONNECTION_SPECIFIC = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
];
const PSEUDO = [':method', ':scheme', ':authority', ':path'];
const LOWER_TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

const name = fc.oneof(
  { weight: 4, arbitrary: headerName.map((text) => text.toLowerCase()) },
  { weight: 1, arbitrary: headerName },
  { weight: 3, arbitrary: fc.constantFrom(...CONNECTION_SPECIFIC, 'te', 'host', 'x-hop') },
  { weight: 1, arbitrary: fc.constantFrom(...PSEUDO, ':status', ':protocol') },
);
const value = fc.oneof(
  { weight: 4, arbitrary: headerValue },
  { weight: 1, arbitrary: fc.constantFrom('trailers', 'gzip, trailers', ' close, x-hop ', '') },
  {
    weight: 1,
    arbitrary: fc.array(tokenString, { minLength: 1, maxLength: 3 }).map((t) => t.join(', ')),
  },
);
const headers = fc.array(fc.tuple(name, value), { maxLength: 6 }).map((entries) => {
  const record: Record<string, string> = new HeaderRecord();
  for (const [key, text] of entries) record[key] = text;
  return record;
});

function mustRefuse(record: Record<string, string>): boolean {
  return Object.keys(record).some(
    (key) => !LOWER_TOKEN.test(key) || BAD_VALUE.test(record[key] as string),
  );
}

/** The fields the `connection` header names, as the oracle reads them. */
function nominated(record: Record<string, string>): Set<string> {
  return new Set((record.connection ?? '').split(',').map((item) => item.trim().toLowerCase()));
}

/** A value without the spaces and tabs at its ends (not `String#trim`, which trims more). */
function trimmed(text: string): string {
  return text.replace(/^[ \t]+|[ \t]+$/g, '');
}

function checkBlock(record: Record<string, string>, block: Record<string, string>): void {
  const names = Object.keys(block);
  assert.deepEqual(names.slice(0, 4), PSEUDO, 'the four pseudo-headers come first');
  const dropped = nominated(record);
  for (const key of names.slice(4)) {
    assert.ok(LOWER_TOKEN.test(key), `bad name ${JSON.stringify(key)} in the block`);
    assert.ok(!CONNECTION_SPECIFIC.includes(key), `connection-specific ${key} in the block`);
    assert.ok(!dropped.has(key), `${key}, named by connection, in the block`);
    assert.notEqual(key, 'host', 'host is sent as :authority');
    const text = block[key] as string;
    assert.ok(!BAD_VALUE.test(text), `bad value for ${key}`);
    assert.equal(text, trimmed(text), `untrimmed value for ${key}`);
  }
  if ('te' in block) assert.equal(block.te, 'trailers');
  for (const key of Object.keys(record)) {
    const isKept =
      !CONNECTION_SPECIFIC.includes(key) && !dropped.has(key) && key !== 'te' && key !== 'host';
    if (isKept) assert.equal(block[key], trimmed(record[key] as string), `${key} was lost`);
  }
  const host = record.host === undefined ? undefined : trimmed(record.host);
  if (host !== undefined && host !== '' && !dropped.has('host')) {
    assert.equal(block[':authority'], host);
  }
}

describe('h2Headers (property)', () => {
  test('a typed refusal exactly for bad names and values; otherwise no connection-specific field, no stray pseudo-header, nothing lost', () => {
    fc.assert(
      fc.property(headers, (record) => {
        const request = new PreparedRequest('GET', 'https://a.test', '/p', record, null, true);
        let block: Record<string, string>;
        try {
          block = h2Headers(request);
        } catch (error) {
          assert.ok(error instanceof InvalidRequestError, String(error));
          assert.ok(mustRefuse(record), `refused sendable headers: ${error.message}`);
          return;
        }
        assert.ok(!mustRefuse(record), 'bad headers were accepted');
        checkBlock(record, block);
      }),
      runs(2_000, 4_000),
    );
  });
});
