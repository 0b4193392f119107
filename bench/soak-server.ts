import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server,
  type Socket,
} from 'node:net';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';
import { SLOW_MS, SOAK_BODY } from './soak-faults.ts';

// The soak's fault-injecting backend, run in its own process (`npm run soak` starts it), on
// 127.0.0.1. What each path does is fixed, so the client chooses the fault (with its seeded
// PRNG) and knows which fault each outcome answers. Every URL carries `?n=ID`, unique per
// request (its retries repeat it):
//   node:http origin
//     /ok                 200, a JSON body
//     /gzip               200, the same JSON gzip-encoded
//     /503                503, always
//     /503-once           503 the first time its ID is asked for, then 200 (the retry succeeds)
//     /reset              200 headers and half the declared body, then the socket is destroyed
//     /reset-once         that the first time for its ID, then 200
//     /slow               200 after SLOW_MS (past the client's headers timeout)
//     /stall              200 headers at once, the body after SLOW_MS (past the body timeout)
//   raw net origin (hand-written answers node:http would refuse to send)
//     /bad-chunk          chunked, with an invalid chunk size
//     /short-length       content-length longer than the body sent, then the socket ends
//     /long-length        a body longer than its content-length; the connection is kept open
// It prints its ports as one JSON line on stdout ({ http, raw }), then answers each `stats` line
// on stdin with a JSON line of its open connections ({ http, raw }); it exits when stdin ends.

const GZIPPED = gzipSync(SOAK_BODY);
const JSON_HEADERS = { 'content-type': 'application/json' };
// IDs of the *-once paths asked for once already: the next ask succeeds and forgets the ID.
const failedOnce = new Set<string>();

function ok(response: ServerResponse): void {
  response.writeHead(200, { ...JSON_HEADERS, 'content-length': SOAK_BODY.length });
  response.end(SOAK_BODY);
}

/** Whether this is the first ask for the ID `query` names (and remembers it if so). */
function firstAsk(query: string | undefined): boolean {
  const id = query ?? '';
  if (failedOnce.delete(id)) return false;
  failedOnce.add(id);
  return true;
}

function reset(response: ServerResponse): void {
  response.writeHead(200, { ...JSON_HEADERS, 'content-length': SOAK_BODY.length });
  response.write(SOAK_BODY.subarray(0, SOAK_BODY.length >> 1), () => response.socket?.destroy());
}

function unavailable(response: ServerResponse): void {
  response.writeHead(503, { 'content-length': 0 });
  response.end();
}

/** Runs `answer` after SLOW_MS unless the client has hung up by then. */
function later(response: ServerResponse, answer: () => void): void {
  const timer = setTimeout(() => {
    if (!response.destroyed) answer();
  }, SLOW_MS);
  response.once('close', () => clearTimeout(timer));
}

const http = createHttpServer((request, response) => {
  const [path, query] = (request.url ?? '/').split('?');
  if (path === '/ok') return ok(response);
  if (path === '/gzip') {
    response.writeHead(200, {
      ...JSON_HEADERS,
      'content-encoding': 'gzip',
      'content-length': GZIPPED.length,
    });
    return response.end(GZIPPED);
  }
  if (path === '/503') return unavailable(response);
  if (path === '/503-once') return firstAsk(query) ? unavailable(response) : ok(response);
  if (path === '/reset') return reset(response);
  if (path === '/reset-once') return firstAsk(query) ? reset(response) : ok(response);
  if (path === '/slow') return later(response, () => ok(response));
  if (path === '/stall') {
    response.writeHead(200, { ...JSON_HEADERS, 'content-length': SOAK_BODY.length });
    response.flushHeaders();
    return later(response, () => response.end(SOAK_BODY));
  }
  response.writeHead(404, { 'content-length': 0 });
  response.end();
});
http.keepAliveTimeout = 60_000;

const RAW_ANSWERS: Record<string, { readonly bytes: Buffer; readonly end: boolean }> = {
  '/bad-chunk': {
    bytes: Buffer.from(
      'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    ),
    end: false,
  },
  '/short-length': {
    bytes: Buffer.concat([
      Buffer.from(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${SOAK_BODY.length * 2}\r\n\r\n`,
      ),
      SOAK_BODY,
    ]),
    end: true,
  },
  '/long-length': {
    bytes: Buffer.concat([
      Buffer.from(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${SOAK_BODY.length}\r\n\r\n`,
      ),
      SOAK_BODY,
      Buffer.from('{"trailing":"bytes the header did not declare"}'),
    ]),
    end: false,
  },
};
const NOT_FOUND = Buffer.from('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');

/** Answers each GET head that arrives on `socket` (keep-alive, bodies never expected). */
function serveRaw(socket: Socket): void {
  let pending = '';
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    pending += chunk.toString('latin1');
    for (let end = pending.indexOf('\r\n\r\n'); end !== -1; end = pending.indexOf('\r\n\r\n')) {
      const target = pending.slice(0, pending.indexOf('\r\n')).split(' ')[1] ?? '/';
      const [path = '/'] = target.split('?');
      pending = pending.slice(end + 4);
      const answer = RAW_ANSWERS[path];
      if (answer === undefined) socket.write(NOT_FOUND);
      else if (answer.end) return void socket.end(answer.bytes);
      else socket.write(answer.bytes);
    }
  });
}

const raw = createNetServer(serveRaw);

/** Counts the connections a server has open now. */
function connections(server: Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

const ports = { http: await listen(http), raw: await listen(raw) };
process.stdout.write(`${JSON.stringify(ports)}\n`);
const commands = createInterface({ input: process.stdin });
commands.on('line', async (line) => {
  if (line.trim() !== 'stats') return;
  const open = { http: await connections(http), raw: await connections(raw) };
  process.stdout.write(`${JSON.stringify(open)}\n`);
});
commands.on('close', () => process.exit(0));
