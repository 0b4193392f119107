import { checkBoolean, checkFunction, checkInteger, checkPositiveNumber } from '../core/checks.ts';
import {
  checkKnownOptions,
  fail,
  own,
  ownItems,
  ownOptions,
  ownValue,
  readOption,
} from '../core/validate.ts';
import { InvalidOptionError } from '../errors/invalid-option-error.ts';
import { checkCookies } from './cookie-option.ts';
import { applyHeaders, normalizeHeaders, UNSAFE_CHARS } from './headers.ts';
import type { Hooks } from './hooks.ts';
import {
  AUTH_OPTIONS,
  HOOK_OPTIONS,
  REDIRECT_OPTIONS,
  RETRY_OPTIONS,
  TIMEOUT_OPTIONS,
} from './known-options.ts';
import type {
  Auth,
  AuthState,
  CommonOptions,
  ProxyOptions,
  RequestOptions,
  RetryOptions,
  SessionOptions,
  TimeoutOptions,
} from './options.ts';
import { CALL_ONLY_KEYS } from './request-option-kinds.ts';
import { checkCA, checkPEM, checkProxy } from './transport-options.ts';
import { encodeParams, mergeParams, normalizeParams, type ParamPairs } from './url.ts';

/** Timeouts in ms; `undefined` means the phase has none. */
export interface Timeouts {
  readonly connect: number | undefined;
  readonly headers: number | undefined;
  readonly body: number | undefined;
  readonly total: number | undefined;
}

/** A normalised retry policy. */
export interface RetryPolicy {
  readonly limit: number;
  readonly methods: ReadonlySet<string>;
  readonly statusCodes: ReadonlySet<number>;
  readonly baseDelay: number;
  readonly maxDelay: number;
  readonly maxRetryAfter: number;
}

/** Auth as the pipeline uses it: a fixed header value or a signing function. */
export interface ResolvedAuth {
  readonly header: string | undefined;
  readonly sign: ((state: AuthState) => void | Promise<void>) | undefined;
}

/** TLS, proxy and connect-timeout settings: requests that share them share a connection pool. */
export interface TransportSettings {
  readonly connectTimeout: number | undefined;
  readonly ca: SessionOptions['ca'];
  readonly cert: SessionOptions['cert'];
  readonly key: SessionOptions['key'];
  readonly rejectUnauthorized: boolean;
  readonly proxy: ProxyOptions | undefined;
}

/**
 * Everything one request needs from its options, merged and validated. A session computes its own
 * once; a request without options uses the session's object as it is.
 */
export interface Config {
  /** Lower-case header names; frozen, shared by every request that adds no header of its own. */
  readonly headers: Readonly<Record<string, string>>;
  readonly params: ParamPairs;
  /** `params` encoded as a query string. */
  readonly query: string;
  readonly auth: ResolvedAuth | undefined;
  readonly cookies: Readonly<Record<string, string>> | undefined;
  readonly timeout: Timeouts;
  readonly retry: RetryPolicy | undefined;
  /** Redirects to follow; `0` returns 3xx responses as they are. */
  readonly maxRedirects: number;
  readonly hooks: Hooks | undefined;
  readonly maxBodySize: number;
  readonly decompress: boolean;
  readonly transport: TransportSettings;
}

/** The defaults of every option, in one place. */
export const DEFAULTS = {
  timeout: { connect: 10_000, headers: false, body: false, total: 30_000 },
  retry: {
    limit: 2,
    methods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'],
    statusCodes: [408, 429, 500, 502, 503, 504],
    baseDelay: 100,
    maxDelay: 5_000,
    maxRetryAfter: 30_000,
  },
  maxRedirects: 30,
  maxBodySize: 64 * 1024 * 1024,
  connections: 64,
  keepAliveTimeout: 4_000,
  pipelining: 1,
  userAgent: 'fanout/0.1',
  acceptEncoding: 'gzip, deflate, br',
} as const;

