import assert from 'node:assert/strict';
import { after, describe, type TestContext, test } from 'node:test';
import fc from 'fast-check';
import { type Response, Session, type SessionOptions } from '../../src/index.ts';
import { authorityPart, pathLike, schemePart } from './arbitraries.ts';
import { type Outcome, outcomeOf, runs, watchUnhandledRejections } from './property-run.ts';
import { isCleanHead, startRawServer } from './raw-server.ts';

// The session's own origin, and another loopback origin that random input tries to reach.
const home = await startRawServer({ after });
const other = await startRawServer({ after });
const LOOPBACK = new Set([home.origin, other.origin]);
const hosts = [`127.0.0.1:${home.port}`, `127.0.0.1:${other.port}`, `localhost:${other.port}`];

/** Thrown by the guard hook instead of contacting an origin that is not one of the test servers. */
class NotContacted extends Error {}

/**
 * A session that records the origin of every request it puts on the wire (a beforeRequest hook
 * runs on each hop) and stops, unsent, any request to a host other than the two test servers: a
 * property may send it anywhere without leaving loopback.
 */
function guardedSession(t: Pick<TestContext, 'after'>, options: SessionOptions) {
  const origins: string[] = [];
  const session = new Session({
    retry: false,
    ...options,
    hooks: {
      beforeRequest: [
        ({ request }) => {
          origins.push(request.origin);
          if (!LOOPBACK.has(request.origin)) throw new NotContacted(request.origin);
        },
      ],
    },
  });
  t.after(() => session.close());
  return { session, origins };
}

/** Sends GET `input`, with both servers reset first; a {@link NotContacted} stop is an outcome. */
async function send(session: Session, input: string | URL): Promise<Outcome<Response> | 'stopped'> {
  home.reset();
  other.reset();
  try {
    return await outcomeOf(() => session.get(input));
  } catch (error) {
    if (error instanceof NotContacted) return 'stopped';
    throw error;
  }
}

/** `path` as a server that normalises it would read it: dot segments resolved, query kept. */
function meaning(path: string): string {
  const url = new URL(`http://h${path}`);
  return url.pathname + url.search;
}

const prefixes = ['', '/api', '/a/b/'];
// A root no random path can name (pathLike has no capitals or `_` runs), so a `..` that climbs
// above it cannot come back into it unnoticed.
const ROOT = '/NO_PATH_NAMES_THIS_ROOT';

/**
 * Whether `path`, joined to a base path, climbs above it: WHATWG URL, resolving it below
 * {@link ROOT}, leaves ROOT.
 */
function climbsAbove(path: string): boolean {
  const relative = path.startsWith('/') || path === '' ? path : `/${path}`;
  const resolved = new URL(`http://h${ROOT}${relative}`).pathname;
  return resolved !== ROOT && !resolved.startsWith(`${ROOT}/`);
}

// A dot segment (`.`, `..`, `%2e`, `.%2e`…) in the path part of a request target.
const DOT_SEGMENT = /(^|[/\\])(\.|%2e){1,2}([/\\]|$)/i;

