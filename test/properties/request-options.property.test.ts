import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { FuturesSession, type RequestOptions, type Response, Session } from '../../src/index.ts';
import { anyString, paramPairs, paramsOf, wildValue } from './arbitraries.ts';
import { type Outcome, outcomeOf, runs, watchUnhandledRejections } from './property-run.ts';
import { isCleanHead, startRawServer } from './raw-server.ts';

const server = await startRawServer({ after });

// Errors that refuse a call before it is sent: nothing may reach the server.
const REFUSALS = new Set(['FANOUT_INVALID_OPTION', 'FANOUT_INVALID_REQUEST', 'FANOUT_INVALID_URL']);
// How long one call may take: the server answers at once, so any call still pending after this
// is the hang the property looks for (the default total timeout is 30 s).
const CALL_BOUND_MS = 3_000;

/** A timeout phase value: valid, off, or wrong. */
const phaseValue = fc.oneof(fc.constantFrom(1, 50, 5_000, false, true, 0, -1), wildValue);

/** Bodies of every kind the type allows and some it does not. */
const bodyValue: fc.Arbitrary<unknown> = fc.oneof(
  wildValue,
  anyString,
  fc
    .constantFrom(
      () => Buffer.from('bytes'),
      () => new Uint8Array([1, 2, 3]),
      () => new ArrayBuffer(4),
      () => new Blob(['blob']),
      () => Readable.from(['a', 'b']),
      () => Readable.from([]),
      () => Readable.from([1, 2] as never),
      () =>
        (async function* () {
          yield Buffer.from('x');
        })(),
      () =>
        (async function* () {
          yield 'text' as never;
        })(),
      () =>
        (async function* () {
          yield Buffer.from('first');
          throw new Error('body source failed');
        })(),
      () =>
        (function* () {
          yield Buffer.from('sync');
        })(),
      () => [Buffer.from('array')],
      () => new ReadableStream({ start: (c) => c.close() }),
      () => new ReadableStream({ start: (c) => c.error(new Error('web stream failed')) }),
      () => {
        const form = new FormData();
        form.set('a', '1');
        return form;
      },
    )
    .map((make) => ({ make })),
);

/** For each option of a request, odd values of its own shape besides {@link wildValue}. */
const valuesByKey: Record<string, fc.Arbitrary<unknown>> = {
  timeout: fc.oneof(
    wildValue,
    fc.record(
      { connect: phaseValue, headers: phaseValue, body: phaseValue, total: phaseValue },
      { requiredKeys: [] },
    ),
  ),
  retry: fc.oneof(
    wildValue,
    fc.record(
      {
        limit: fc.oneof(fc.constantFrom(0, 1, 3), wildValue),
        methods: fc.oneof(fc.constant(['POST', 'get']), wildValue),
        statusCodes: fc.oneof(fc.constant([200]), fc.constant([599]), wildValue),
        baseDelay: fc.oneof(fc.constantFrom(0, 1), wildValue),
        maxDelay: fc.oneof(fc.constantFrom(0, 1), wildValue),
        maxRetryAfter: wildValue,
      },
      { requiredKeys: [] },
    ),
  ),
  redirect: fc.oneof(wildValue, fc.record({ max: wildValue }, { requiredKeys: [] })),
  maxBodySize: fc.oneof(wildValue, fc.constantFrom(0, 1, 2, 1_000)),
  decompress: wildValue,
  params: fc.oneof(
    wildValue,
    fc.tuple(paramPairs, fc.boolean()).map(([pairs, asSearch]) => paramsOf(pairs, asSearch)),
  ),
  form: fc.oneof(
    wildValue,
    fc.tuple(paramPairs, fc.boolean()).map(([pairs, asSearch]) => paramsOf(pairs, asSearch)),
  ),
  json: fc.oneof(wildValue, fc.jsonValue(), anyString),
  body: bodyValue,
  stream: wildValue,
  cookies: fc.oneof(
    wildValue,
    fc.dictionary(anyString, fc.oneof(anyString, wildValue), { maxKeys: 3 }),
  ),
  auth: fc.oneof(
    wildValue,
    fc.record({ username: fc.oneof(anyString, wildValue), password: wildValue }),
    fc.record({ bearer: fc.oneof(anyString, wildValue) }),
  ),
  hooks: fc.oneof(
    wildValue,
    fc.dictionary(
      fc.constantFrom('beforeRequest', 'afterResponse', 'beforeRetry', 'beforeRedirect', 'other'),
      fc.oneof(wildValue, fc.array(wildValue, { maxLength: 2 })),
      { maxKeys: 2 },
    ),
  ),
  headers: wildValue,
  signal: wildValue,
  deadline: fc.oneof(wildValue, fc.constant(new Date(Number.NaN))),
  priority: wildValue,
  proxy: wildValue,
  ca: wildValue,
  rejectUnauthorized: wildValue,
};