const NO_HOOKS: Hooks = {
  beforeRequest: [],
  beforeRedirect: [],
  beforeRetry: [],
  afterResponse: [],
};

function phase(name: string, value: number | false | undefined, fallback: number | undefined) {
  if (value === undefined) return fallback;
  if (value === false) return undefined;
  return checkPositiveNumber(`timeout.${name}`, value);
}

function resolveTimeouts(given: number | TimeoutOptions | undefined, base: Timeouts): Timeouts {
  if (given === undefined) return base;
  const input = ownOptions(given, 'timeout');
  checkKnownOptions(input, TIMEOUT_OPTIONS);
  if (typeof input === 'number') {
    return { ...base, total: checkPositiveNumber('timeout', input) };
  }
  if (typeof input !== 'object' || input === null) {
    throw new InvalidOptionError(
      `Expected \`timeout\` to be a number or an object, got ${typeof input}`,
    );
  }
  return {
    connect: phase('connect', input.connect, base.connect),
    headers: phase('headers', input.headers, base.headers),
    body: phase('body', input.body, base.body),
    total: phase('total', input.total, base.total),
  };
}

function resolveRetry(
  input: number | false | RetryOptions | undefined,
  base: RetryPolicy | undefined,
): RetryPolicy | undefined {
  if (input === undefined) return base;
  if (input === false) return undefined;
  const options: RetryOptions =
    typeof input === 'number' ? { limit: input } : ownOptions(input, 'retry');
  checkKnownOptions(options, RETRY_OPTIONS);
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(
      `Expected \`retry\` to be a number, false or an object, got ${typeof input}`,
    );
  }
  const from = base ?? DEFAULTS.retry;
  const policy: RetryPolicy = {
    limit: checkInteger('retry.limit', options.limit ?? from.limit, 0),
    methods: options.methods ? retryMethods(options.methods) : toSet(from.methods),
    statusCodes: options.statusCodes ? retryStatuses(options.statusCodes) : toSet(from.statusCodes),
    baseDelay: checkPositiveNumber('retry.baseDelay', options.baseDelay ?? from.baseDelay, true),
    maxDelay: checkPositiveNumber('retry.maxDelay', options.maxDelay ?? from.maxDelay, true),
    maxRetryAfter: checkPositiveNumber(
      'retry.maxRetryAfter',
      options.maxRetryAfter ?? from.maxRetryAfter,
      true,
    ),
  };
  return policy.limit === 0 ? undefined : policy;
}

// Each list is read once, into a copy that is checked and kept (see ownItems).
function retryMethods(given: unknown): Set<string> {
  const methods = Array.isArray(given) ? ownItems(given, 'retry.methods') : undefined;
  if (methods === undefined || !methods.every((m) => typeof m === 'string')) {
    return fail('retry.methods', 'an array of method names', given);
  }
  return new Set(methods.map((m) => m.toUpperCase()));
}

function retryStatuses(given: unknown): Set<number> {
  const statusCodes = Array.isArray(given) ? ownItems(given, 'retry.statusCodes') : undefined;
  if (statusCodes === undefined || !statusCodes.every((code) => Number.isInteger(code))) {
    return fail('retry.statusCodes', 'an array of status codes', given);
  }
  return new Set(statusCodes as number[]);
}

function toSet<T>(values: Iterable<T>): Set<T> {
  return values instanceof Set ? values : new Set(values);
}

function resolveRedirect(input: CommonOptions['redirect'], base: number): number {
  if (input === undefined) return base;
  if (input === false) return 0;
  if (input === true) return base === 0 ? DEFAULTS.maxRedirects : base;
  checkKnownOptions(input, REDIRECT_OPTIONS);
  return checkInteger('redirect.max', own(input, 'max', 'redirect') ?? DEFAULTS.maxRedirects, 0);
}

