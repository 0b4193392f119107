import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { type Response, Session } from '../../src/index.ts';
import { anyString, headerName, headerValue, tokenString } from './arbitraries.ts';
import { type Outcome, outcomeOf, runs, watchUnhandledRejections } from './property-run.ts';
import { isCleanHead, type RawRequest, startRawServer } from './raw-server.ts';

const server = await startRawServer({ after });
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Names undici manages itself or refuses: a value for them may be refused, dropped or rewritten.
const FRAMING = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'proxy-connection',
]);
// What a header value must be made of to be sent as is: visible ASCII, obs-text, inner spaces.
const SENDABLE = /^[\x21-\x7e\x80-\xff]([\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?$/;

const headerEntry = fc.tuple(
  fc.oneof(headerName, fc.constantFrom(...FRAMING)),
  fc.oneof(
    { weight: 6, arbitrary: headerValue },
    { weight: 1, arbitrary: fc.array(anyString, { minLength: 1, maxLength: 3 }) },
    { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null)) },
  ),
);
const headerEntries = fc.array(headerEntry, { maxLength: 4 });

/** The headers a record asks for, as fanout normalises them: lower-case names, the last one wins. */
function expectedHeaders(record: Record<string, unknown>): Map<string, string | null> {
  const expected = new Map<string, string | null>();
  for (const name of Object.keys(record)) {
    const value = record[name];
    if (value === undefined) continue;
    expected.set(
      name.toLowerCase(),
      value === null ? null : Array.isArray(value) ? value.join(', ') : String(value),
    );
  }
  return expected;
}

/** Whether fanout must refuse these headers (CR/LF/NUL in a value, a name that is no token). */
function mustRefuse(record: Record<string, unknown>): boolean {
  return Object.keys(record).some((name) => {
    const value = record[name];
    if (value === undefined) return false;
    if (!TOKEN.test(name)) return true;
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    return value !== null && /[\r\n\0]/.test(text);
  });
}

/** Whether every header is plainly sendable, so the request must reach the server with them. */
function mustSend(expected: Map<string, string | null>): boolean {
  for (const [name, value] of expected) {
    if (!TOKEN.test(name) || FRAMING.has(name)) return false;
    if (value !== null && value !== '' && !SENDABLE.test(value)) return false;
  }
  return true;
}

function receivedValue(request: RawRequest, name: string): string | undefined {
  const found = request.headers.filter(([key]) => key === name).map(([, value]) => value);
  return found.length === 0 ? undefined : found.join(', ');
}

/**
 * Checks what sending headers did: a typed `FANOUT_INVALID_REQUEST` with nothing on the wire (never
 * for plainly sendable headers), or one request with a clean head carrying `expected` as given
 * (never when `isUnsafe`).
 */
function checkSent(
  outcome: Outcome<Response>,
  expected: Map<string, string | null>,
  isUnsafe: boolean,
): void {
  assert.ok(isCleanHead(server.received()), 'CR, LF or NUL reached the wire');
  if (!outcome.ok) {
    assert.equal(outcome.code, 'FANOUT_INVALID_REQUEST', outcome.error.message);
    assert.equal(server.requests.length, 0, 'a refused request reached the server');
    assert.ok(!mustSend(expected), `refused sendable headers: ${outcome.error.message}`);
    return;
  }
  assert.ok(!isUnsafe, 'unsafe headers were accepted');
  assert.equal(outcome.value.status, 200);
  const [request] = server.requests;
  assert.ok(request !== undefined && server.requests.length === 1);
  for (const [name, value] of expected) {
    if (FRAMING.has(name) || value === null) continue;
    assert.equal(receivedValue(request, name), value.trim(), `header ${name}`);
  }
}

/** Sends `record` as the headers of one request and checks it with {@link checkSent}. */
async function sendHeaders(session: Session, record: Record<string, unknown>): Promise<void> {
  server.reset();
  const outcome = await outcomeOf(() =>
    session.get('/headers', { headers: record as Record<string, string> }),
  );
  checkSent(outcome, expectedHeaders(record), mustRefuse(record));
}

/** Writes `record` on the wire copy from a beforeRequest hook, past fanout's own checks. */
async function hookHeaders(session: Session, record: Record<string, string>): Promise<void> {
  server.reset();
  const outcome = await outcomeOf(() =>
    session.get('/headers', {
      hooks: {
        beforeRequest: [
          ({ request }) => {
            for (const name of Object.keys(record))
              request.headers[name.toLowerCase()] = record[name] as string;
          },
        ],
      },
    }),
  );
  checkSent(outcome, expectedHeaders(record), false);
}

describe('header names and values (property)', () => {
  test('per-request headers: typed refusal or sent exactly, never CR/LF/NUL on the wire', async (t) => {
    watchUnhandledRejections(t);
    const session = new Session({ baseURL: server.origin, retry: false });
    t.after(() => session.close());
    await fc.assert(
      fc.asyncProperty(headerEntries, async (entries) => {
        await sendHeaders(session, Object.fromEntries(entries));
      }),
      runs(150, 4_000),
    );
  });

  test('headers written by a beforeRequest hook never put CR/LF/NUL on the wire', async (t) => {
    watchUnhandledRejections(t);
    const session = new Session({ baseURL: server.origin, retry: false });
    t.after(() => session.close());
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(tokenString, headerValue), { maxLength: 3 }), (entries) =>
        hookHeaders(session, Object.fromEntries(entries)),
      ),
      runs(100, 3_000),
    );
  });

  test('session headers: refused at construction with a typed error, or sent on every request', async (t) => {
    watchUnhandledRejections(t);
    await fc.assert(
      fc.asyncProperty(headerEntries, async (entries) => {
        const record = Object.fromEntries(entries);
        const created = await outcomeOf(
          () => new Session({ baseURL: server.origin, retry: false, headers: record as never }),
        );
        if (!created.ok) {
          assert.match(created.code, /^FANOUT_INVALID_(REQUEST|OPTION)$/);
          assert.ok(!mustSend(expectedHeaders(record)), created.error.message);
          return;
        }
        assert.ok(!mustRefuse(record), 'unsafe session headers were accepted');
        try {
          server.reset();
          const outcome = await outcomeOf(() => created.value.get('/session-headers'));
          checkSent(outcome, expectedHeaders(record), false);
        } finally {
          await created.value.close();
        }
      }),
      runs(60, 3_000),
    );
  });
});