/** Request options: a few keys of {@link valuesByKey}, some random keys; bodies built per run. */
const requestOptions = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...Object.keys(valuesByKey)) },
      { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
    ),
    { minLength: 1, maxLength: 3 },
  )
  .chain((keys) =>
    fc.tuple(...keys.map((key) => fc.tuple(fc.constant(key), valuesByKey[key] ?? wildValue))),
  );

/** The options of one run, with each body made fresh (a stream is read once). */
function optionsOf(entries: readonly (readonly [string, unknown])[]): RequestOptions {
  const options: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    const isMaker = typeof value === 'object' && value !== null && 'make' in value;
    options[key] = isMaker ? (value as { make: () => unknown }).make() : value;
  }
  return options as RequestOptions;
}

/** `call`'s outcome, or a failure when it is still pending after {@link CALL_BOUND_MS}. */
async function bounded<T>(call: () => Promise<T>, what: string): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: ${what}`)), CALL_BOUND_MS);
  });
  try {
    return await Promise.race([outcomeOf(call), hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads a streamed body to its end (a streamed call is complete once it is consumed). */
async function consume(response: Response): Promise<void> {
  if (response.body === undefined || response.body === null) return;
  for await (const _chunk of response.body as AsyncIterable<unknown>);
}

/** Checks one call: refused before sending, completed with 200, or failed typed; a clean head. */
function check(outcome: Outcome<Response>): void {
  const heads = server.requests.map((request) => request.head);
  assert.ok(heads.every(isCleanHead), 'CR, LF or NUL reached the wire');
  if (outcome.ok) {
    assert.equal(outcome.value.status, 200);
    return;
  }
  if (REFUSALS.has(outcome.code)) {
    assert.equal(server.requests.length, 0, `refused yet sent: ${outcome.error.message}`);
  }
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD'] as const;

describe('per-request options (property)', () => {
  test('Session: wrong types and edge values → typed refusal before sending, or completed, never a hang', async (t) => {
    watchUnhandledRejections(t);
    const session = new Session({ baseURL: server.origin });
    t.after(() => session.close());
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...METHODS), requestOptions, async (method, entries) => {
        server.reset();
        const what = `${method} ${JSON.stringify(entries, (_k, v) => safeJSON(v))}`;
        const outcome = await bounded(async () => {
          const response = await session.request(method, '/options', optionsOf(entries));
          await consume(response);
          return response;
        }, what);
        check(outcome);
      }),
      runs(200, 5_000),
    );
  });

  test('FuturesSession: the same options, same outcomes', async (t) => {
    watchUnhandledRejections(t);
    const futures = new FuturesSession({ baseURL: server.origin, maxWorkers: 2 });
    t.after(() => futures.close());
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...METHODS), requestOptions, async (method, entries) => {
        server.reset();
        const what = `${method} ${JSON.stringify(entries, (_k, v) => safeJSON(v))}`;
        const outcome = await bounded(async () => {
          const response = await futures.request(method, '/options', optionsOf(entries));
          await consume(response);
          return response;
        }, what);
        check(outcome);
      }),
      runs(100, 3_000),
    );
  });
});

/** A value JSON can show in a failure message (bigints, symbols and functions by name). */
function safeJSON(value: unknown): unknown {
  if (typeof value === 'bigint' || typeof value === 'symbol') return String(value);
  if (typeof value === 'function') return 'function';
  return value;
}