function resolveAuth(given: Auth | null | undefined, base: ResolvedAuth | undefined) {
  if (given === undefined) return base;
  const auth = ownOptions(given, 'auth');
  if (auth === null) return undefined;
  if (typeof auth === 'function') return { header: undefined, sign: auth };
  checkKnownOptions(auth, AUTH_OPTIONS);
  if (typeof auth === 'object' && 'bearer' in auth && typeof auth.bearer === 'string') {
    return { header: `Bearer ${checkHeaderSafe('auth.bearer', auth.bearer)}`, sign: undefined };
  }
  if (typeof auth === 'object' && 'username' in auth) {
    const { username, password = '' } = auth as { username: unknown; password?: unknown };
    if (typeof username !== 'string') fail('auth.username', 'a string', username);
    if (typeof password !== 'string') fail('auth.password', 'a string', password);
    return { header: basicAuth(username, password), sign: undefined };
  }
  throw new InvalidOptionError(
    'Expected `auth` to be { username, password }, { bearer } or a function',
  );
}

function checkHeaderSafe(name: string, value: string): string {
  if (UNSAFE_CHARS.test(value)) {
    throw new InvalidOptionError(`\`${name}\` contains CR, LF or NUL`);
  }
  return value;
}

/** The `Authorization` value of HTTP Basic credentials. */
export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

function resolveHooks(given: Partial<Hooks> | undefined, base: Hooks | undefined) {
  if (given === undefined) return base;
  if (typeof given !== 'object' || given === null) fail('hooks', 'an object of hook lists', given);
  const input = ownOptions(given, 'hooks');
  checkKnownOptions(input, HOOK_OPTIONS);
  const from = base ?? NO_HOOKS;
  const hooks: Hooks = {
    beforeRequest: concatHooks('beforeRequest', from.beforeRequest, input.beforeRequest),
    beforeRedirect: concatHooks('beforeRedirect', from.beforeRedirect, input.beforeRedirect),
    beforeRetry: concatHooks('beforeRetry', from.beforeRetry, input.beforeRetry),
    afterResponse: concatHooks('afterResponse', from.afterResponse, input.afterResponse),
  };
  const count =
    hooks.beforeRequest.length +
    hooks.beforeRedirect.length +
    hooks.beforeRetry.length +
    hooks.afterResponse.length;
  return count === 0 ? undefined : hooks;
}

// The list given is read once, into a copy that is checked and kept (see ownItems): the
// caller's array, changed later, changes nothing.
function concatHooks<H>(name: string, base: readonly H[], given: readonly H[] | undefined) {
  if (given === undefined) return base;
  if (!Array.isArray(given)) {
    throw new InvalidOptionError(`Expected \`hooks.${name}\` to be an array of functions`);
  }
  const extra = ownItems(given, `hooks.${name}`) as H[];
  for (const [index, hook] of extra.entries()) checkFunction(`hooks.${name}[${index}]`, hook);
  return base.length === 0 ? extra : [...base, ...extra];
}

function resolveTransport(
  options: RequestOptions | SessionOptions,
  base: TransportSettings,
  connectTimeout: number | undefined,
): TransportSettings {
  const ca = ownValue(options, 'ca', options.ca);
  const cert = ownValue(options, 'cert', options.cert);
  const key = ownValue(options, 'key', options.key);
  const rejectUnauthorized = ownValue(options, 'rejectUnauthorized', options.rejectUnauthorized);
  const proxy = ownValue(options, 'proxy', options.proxy);
  if (
    ca === undefined &&
    cert === undefined &&
    key === undefined &&
    rejectUnauthorized === undefined &&
    proxy === undefined &&
    connectTimeout === base.connectTimeout
  ) {
    return base;
  }
  return {
    connectTimeout,
    ca: ca === undefined ? base.ca : checkCA(ca),
    cert: cert === undefined ? base.cert : checkPEM('cert', cert),
    key: key === undefined ? base.key : checkPEM('key', key),
    rejectUnauthorized:
      rejectUnauthorized === undefined
        ? base.rejectUnauthorized
        : checkBoolean('rejectUnauthorized', rejectUnauthorized),
    proxy: proxy === undefined ? base.proxy : checkProxy(proxy),
  };
}

