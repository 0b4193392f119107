import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { h2Headers } from '../../../src/http/h2/h2-headers.ts';
import { HeaderRecord } from '../../../src/http/headers.ts';
import { PreparedRequest } from '../../../src/http/prepared-request.ts';
import { InvalidRequestError } from '../../../src/index.ts';

function request(
  headers: Record<string, string> = {},
  { method = 'GET', origin = 'https://api.example:8443', path = '/users?page=2' } = {},
): PreparedRequest {
  return new PreparedRequest(
    method,
    origin,
    path,
    Object.assign(new HeaderRecord(), headers),
    null,
    true,
  );
}

/** The block as a plain object (for deepEqual) with its names in order. */
function block(prepared: PreparedRequest): Record<string, string> {
  return { ...h2Headers(prepared) };
}

function refused(prepared: PreparedRequest, message: RegExp): void {
  assert.throws(
    () => h2Headers(prepared),
    (error: unknown) => {
      assert.ok(error instanceof InvalidRequestError);
      assert.equal(error.code, 'FANOUT_INVALID_REQUEST');
      assert.match(error.message, message);
      return true;
    },
  );
}

describe('h2Headers: pseudo-headers', () => {
  test('come first, from the method and URL, then the fields in their order', () => {
    const result = block(request({ accept: 'application/json', 'x-b': '2' }));
    assert.deepEqual(Object.entries(result), [
      [':method', 'GET'],
      [':scheme', 'https'],
      [':authority', 'api.example:8443'],
      [':path', '/users?page=2'],
      ['accept', 'application/json'],
      ['x-b', '2'],
    ]);
  });

  test('`host` becomes `:authority` and is not sent as a field', () => {
    const result = block(request({ host: 'virtual.example', accept: '*/*' }));
    assert.equal(result[':authority'], 'virtual.example');
    assert.equal(result.host, undefined);
    assert.deepEqual(Object.keys(result).slice(0, 4), [
      ':method',
      ':scheme',
      ':authority',
      ':path',
    ]);
  });

  test('an empty `host` leaves the URL authority; IPv6 and http origins keep their form', () => {
    assert.equal(block(request({ host: '' }))[':authority'], 'api.example:8443');
    const v6 = block(request({}, { origin: 'http://[::1]:8080', path: '/' }));
    assert.equal(v6[':scheme'], 'http');
    assert.equal(v6[':authority'], '[::1]:8080');
  });

  test('an empty path is sent as `/`', () => {
    assert.equal(block(request({}, { path: '' }))[':path'], '/');
  });

  test('the request is not changed', () => {
    const prepared = request({ connection: 'close', host: 'h', te: 'gzip' });
    h2Headers(prepared);
    assert.deepEqual({ ...prepared.headers }, { connection: 'close', host: 'h', te: 'gzip' });
  });
});

describe('h2Headers: connection-specific fields are dropped', () => {
  for (const name of [
    'connection',
    'keep-alive',
    'proxy-connection',
    'transfer-encoding',
    'upgrade',
    'http2-settings',
  ]) {
    test(`\`${name}\``, () => {
      const result = block(request({ [name]: 'x', accept: '*/*' }));
      assert.equal(result[name], undefined);
      assert.equal(result.accept, '*/*');
    });
  }

  test('and every field the `connection` header names', () => {
    const result = block(
      request({ connection: 'close, X-Hop ,x-other', 'x-hop': '1', 'x-other': '2', 'x-end': '3' }),
    );
    assert.equal(result['x-hop'], undefined);
    assert.equal(result['x-other'], undefined);
    assert.equal(result['x-end'], '3');
  });

  test('`te` is sent only as `trailers`', () => {
    assert.equal(block(request({ te: 'trailers' })).te, 'trailers');
    assert.equal(block(request({ te: 'gzip, Trailers' })).te, 'trailers');
    assert.equal(block(request({ te: 'gzip' })).te, undefined);
    assert.ok(!('te' in block(request({ te: 'deflate;q=0.5' }))));
  });
});

