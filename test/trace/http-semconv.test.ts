import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectionError } from '../../src/errors/connection-error.ts';
import { PreparedRequest } from '../../src/http/prepared-request.ts';
import {
  clientAttributes,
  clientSpanName,
  errorType,
  serverOf,
} from '../../src/trace/http-semconv.ts';

function request(method: string, origin: string, path: string): PreparedRequest {
  return new PreparedRequest(method, origin, path, {}, null, true);
}

test('serverOf: host and port, the scheme default when none, IPv6 without brackets', () => {
  assert.deepEqual(serverOf('http://127.0.0.1:8080'), { address: '127.0.0.1', port: 8080 });
  assert.deepEqual(serverOf('http://example.test'), { address: 'example.test', port: 80 });
  assert.deepEqual(serverOf('https://example.test'), { address: 'example.test', port: 443 });
  assert.deepEqual(serverOf('http://[::1]:3000'), { address: '::1', port: 3000 });
  assert.deepEqual(serverOf('https://[::1]'), { address: '::1', port: 443 });
});

test('clientSpanName: the method, or HTTP for one the conventions do not name', () => {
  assert.equal(clientSpanName('GET'), 'GET');
  assert.equal(clientSpanName('PATCH'), 'PATCH');
  assert.equal(clientSpanName('PROPFIND'), 'HTTP');
});

test('clientAttributes: a URL without a query is kept as is; resend_count only on resends', () => {
  assert.deepEqual(clientAttributes(request('GET', 'https://api.test', '/v1/users'), 0), {
    'http.request.method': 'GET',
    'url.full': 'https://api.test/v1/users',
    'server.address': 'api.test',
    'server.port': 443,
  });
  const resent = clientAttributes(request('PUT', 'http://127.0.0.1:81', '/x?Token=a&sig=b&q=c'), 2);
  assert.equal(resent['url.full'], 'http://127.0.0.1:81/x?Token=REDACTED&sig=REDACTED&q=c');
  assert.equal(resent['http.request.resend_count'], 2);
});

test('errorType: the fanout code, another error code or name, or a 4xx/5xx status', () => {
  assert.equal(errorType(undefined, new ConnectionError('refused')), 'FANOUT_CONNECTION');
  assert.equal(
    errorType(undefined, Object.assign(new Error('x'), { code: 'ECONNRESET' })),
    'ECONNRESET',
  );
  assert.equal(errorType(undefined, new RangeError('x')), 'RangeError');
  assert.equal(errorType(undefined, 'a string'), '_OTHER');
  assert.equal(errorType(200, new ConnectionError('body cut')), 'FANOUT_CONNECTION');
  assert.equal(errorType(399, undefined), undefined);
  assert.equal(errorType(400, undefined), '400');
  assert.equal(errorType(503, undefined), '503');
});
