/**
 * Property: whatever URL a request has and however it fails, no secret of it — the URL's password,
 * the value of a secret-named query parameter (any case, its name percent-encoded or not), the
 * Authorization header — shows in the error: message, `String`, stack, `util.inspect`,
 * `error.request`. Seeded (`FANOUT_PROPERTY_SEED`, default 42) and bounded in time.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { DEFAULT_REDACTED_PARAMS } from '../../src/core/redact.ts';
import { isFanoutError, Session } from '../../src/index.ts';
import { startServer } from '../helpers/server.ts';

const SEED = Number(process.env.FANOUT_PROPERTY_SEED ?? 42);

/** How the request fails. */
const KINDS = ['refused', 'status', 'parse', 'invalid', 'closed', 'custom'] as const;

// A secret: a marker no message holds, then random letters and digits (nothing a URL encodes).
const secret = fc.stringMatching(/^[A-Za-z0-9]{6,12}$/).map((tail) => `x9Q${tail}`);
const word = fc.stringMatching(/^[a-z0-9]{1,8}$/);
// A secret-named parameter in random case, sometimes with its first letter percent-encoded.
const secretName = (names: fc.Arbitrary<string>) =>
  fc
    .tuple(fc.mixedCase(names), fc.boolean())
    .map(([name, encoded]) =>
      encoded ? `%${name.charCodeAt(0).toString(16).toUpperCase()}${name.slice(1)}` : name,
    );
const param = (names: fc.Arbitrary<string>) =>
  fc.oneof(
    fc.tuple(secretName(names), secret).map(([name, value]) => ({ name, value, isSecret: true })),
    fc
      .tuple(fc.constantFrom('q', 'page', 'lang'), word)
      .map(([name, value]) => ({ name, value, isSecret: false })),
  );

const scenario = fc
  .record({
    kind: fc.constantFrom(...KINDS),
    custom: word.map((name) => `x_${name}`),
    user: word,
    password: fc.option(secret, { nil: undefined }),
    bearer: fc.option(secret, { nil: undefined }),
    segments: fc.array(word, { maxLength: 3 }),
  })
  .chain((base) =>
    fc
      .array(
        param(
          base.kind === 'custom'
            ? fc.constantFrom(base.custom)
            : fc.constantFrom(...DEFAULT_REDACTED_PARAMS),
        ),
        { minLength: 1, maxLength: 5 },
      )
      .map((params) => ({ ...base, params })),
  );

type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never;

/** The texts an error shows of itself. */
function outputsOf(error: unknown): string[] {
  const request = (error as { request?: { url?: string } }).request;
  return [
    (error as Error).message,
    String(error),
    (error as Error).stack ?? '',
    inspect(error, { depth: 5 }),
    JSON.stringify(request) ?? '',
    request?.url ?? '',
  ];
}

function needlesOf(s: Scenario): string[] {
  const needles = s.params.filter((p) => p.isSecret).map((p) => p.value);
  if (s.password !== undefined) {
    needles.push(s.password, Buffer.from(`${s.user}:${s.password}`).toString('base64'));
  }
  if (s.bearer !== undefined) needles.push(s.bearer);
  return needles;
}

test('property: no secret of a failed request shows in its error', async (t) => {
  const server = await startServer(t, (request, response) => {
    if (request.url?.startsWith('/status')) response.writeHead(503).end();
    else response.end('not json');
  });
  const session = new Session({ retry: false });
  const closed = new Session();
  await closed.close();
  t.after(() => session.close());

  const failure = async (s: Scenario): Promise<unknown> => {
    const port = s.kind === 'refused' || s.kind === 'custom' ? 1 : server.port;
    const scheme = s.kind === 'invalid' ? 'ftp' : 'http';
    const userinfo = s.password === undefined ? '' : `${s.user}:${s.password}@`;
    const path = [s.kind, ...s.segments].join('/');
    const query = s.params.map(({ name, value }) => `${name}=${value}`).join('&');
    const url = `${scheme}://${userinfo}127.0.0.1:${port}/${path}?${query}`;
    const options =
      s.bearer === undefined ? {} : { headers: { authorization: `Bearer ${s.bearer}` } };
    try {
      if (s.kind === 'closed') await closed.get(url, options);
      else if (s.kind === 'custom') {
        const own = new Session({ retry: false, redactParams: [s.custom.toUpperCase()] });
        try {
          await own.get(url, options);
        } finally {
          await own.close();
        }
      } else {
        const response = await session.get(url, options);
        if (s.kind === 'status') response.raiseForStatus();
        else response.json();
      }
    } catch (error) {
      return error;
    }
    return assert.fail(`${s.kind}: the request did not fail`);
  };

  await fc.assert(
    fc.asyncProperty(scenario, async (s) => {
      const error = await failure(s);
      assert.ok(isFanoutError(error), `${s.kind}: a FanoutError, got ${String(error)}`);
      const needles = needlesOf(s);
      for (const text of outputsOf(error)) {
        for (const needle of needles) {
          assert.ok(!text.includes(needle), `${s.kind}: ${needle} shows in:\n${text}`);
        }
      }
      // Redacted, not dropped: the message still names the host.
      assert.match((error as Error).message, /127\.0\.0\.1/);
    }),
    { seed: SEED, numRuns: 300, interruptAfterTimeLimit: 4_000 },
  );
});