describe('h2Headers: values', () => {
  test('spaces and tabs at either end are trimmed, inner ones kept, obs-text kept', () => {
    const result = block(request({ 'x-a': ' \t a b\t ', 'x-b': 'caf\u00e9', 'x-c': '' }));
    assert.equal(result['x-a'], 'a b');
    assert.equal(result['x-b'], 'caf\u00e9');
    assert.equal(result['x-c'], '');
  });

  for (const [label, char] of [
    ['CR', '\r'],
    ['LF', '\n'],
    ['NUL', '\0'],
  ] as const) {
    test(`a value with ${label} is refused, and the message leaves the value out`, () => {
      const prepared = request({ authorization: `Bearer s3cret${char}x` });
      refused(prepared, /^Invalid value for header "authorization": it contains CR, LF or NUL/);
      assert.throws(
        () => h2Headers(prepared),
        (error: Error) => !error.message.includes('s3cret'),
      );
    });
  }

  test('a value with another control character or a character above U+00FF is refused', () => {
    for (const value of ['a\u0001b', 'a\u007fb', 'a\u0100b', '\u{1f600}']) {
      refused(
        request({ 'x-a': value }),
        /^Invalid value for header "x-a": it contains a control character or a character above U\+00FF/,
      );
    }
  });

  test('a refused `connection` value is checked too, though the field is dropped', () => {
    refused(request({ connection: 'close\r\nx: y' }), /header "connection": it contains CR, LF/);
  });
});

describe('h2Headers: names', () => {
  for (const name of [':path', ':authority', ':status', ':custom']) {
    test(`a caller-given pseudo-header \`${name}\` is refused`, () => {
      refused(request({ [name]: '/x' }), /^Invalid header name ".*": HTTP\/2 pseudo-headers/);
    });
  }

  test('an upper-case name is refused (HTTP/2 names are lower-case)', () => {
    refused(
      request({ 'X-Upper': 'a' }),
      /^Invalid header name "X-Upper": HTTP\/2 header names are lower-case/,
    );
  });

  test('a name that is no token is refused', () => {
    for (const name of ['', 'a b', 'a:b', 'caf\u00e9', 'x\r\n']) {
      refused(request({ [name]: 'a' }), /^Invalid header name /);
    }
  });

  test('the message ends with the method and the redacted URL', () => {
    const prepared = request({ 'X-A': '1' }, { path: '/x?token=hunter2' });
    refused(prepared, /: GET https:\/\/api\.example:8443\/x\?token=REDACTED$/);
  });
});

describe('h2Headers: method and path', () => {
  test('a method that is no token is refused; CONNECT is refused as on HTTP/1.1', () => {
    refused(request({}, { method: 'GE T' }), /^Invalid method "GE T": expected an HTTP token/);
    refused(request({}, { method: '' }), /^Invalid method "": expected an HTTP token/);
    refused(request({}, { method: 'CONNECT' }), /^Invalid method "CONNECT": it opens a tunnel/);
  });

  test('a path with a space, a control character or a character above U+00FF is refused', () => {
    for (const path of ['/a b', '/a\r\nb', '/a\u0000', '/\u0100']) {
      refused(request({}, { path }), /^Invalid request path: it contains a space/);
    }
  });
});

describe('h2Headers: values a hook wrote past the types', () => {
  test('`undefined` is skipped, a number or boolean sent as text, anything else refused', () => {
    const written = { 'x-none': undefined, 'x-n': 5, 'x-b': false } as unknown as Record<
      string,
      string
    >;
    const result = block(request(written));
    assert.equal('x-none' in result, false);
    assert.equal(result['x-n'], '5');
    assert.equal(result['x-b'], 'false');
    for (const value of [null, {}, ['a']]) {
      refused(
        request({ 'x-o': value } as unknown as Record<string, string>),
        /^Invalid value for header "x-o": expected a string, got (null|object)/,
      );
    }
  });
});