const EMPTY_TRANSPORT: TransportSettings = {
  connectTimeout: undefined,
  ca: undefined,
  cert: undefined,
  key: undefined,
  rejectUnauthorized: true,
  proxy: undefined,
};

/** The configuration every request starts from: the defaults, before any session options. */
export const BASE_CONFIG: Config = {
  headers: Object.freeze({
    'user-agent': DEFAULTS.userAgent,
    accept: '*/*',
    'accept-encoding': DEFAULTS.acceptEncoding,
  }),
  params: [],
  query: '',
  auth: undefined,
  cookies: undefined,
  timeout: { connect: 10_000, headers: undefined, body: undefined, total: 30_000 },
  retry: resolveRetry({}, undefined),
  maxRedirects: DEFAULTS.maxRedirects,
  hooks: undefined,
  maxBodySize: DEFAULTS.maxBodySize,
  decompress: true,
  transport: { ...EMPTY_TRANSPORT, connectTimeout: DEFAULTS.timeout.connect },
};

// Own keys only (see `own`): an inherited key never counts as an option. Call-only keys (see
// REQUEST_OPTION_KINDS) leave the config as it is.
function touchesConfig(options: object): boolean {
  for (const key in options) {
    if (
      !CALL_ONLY_KEYS.has(key) &&
      ownValue(options, key, readOption(options, key, 'options')) !== undefined
    )
      return true;
  }
  return false;
}

/**
 * Merges `options` over `base` as requests does: headers and params key by key (case-insensitive
 * header names, `null` removes), cookies key by key, hooks lists concatenated, everything else
 * replaced. Returns `base` itself when `options` changes nothing. Never mutates its arguments.
 * Only own properties of `options` are read (never one inherited from a polluted prototype), and
 * reading them allocates nothing.
 */
export function merge(base: Config, options: CommonOptions & RequestOptions): Config {
  if (!touchesConfig(options)) return base;
  let headers = base.headers;
  const headersGiven = ownValue(options, 'headers', options.headers);
  if (headersGiven !== undefined) headers = applyHeaders(headers, normalizeHeaders(headersGiven));
  const decompressGiven = ownValue(options, 'decompress', options.decompress);
  const decompress =
    decompressGiven === undefined ? base.decompress : checkBoolean('decompress', decompressGiven);
  if (!decompress && base.decompress && headers['accept-encoding'] === DEFAULTS.acceptEncoding) {
    headers = applyHeaders(headers, { 'accept-encoding': null });
  }
  let params = base.params;
  let query = base.query;
  const paramsGiven = ownValue(options, 'params', options.params);
  if (paramsGiven !== undefined) {
    params = mergeParams(params, normalizeParams(paramsGiven));
    query = encodeParams(params);
  }
  const cookies = ownValue(options, 'cookies', options.cookies);
  const maxBodySize = ownValue(options, 'maxBodySize', options.maxBodySize);
  const timeout = resolveTimeouts(ownValue(options, 'timeout', options.timeout), base.timeout);
  return {
    headers: headers === base.headers ? headers : Object.freeze(headers),
    params,
    query,
    auth: resolveAuth(ownValue(options, 'auth', options.auth), base.auth),
    cookies: cookies === undefined ? base.cookies : checkCookies(cookies, base.cookies),
    timeout,
    retry: resolveRetry(ownValue(options, 'retry', options.retry), base.retry),
    maxRedirects: resolveRedirect(
      ownValue(options, 'redirect', options.redirect),
      base.maxRedirects,
    ),
    hooks: resolveHooks(ownValue(options, 'hooks', options.hooks), base.hooks),
    maxBodySize:
      maxBodySize === undefined ? base.maxBodySize : checkInteger('maxBodySize', maxBodySize, 0),
    decompress,
    transport: resolveTransport(options, base.transport, timeout.connect),
  };
}
