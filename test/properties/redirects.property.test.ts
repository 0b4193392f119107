import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { Session } from '../../src/index.ts';
import { selfSigned, startHTTPS } from '../helpers/tls.ts';
import { authorityPart, pathLike, schemePart } from './arbitraries.ts';
import { fileScope, outcomeOf, runs, watchUnhandledRejections } from './property-run.ts';
import { isCleanHead, startRawServer } from './raw-server.ts';

/** The redirect the servers answer `/start` with in the current run. */
let redirect = { status: 302, location: '/' };

const home = await startRawServer({ after });
const other = await startRawServer({ after });
for (const server of [home, other]) {
  server.answerWith((request) =>
    request.target === '/start'
      ? {
          status: redirect.status,
          headers: [
            ['location', redirect.location],
            ['set-cookie', 'hop=1'],
          ],
        }
      : { status: 200, body: 'ok' },
  );
}
const [pair] = selfSigned('/CN=127.0.0.1');
assert.ok(pair !== undefined);
const secure = await startHTTPS(fileScope, pair, (request, response) => {
  if (request.url === '/start') {
    response.statusCode = redirect.status;
    response.setHeader('location', redirect.location);
  }
  response.end('ok');
});

const LOOPBACK = new Set([home.origin, other.origin, secure.origin]);
const hosts = [
  `127.0.0.1:${home.port}`,
  `127.0.0.1:${other.port}`,
  `localhost:${other.port}`,
  `127.0.0.1:${secure.port}`,
];
// What Node's server lets a Location header hold (the raw server could send more, but no CR/LF).
const HEADER_SAFE = /^[\t\x20-\x7e\x80-\xff]+$/;
const location = fc
  .oneof(
    pathLike,
    fc.tuple(schemePart, authorityPart(hosts), pathLike).map((parts) => parts.join('')),
    fc.constantFrom('javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,x', 'about:blank'),
  )
  .filter((text) => HEADER_SAFE.test(text) && text.trim() !== '');
const status = fc.constantFrom(301, 302, 303, 307, 308);
const start = fc.constantFrom(`${home.origin}/start`, `${secure.origin}/start`);

/** One request as it went on the wire (seen from the last beforeRequest hook). */
interface Hop {
  readonly url: string;
  readonly origin: string;
  readonly headers: Readonly<Record<string, string>>;
}

class NotContacted extends Error {}

describe('redirect Locations (property)', () => {
  test('redirects go to http(s) only, where the Location says, and never carry credentials to another origin', async (t) => {
    watchUnhandledRejections(t);
    const hops: Hop[] = [];
    const session = new Session({
      ca: pair.cert,
      retry: false,
      redirect: { max: 3 },
      auth: { bearer: 'secret-token' },
      cookies: { opt: 'secret-cookie' },
      headers: { 'proxy-authorization': 'Basic c2VjcmV0' },
      hooks: {
        beforeRequest: [
          ({ request }) => {
            hops.push({
              url: request.url,
              origin: request.origin,
              headers: { ...request.headers },
            });
            if (!LOOPBACK.has(request.origin)) throw new NotContacted(request.origin);
          },
        ],
      },
    });
    t.after(() => session.close());
    await fc.assert(
      fc.asyncProperty(start, status, location, async (from, code, to) => {
        redirect = { status: code, location: to };
        hops.length = 0;
        home.reset();
        other.reset();
        session.cookies?.clear();
        session.cookies?.set(`${home.origin}/`, 'jar=1');
        let outcome: Awaited<ReturnType<typeof outcomeOf>> | 'stopped';
        try {
          outcome = await outcomeOf(() => session.get(from));
        } catch (error) {
          if (!(error instanceof NotContacted)) throw error;
          outcome = 'stopped';
        }
        assert.ok(isCleanHead(home.received()) && isCleanHead(other.received()));
        const [first, second] = hops;
        assert.equal(first?.url, from);
        const target = URL.parse(to, from);
        if (target === null || !/^https?:$/.test(target.protocol)) {
          assert.ok(outcome !== 'stopped' && !outcome.ok, `followed ${to}`);
          assert.equal(outcome.code, 'FANOUT_INVALID_URL', outcome.error.message);
          assert.equal(hops.length, 1);
          return;
        }
        if (outcome !== 'stopped' && !outcome.ok) {
          const expected = /^FANOUT_(TOO_MANY_REDIRECTS|CONNECTION|INVALID_REQUEST)$/;
          assert.match(outcome.code, expected, outcome.error.message);
        }
        if (second === undefined) {
          assert.ok(outcome !== 'stopped' && !outcome.ok, 'the redirect was not followed');
          return;
        }
        assert.equal(second.origin, target.origin);
        assert.equal(second.url, target.origin + target.pathname + target.search);
        for (const hop of hops) {
          if (hop.origin === first.origin) continue;
          assert.equal(hop.headers.authorization, undefined, `authorization to ${hop.origin}`);
          assert.equal(hop.headers['proxy-authorization'], undefined);
          const fromJar = session.cookies?.headerFor(hop.url) ?? '';
          assert.equal(hop.headers.cookie ?? '', fromJar, `cookie to ${hop.url}`);
        }
        for (const request of other.requests) {
          const names = request.headers.map(([name]) => name);
          if (first.origin !== other.origin) assert.ok(!names.includes('authorization'));
          assert.ok(!request.head.toString('latin1').includes('secret-cookie'));
        }
      }),
      runs(120, 4_000),
    );
  });
});
