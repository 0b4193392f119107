import fc from 'fast-check';

/** CR, LF or NUL: the characters that split or end a line of an HTTP head. */
export const unsafeChar = fc.constantFrom('\r', '\n', '\0');

const printableASCII = fc
  .integer({ min: 0x21, max: 0x7e })
  .map((code) => String.fromCharCode(code));
const controlChar = fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code));
const obsText = fc.integer({ min: 0x80, max: 0xff }).map((code) => String.fromCharCode(code));
const beyondLatin1 = fc.constantFrom('é', 'ß', 'ı', '€', '\u2028', '\u3002', '\ufeff', '😀', 'Ω');

/** A character of any class a header or URL may meet: printable, controls, obs-text, unicode. */
export const anyChar = fc.oneof(
  { weight: 6, arbitrary: printableASCII },
  { weight: 1, arbitrary: fc.constantFrom(' ', '\t', '\x7f') },
  { weight: 1, arbitrary: unsafeChar },
  { weight: 1, arbitrary: controlChar },
  { weight: 1, arbitrary: obsText },
  { weight: 1, arbitrary: beyondLatin1 },
);

/** A short string of {@link anyChar}. */
export const anyString = fc.string({ unit: anyChar, maxLength: 24 });

/** A string of printable ASCII (no space), the plainest valid header value or path piece. */
export const printableString = fc.string({ unit: printableASCII, maxLength: 24 });

/** A header-name token (RFC 9110 tchar), sometimes in mixed case. */
export const tokenString = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,16}$/);

/** Header names: mostly tokens, some with any character, some prototype keys. */
export const headerName = fc.oneof(
  { weight: 4, arbitrary: tokenString },
  { weight: 2, arbitrary: anyString },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'Host', '') },
);

/** Header values: random characters of every class, sometimes very long. */
export const headerValue = fc.oneof(
  { weight: 6, arbitrary: anyString },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1_000, max: 12_000 }), fc.option(unsafeChar))
      .map(([length, bad]) => 'v'.repeat(length) + (bad ?? '')),
  },
);

/** Query-parameter keys and values, prototype keys and URL delimiters included. */
export const paramText = fc.oneof(
  { weight: 3, arbitrary: anyString },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '__proto__',
      'constructor',
      'prototype',
      'hasOwnProperty',
      '',
      '&',
      '=',
      '#',
      '%',
      '+',
      '?',
      '%00',
      'a b',
    ),
  },
);

const paramScalar = fc.oneof(paramText, fc.integer(), fc.boolean());

/** One param value as a record holds it: a scalar, an array of scalars, `null` or `undefined`. */
export const paramValue = fc.oneof(
  { weight: 4, arbitrary: paramScalar },
  { weight: 1, arbitrary: fc.array(paramScalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined) },
);

/** Params as ordered key/value pairs; {@link paramsOf} turns them into a `ParamsInit`. */
export const paramPairs = fc.array(fc.tuple(paramText, paramValue), { maxLength: 5 });

/**
 * A wrong or extreme option value: the wrong type, `null`, `NaN`, infinities, negatives, huge
 * numbers, odd objects.
 */
export const wildValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    undefined,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -1,
    0,
    -0,
    0.5,
    2 ** 31,
    2 ** 53,
    Number.MAX_VALUE,
    1e308,
    '',
    '10',
    'true',
    true,
    false,
  ),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 6 }),
  fc.constant(Symbol('option')),
  fc.constant(10n),
  fc.constant(() => undefined),
  fc.constant([]),
  fc.constant({}),
  fc.constant(Object.create(null)),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);

/** Thrown by the getters that {@link optionObject} defines, to tell it from fanout's own errors. */
export class GetterError extends Error {
  override name = 'GetterError';
}

/** Keys that nested option records (headers, params, timeout, retry, auth, proxy, hooks…) read. */
const nestedKey = fc.constantFrom(
  'x-a',
  'page',
  'max',
  'uri',
  'token',
  'limit',
  'methods',
  'statusCodes',
  'connect',
  'total',
  'username',
  'password',
  'bearer',
  'beforeRequest',
  'afterResponse',
  'name',
);

/**
 * A record or an array (a nested option, `headers: {…}`, `retry: { methods: […] }`) holding
 * a {@link GetterError} getter at `key` (or index 0), beside a plain value.
 */
