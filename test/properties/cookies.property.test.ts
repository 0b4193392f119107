import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { CookieJar, MemoryCookieStore } from 'tough-cookie';
import { Session } from '../../src/index.ts';
import {
  anyString,
  GetterError,
  printableString,
  setCookieValue,
  tokenString,
  wildValue,
} from './arbitraries.ts';
import { type Outcome, outcomeOf, runs, watchUnhandledRejections } from './property-run.ts';
import { isCleanHead, type RawRequest, type RawServer, startRawServer } from './raw-server.ts';

// Two loopback origins that differ by host (127.0.0.2 is loopback on Linux too): what one sets,
// the other must never receive.
const one = await startRawServer({ after });
const two = await startRawServer({ after }, undefined, '127.0.0.2');
const HOSTS = ['127.0.0.1', '127.0.0.2'];
// The value of the Secure cookies each run seeds for both hosts over https: never on an http wire.
const SEED_VALUE = 'secure-seed-value';

/** One run: which origin sets cookies, what it sends, and whether it then redirects to the other. */
interface Round {
  readonly setter: RawServer;
  readonly other: RawServer;
  readonly setCookies: readonly string[];
  readonly redirects: boolean;
}

let round: Round | undefined;
for (const server of [one, two]) {
  server.answerWith((request) => {
    if (round === undefined || server !== round.setter || request.target !== '/set') {
      return { status: 200, body: 'ok' };
    }
    const headers: [string, string][] = round.setCookies.map((value) => ['set-cookie', value]);
    if (!round.redirects) return { status: 200, headers, body: 'set' };
    return { status: 302, headers: [...headers, ['location', `${round.other.origin}/landing`]] };
  });
}

/** The `Cookie` header of `request`, or undefined. */
function cookieOf(request: RawRequest): string | undefined {
  return request.headers.find(([name]) => name === 'cookie')?.[1];
}

// What a response head may hold and still be parsed: no control but tab (llhttp refuses the rest).
const PARSABLE = /^[\t\x20-\x7e\u0080-\uffff]*$/;

describe('cookies (property)', () => {
  test('Set-Cookie from one origin: never sent to the other, Secure never over http, no CR/LF/NUL on the wire', async (t) => {
    watchUnhandledRejections(t);
    const session = new Session({ retry: false, timeout: 5_000 });
    t.after(() => session.close());
    const jar = session.cookies;
    assert.ok(jar !== undefined);
    const scenario = fc.record({
      setterIsOne: fc.boolean(),
      setCookies: fc.array(setCookieValue(HOSTS), { minLength: 1, maxLength: 4 }),
      redirects: fc.boolean(),
      path: fc.constantFrom('/', '/a', '/a/b', '/next', '/set/x', '/..'),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ setterIsOne, setCookies, redirects, path }) => {
        const [setter, other] = setterIsOne ? [one, two] : [two, one];
        round = { setter, other, setCookies, redirects };
        jar.clear();
        for (const server of [one, two]) {
          jar.set(`https://${hostOf(server)}:${server.port}/`, `seed=${SEED_VALUE}; Secure`);
        }
        one.reset();
        two.reset();
        const parsable = setCookies.every((value) => PARSABLE.test(value));
        const set = await outcomeOf(() => session.get(`${setter.origin}/set`));
        if (!set.ok) {
          // Only a response head llhttp cannot read fails, and then as a connection error.
          assert.ok(!parsable, `failed on a parsable head: ${set.error.message}`);
          assert.equal(set.code, 'FANOUT_CONNECTION', set.error.message);
        }
        const probes: Outcome<unknown>[] = [
          await outcomeOf(() => session.get(setter.origin + path)),
          await outcomeOf(() => session.get(`${other.origin}/`)),
        ];
        for (const probe of probes) assert.ok(probe.ok, !probe.ok ? probe.error.message : '');

        for (const server of [one, two]) {
          assert.ok(isCleanHead(server.received()), 'CR, LF or NUL reached the wire');
          assert.ok(!server.received().includes(SEED_VALUE), 'a Secure cookie went over http');
        }
        for (const request of other.requests) {
          assert.equal(
            cookieOf(request),
            undefined,
            `the other origin got ${request.target}'s cookie`,
          );
        }
        const stored = jar.jar.serializeSync()?.cookies ?? [];
        for (const cookie of stored) {
          if (cookie.value === SEED_VALUE) continue;
          assert.equal(cookie.domain, hostOf(setter), `stored for ${String(cookie.domain)}`);
          assert.notEqual(cookie.secure, true, 'a Secure cookie was stored from http');
        }
        const setterNames = new Set(stored.filter((c) => c.value !== SEED_VALUE).map((c) => c.key));
        for (const request of setter.requests) {
          const header = cookieOf(request);
          if (header === undefined) continue;
          for (const pair of header.split('; ')) {
            const name = pair.includes('=') ? pair.slice(0, pair.indexOf('=')) : '';
            assert.ok(
              setterNames.has(name) || !pair.includes('='),
              `sent ${JSON.stringify(pair)}, not in the jar`,
            );
          }
        }
      }),
      runs(150, 4_000),
    );
    round = undefined;
  });

  test('a bad `cookies` or `cookieJar` is a typed error with nothing sent; a good one sends exactly its own pairs', async (t) => {
    watchUnhandledRejections(t);
    await fc.assert(
      fc.asyncProperty(
        cookiesOption,
        cookiesOption,
        jarOption,
        async (forSession, forRequest, jar) => {
          one.reset();
          const options = Object.defineProperty(
            { retry: false },
            'cookieJar',
            jar.descriptor,
          ) as object;
          if (forSession.value !== undefined)
            Object.defineProperty(options, 'cookies', {
              value: forSession.value,
              enumerable: true,
            });
          const made = await outcomeOf(() => new Session(options as never));
          if (!made.ok) {
            assert.ok(!forSession.isValid || !jar.isValid, `refused ${made.error.message}`);
            assert.match(made.code, /^FANOUT_INVALID_(OPTION|REQUEST)$/);
            return;
          }
          assert.ok(forSession.isValid && jar.isValid, 'a bad option was taken');
          const session = made.value;
          try {
            const sent = await outcomeOf(() =>
              session.get(
                `${one.origin}/`,
                forRequest.value === undefined ? {} : { cookies: forRequest.value as never },
              ),
            );
            if (!sent.ok) {
              assert.ok(!forRequest.isValid, `refused ${sent.error.message}`);
              assert.match(sent.code, /^FANOUT_INVALID_(OPTION|REQUEST)$/);
              assert.equal(one.requests.length, 0, 'a refused request reached the server');
              return;
            }
            assert.ok(forRequest.isValid, 'a bad cookies option was sent');
            assert.ok(isCleanHead(one.received()));
            const expected = new Map([...forSession.pairs, ...forRequest.pairs]);
            const header = one.requests[0] === undefined ? undefined : cookieOf(one.requests[0]);
            const received = new Map(
              (header === undefined ? [] : header.split('; ')).map((pair) => {
                const at = pair.indexOf('=');
                return [pair.slice(0, at), pair.slice(at + 1)] as [string, string];
              }),
            );
            assert.deepEqual(received, expected);
          } finally {
            await session.close();
          }
        },
      ),
      runs(200, 3_000),
    );
  });
});