describe('URLs and baseURL joins (property)', () => {
  test('with a baseURL a string never leaves it: typed refusal, or the base origin and the joined path', async (t) => {
    watchUnhandledRejections(t);
    for (const prefix of prefixes) {
      const { session, origins } = guardedSession(t, { baseURL: home.origin + prefix });
      const base = prefix.replace(/\/+$/, '');
      const input = fc.oneof(
        pathLike,
        fc.tuple(schemePart, authorityPart(hosts), pathLike).map((parts) => parts.join('')),
      );
      await fc.assert(
        fc.asyncProperty(input, async (path) => {
          origins.length = 0;
          const outcome = await send(session, path);
          assert.notEqual(outcome, 'stopped', `left loopback for ${origins.join(', ')}`);
          if (outcome === 'stopped') return;
          assert.equal(other.requests.length, 0, 'a string URL reached another origin');
          assert.ok(isCleanHead(home.received()), 'CR, LF or NUL reached the wire');
          const isAbsolute = /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path) || path.startsWith('//');
          if (!outcome.ok) {
            assert.match(outcome.code, /^FANOUT_INVALID_(URL|REQUEST)$/, outcome.error.message);
            assert.equal(home.requests.length, 0, 'a refused request reached the server');
            const climbs = !isAbsolute && !/[\r\n\0]/.test(path) && climbsAbove(path);
            assert.ok(
              isAbsolute || /[\r\n\0]/.test(path) || climbs,
              `refused ${JSON.stringify(path)}: ${outcome.error.message}`,
            );
            if (climbs)
              assert.match(
                outcome.error.message,
                /would climb above the path of the session baseURL/,
              );
            return;
          }
          assert.ok(!isAbsolute, `absolute ${JSON.stringify(path)} was sent`);
          assert.ok(
            !climbsAbove(path),
            `${JSON.stringify(path)} climbs above ${base} but was sent`,
          );
          assert.deepEqual(origins, [home.origin]);
          const [request] = home.requests;
          assert.ok(request !== undefined);
          const joined = base + (path.startsWith('/') || path === '' ? path : `/${path}`);
          assert.equal(meaning(request.target), meaning(joined), `path of ${JSON.stringify(path)}`);
          // The sent path is the one a server reads: no dot segment left, the base path first.
          const [sentPath = ''] = request.target.split('?');
          assert.ok(!DOT_SEGMENT.test(sentPath), `dot segment sent for ${JSON.stringify(path)}`);
          assert.ok(
            sentPath === base ||
              sentPath.startsWith(`${base}/`) ||
              (base === '' && sentPath === '/'),
            `${JSON.stringify(path)} was sent above ${base}: ${request.target}`,
          );
        }),
        runs(150, 3_000),
      );
    }
  });

  test("a URL object is the caller's explicit choice: it goes to its own origin, also past a baseURL", async (t) => {
    watchUnhandledRejections(t);
    const { session } = guardedSession(t, { baseURL: `${home.origin}/api` });
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[a-z0-9/._~-]{0,12}$/), async (path) => {
        const url = new URL(`${other.origin}/${path}`);
        const outcome = await send(session, url);
        assert.ok(outcome !== 'stopped' && outcome.ok);
        assert.equal(home.requests.length, 0);
        assert.equal(other.requests[0]?.target, url.pathname);
      }),
      runs(40, 1_500),
    );
  });

  test('without a baseURL: typed refusal unless an absolute http(s) URL, then exactly its origin', async (t) => {
    watchUnhandledRejections(t);
    for (const allowAbsoluteURLs of [false, true]) {
      const { session, origins } = guardedSession(t, { allowAbsoluteURLs });
      const input = fc
        .tuple(schemePart, authorityPart(hosts), pathLike)
        .map((parts) => parts.join(''));
      await fc.assert(
        fc.asyncProperty(input, async (text) => {
          origins.length = 0;
          const outcome = await send(session, text);
          let parsed: URL | undefined;
          try {
            parsed = new URL(text);
          } catch {
            parsed = undefined;
          }
          const isHTTP =
            parsed !== undefined && /^https?:$/.test(parsed.protocol) && !/[\r\n\0]/.test(text);
          if (outcome !== 'stopped' && !outcome.ok && outcome.code === 'FANOUT_INVALID_URL') {
            assert.ok(!isHTTP, `refused ${JSON.stringify(text)}: ${outcome.error.message}`);
            assert.deepEqual(origins, []);
            return;
          }
          assert.ok(isHTTP && parsed !== undefined, `accepted ${JSON.stringify(text)}`);
          assert.deepEqual(origins, [parsed.origin], `origin of ${JSON.stringify(text)}`);
          assert.ok(isCleanHead(home.received()) && isCleanHead(other.received()));
          if (outcome === 'stopped' || !outcome.ok) return;
          const server = parsed.origin === home.origin ? home : other;
          assert.equal(server.requests[0]?.target, parsed.pathname + parsed.search);
          const authorization = server.requests[0]?.headers.find(
            ([name]) => name === 'authorization',
          )?.[1];
          const userinfo = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
          assert.equal(
            authorization,
            parsed.username || parsed.password
              ? `Basic ${Buffer.from(userinfo).toString('base64')}`
              : undefined,
          );
        }),
        runs(150, 3_000),
      );
    }
  });
});