export const throwingRecord: fc.Arbitrary<unknown> = fc
  .tuple(nestedKey, fc.boolean(), fc.boolean())
  .map(([key, isArray, nested]) => {
    const holder = Object.defineProperty(isArray ? ['a'] : { a: '1' }, isArray ? 0 : key, {
      enumerable: true,
      configurable: true,
      get() {
        throw new GetterError(`getter of ${key}`);
      },
    });
    // fast-check would call the getter to print a counterexample.
    const shown = `${isArray ? `[<throws>, 'a']` : `{ ${key}: <throws>, a: '1' }`}`;
    Object.defineProperty(holder, fc.toStringMethod, { value: () => shown });
    // One level deeper as well: `retry: { methods: [getter] }`, `proxy: { uri: getter }`.
    return nested ? { [key]: holder } : holder;
  });

/**
 * An options object with some of `keys` (and random other keys) set to {@link wildValue}s, some
 * of them as getters that throw a {@link GetterError}, some as records or arrays holding one
 * ({@link throwingRecord}).
 */
export function optionObject(keys: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  const key = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...keys) },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  );
  const value = fc.oneof(
    { weight: 8, arbitrary: wildValue },
    { weight: 2, arbitrary: throwingRecord },
  );
  const entry = fc.tuple(
    key,
    value,
    fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  );
  return fc.array(entry, { maxLength: 4 }).map((entries) => {
    const options: Record<string, unknown> = {};
    for (const [name, value, throws] of entries) {
      Object.defineProperty(options, name, {
        enumerable: true,
        configurable: true,
        ...(throws
          ? {
              get() {
                throw new GetterError(`getter of ${name}`);
              },
            }
          : { value, writable: true }),
      });
    }
    const shown = `{ ${entries.map(([name, value, throws]) => `${JSON.stringify(name)}: ${throws ? '<throws>' : fc.stringify(value)}`).join(', ')} }`;
    Object.defineProperty(options, fc.toStringMethod, { value: () => shown });
    return options;
  });
}

/** `pairs` as a record (own keys, `__proto__` included; a later key wins) or `URLSearchParams`. */
export function paramsOf(
  pairs: readonly (readonly [string, unknown])[],
  asSearchParams: boolean,
): Record<string, never> | URLSearchParams {
  if (!asSearchParams) return Object.fromEntries(pairs) as Record<string, never>;
  const search = new URLSearchParams();
  for (const [key, value] of pairs) search.append(key, String(value));
  return search;
}

/** Pieces of a URL path: separators, dot segments, encoded slashes, `@`, ports, unicode, spaces. */
const pathPiece = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z0-9]{1,6}$/) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '/',
      '//',
      '\\',
      '\\\\',
      '.',
      '..',
      '/./',
      '/../',
      '%2e%2e',
      '.%2e',
      '%2f',
      '%2F',
      '%5c',
      '@',
      'user:pw@',
      ':80',
      ':',
      '?',
      '?q=1',
      '&',
      '#',
      '#frag',
      ' ',
      '\t',
      '%20',
      '%',
      '%zz',
      'é',
      'ß',
      '\u3002',
      '\ufeff',
      '[::1]',
    ),
  },
  { weight: 1, arbitrary: anyChar },
);

/** A path-like string, relative or rooted, made of {@link pathPiece}s. */
export const pathLike = fc.array(pathPiece, { maxLength: 6 }).map((pieces) => pieces.join(''));

/** Schemes (real, mistyped and forbidden) and protocol-relative starts for absolute URL strings. */
export const schemePart = fc.constantFrom(
  'http://',
  'https://',
  'HTTP://',
  'http:/',
  'http:',
  'http:\\\\',
  '//',
  '\\\\',
  '/\\',
  ' //',
  'javascript:',
  'file://',
  'data:text/plain,',
  'ftp://',
  'ws://',
  'blob:http://',
);

/**
 * Authorities pointing at `hosts` (loopback `host:port` strings a test listens on) or elsewhere:
 * userinfo, `@` tricks, IPv6 literals, odd ports, IDN, numeric IPv4 forms.
 */