/** `server`'s host: 127.0.0.1 or 127.0.0.2. */
function hostOf(server: RawServer): string {
  return new URL(server.origin).hostname;
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: controls are what it looks for.
const COOKIE_VALUE = /^[^\x00-\x1f\x7f;]*$/;

/** A `cookies` value, whether fanout must take it, and the pairs it then sends. */
interface CookiesCase {
  readonly value: unknown;
  readonly isValid: boolean;
  readonly pairs: readonly (readonly [string, string])[];
}

/**
 * Cookie records (own keys of every kind, values of every type, some getters that throw, a
 * prototype holding keys of its own) and wrong values of any type.
 */
const cookiesOption: fc.Arbitrary<CookiesCase> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ value: undefined, isValid: true, pairs: [] }) },
  {
    weight: 1,
    arbitrary: wildValue.map((value) => {
      const isRecord = typeof value === 'object' && value !== null && !Array.isArray(value);
      const entries = isRecord ? Object.entries(value as object) : [];
      const isValid =
        value === undefined ||
        (isRecord &&
          entries.every(
            ([name, text]) =>
              COOKIE_NAME.test(name) && typeof text === 'string' && COOKIE_VALUE.test(text),
          ));
      return { value, isValid, pairs: isValid ? (entries as [string, string][]) : [] };
    }),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.array(
          fc.tuple(
            fc.oneof(
              tokenString,
              anyString,
              fc.constantFrom('__proto__', 'constructor', 'toString', 'a b', 'a;b', ''),
            ),
            fc.oneof(
              { weight: 4, arbitrary: printableString },
              { weight: 2, arbitrary: anyString },
              { weight: 1, arbitrary: wildValue },
            ),
            fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
          ),
          { maxLength: 4 },
        ),
        fc.boolean(),
      )
      .map(([entries, inherits]) => {
        // Keys on the prototype are not the record's: never sent, never checked.
        const record: Record<string, unknown> = Object.create(
          inherits ? { inherited: 'x', 'bad name': '\r\n' } : Object.prototype,
        );
        const values = new Map<string, unknown>();
        let isValid = true;
        for (const [name, value, throws] of entries) {
          Object.defineProperty(record, name, {
            enumerable: true,
            configurable: true,
            ...(throws
              ? {
                  get() {
                    throw new GetterError(`getter of ${name}`);
                  },
                }
              : { value }),
          });
          values.set(name, throws ? GetterError : value);
        }
        for (const [name, value] of values) {
          if (!COOKIE_NAME.test(name) || typeof value !== 'string' || !COOKIE_VALUE.test(value))
            isValid = false;
        }
        return {
          value: record,
          isValid,
          pairs: isValid ? ([...values] as [string, string][]) : [],
        };
      }),
  },
);

/** An asynchronous cookie store: a jar on it cannot serve fanout's synchronous reads. */
class AsyncStore extends MemoryCookieStore {
  override synchronous = false;
}

/** A `cookieJar` option, as a property descriptor (a getter may throw), and whether it is good. */
const jarOption = fc
  .oneof(
    fc.constantFrom<[unknown, boolean]>([undefined, true], [true, true], [false, true]),
    fc.constant(null).map((): [unknown, boolean] => [new CookieJar(), true]),
    fc.constant(null).map((): [unknown, boolean] => [new CookieJar(new AsyncStore()), false]),
    fc.constant(null).map((): [unknown, boolean] => [Object.create(CookieJar.prototype), false]),
    wildValue
      .filter((value) => typeof value !== 'boolean' && value !== undefined)
      .map((value): [unknown, boolean] => [value, false]),
    fc.constant<[unknown, boolean]>([GetterError, false]),
  )
  .map(([value, isValid]) => ({
    isValid,
    descriptor:
      value === GetterError
        ? {
            enumerable: true,
            get() {
              throw new GetterError('getter of cookieJar');
            },
          }
        : { enumerable: true, value },
  }));