export function authorityPart(hosts: readonly string[]): fc.Arbitrary<string> {
  const host = fc.constantFrom(...hosts);
  return fc.oneof(
    { weight: 3, arbitrary: host },
    { weight: 1, arbitrary: host.map((h) => `user:pw@${h}`) },
    { weight: 1, arbitrary: host.map((h) => `u%40x:p%3Aw@${h}`) },
    { weight: 1, arbitrary: host.map((h) => `${h}@evil.example`) },
    { weight: 1, arbitrary: host.map((h) => `evil.example@${h}`) },
    { weight: 1, arbitrary: host.map((h) => `${h}\\@evil.example`) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'evil.example',
        'evil.example:8080',
        '[::1]:1',
        '[::ffff:127.0.0.1]:1',
        '127.0.0.1:99999',
        '127.0.0.1:-1',
        '127.0.0.1:0',
        '0x7f.1:1',
        '2130706433:1',
        'bücher.example',
        'xn--bcher-kva.example',
        'exa mple.test',
        '',
      ),
    },
  );
}

const cookieName = fc.oneof(
  { weight: 4, arbitrary: tokenString },
  { weight: 1, arbitrary: anyString },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '__Secure-id',
      '__Host-id',
      '',
      ' a',
      'a b',
      '__proto__',
      'constructor',
    ),
  },
);

const cookieText = fc.oneof(
  { weight: 4, arbitrary: printableString },
  { weight: 2, arbitrary: anyString },
  { weight: 1, arbitrary: printableString.map((text) => `"${text}"`) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 6_000 }).map((n) => 'v'.repeat(n)) },
);

/**
 * `Domain` values a server on one of `hosts` may send: its own host, the other's, parent-like
 * suffixes of an IP, a trailing dot, a port, a name, an empty value.
 */
function cookieDomain(hosts: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...hosts) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        ...hosts.flatMap((host) => [`.${host}`, `${host}.`, `${host}:80`, host.slice(2)]),
        '0.0.1',
        '.0.0.1',
        '127.0.0.01',
        '2130706434',
        'localhost',
        'evil.example',
        '',
        '.',
      ),
    },
  );
}

const cookieDate = fc.oneof(
  fc
    .date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true })
    .map((d) => d.toUTCString()),
  fc.constantFrom('Thu, 01 Jan 1970 00:00:01 GMT', 'tomorrow', '', '31 Dec 9999 23:59:59 GMT'),
);

/**
 * A `Set-Cookie` attribute: Domain (see {@link cookieDomain}), Path, Secure, HttpOnly, SameSite,
 * Expires, Max-Age, in any case, with junk values and junk attributes among them.
 */
function cookieAttribute(hosts: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: cookieDomain(hosts).map((domain) => `Domain=${domain}`) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom('/', '/a', '/a/', '', 'a', '/..', '/%2e%2e', '/a b', '//')
        .map((path) => `Path=${path}`),
    },
    { weight: 3, arbitrary: fc.constantFrom('Secure', 'secure', 'SECURE', 'Secure=no') },
    { weight: 1, arbitrary: fc.constantFrom('HttpOnly', 'httponly') },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('Strict', 'Lax', 'None', 'none', 'junk', '')
        .map((value) => `SameSite=${value}`),
    },
    { weight: 1, arbitrary: cookieDate.map((date) => `Expires=${date}`) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(fc.integer({ min: -10, max: 100_000 }).map(String), fc.constantFrom('1e30', 'x', ''))
        .map((age) => `Max-Age=${age}`),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(anyString, fc.constantFrom('=', ';', 'Partitioned', 'Priority=High')),
    },
  );
}

/**
 * A `Set-Cookie` value a server on one of `hosts` may answer with: a random name and value, up to
 * five attributes with odd separators, and CR, LF or NUL inside it now and then (never two in a
 * row, never at an end, so the response head cannot end early and leave the client waiting).
 */
export function setCookieValue(hosts: readonly string[]): fc.Arbitrary<string> {
  const line = fc
    .tuple(
      cookieName,
      cookieText,
      fc.array(fc.tuple(fc.constantFrom('; ', ';', ' ; ', ';;'), cookieAttribute(hosts)), {
        maxLength: 5,
      }),
    )
    .map(
      ([name, value, attributes]) =>
        `${name}=${value}${attributes.map(([separator, attribute]) => separator + attribute).join('')}`,
    );
  const withUnsafe = fc.tuple(line, unsafeChar, fc.nat()).map(([text, bad, at]) => {
    const cut = 1 + (at % Math.max(1, text.length - 1));
    return text.slice(0, cut) + bad + text.slice(cut);
  });
  return fc
    .oneof({ weight: 6, arbitrary: line }, { weight: 1, arbitrary: withUnsafe })
    .filter((text) => !/[\r\n\0]{2}|^[\r\n\0]|[\r\n\0]$/.test(text));
}
