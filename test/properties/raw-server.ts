import { createServer, type Socket } from 'node:net';

/** One request as a {@link RawServer} read it off the socket. */
export interface RawRequest {
  readonly method: string;
  /** The request target exactly as sent, e.g. `/api/users?q=1`. */
  readonly target: string;
  /** Header lines as sent, split at the first `:`, the value without surrounding spaces. */
  readonly headers: readonly (readonly [string, string])[];
  /** The head's bytes, request line to the blank line included. */
  readonly head: Buffer;
  readonly body: Buffer;
}

/** What a {@link RawServer} answers: a status, header pairs and a body (content-length is added), in UTF-8. */
export interface RawAnswer {
  readonly status: number;
  readonly headers?: readonly (readonly [string, string])[];
  readonly body?: string;
}

/**
 * A loopback HTTP/1.1 server on `net`, so a test sees the exact bytes a client wrote (Node's http
 * parser reads the socket directly and would hide them, or refuse a malformed head). It reads
 * keep-alive requests with a `content-length` or chunked body, and answers each with `answer`.
 */
export interface RawServer {
  /** `http://HOST:PORT` (HOST is 127.0.0.1 unless the server was started on another address) */
  readonly origin: string;
  readonly port: number;
  /** Requests in arrival order since the last {@link RawServer.reset}. */
  readonly requests: readonly RawRequest[];
  /** Every byte received since the last {@link RawServer.reset}, on every connection. */
  received(): Buffer;
  /** Forgets the requests and bytes received so far. */
  reset(): void;
  /** Replaces the function that answers each request. */
  answerWith(answer: (request: RawRequest) => RawAnswer): void;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

interface Parsed {
  readonly request: RawRequest;
  readonly rest: Buffer;
}

// The chunked body at the start of `data` and what follows it, or undefined if incomplete.
function readChunked(data: Buffer): { body: Buffer; rest: Buffer } | undefined {
  const chunks: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf(CRLF, at);
    if (lineEnd === -1) return undefined;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size)) throw new Error('bad chunk size');
    if (size === 0) {
      const trailerEnd = data.indexOf(CRLF, lineEnd + 2);
      if (trailerEnd === -1) return undefined;
      return { body: Buffer.concat(chunks), rest: data.subarray(trailerEnd + 2) };
    }
    if (data.length < lineEnd + 2 + size + 2) return undefined;
    chunks.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

// The first complete request in `data`, or undefined while more bytes are needed.
function parseRequest(data: Buffer): Parsed | undefined {
  const headEnd = data.indexOf(HEAD_END);
  if (headEnd === -1) return undefined;
  const head = data.subarray(0, headEnd + 4);
  const [requestLine = '', ...lines] = head.subarray(0, headEnd).toString('latin1').split('\r\n');
  const [method = '', target = ''] = requestLine.split(' ');
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
  });
  const after = data.subarray(headEnd + 4);
  const header = (name: string) => headers.find(([key]) => key === name)?.[1];
  let body: Buffer = Buffer.alloc(0);
  let rest = after;
  if (header('transfer-encoding')?.toLowerCase() === 'chunked') {
    const chunked = readChunked(after);
    if (chunked === undefined) return undefined;
    ({ body, rest } = chunked);
  } else {
    const length = Number(header('content-length') ?? 0);
    if (after.length < length) return undefined;
    body = after.subarray(0, length);
    rest = after.subarray(length);
  }
  return { request: { method, target, headers, head, body }, rest };
}

function encodeAnswer(answer: RawAnswer): Buffer {
  const body = Buffer.from(answer.body ?? '', 'utf8');
  const lines = [`HTTP/1.1 ${answer.status} Status`];
  for (const [name, value] of answer.headers ?? []) lines.push(`${name}: ${value}`);
  lines.push(`content-length: ${body.length}`, '', '');
  // UTF-8, as Node's own server writes a head sent with its body.
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'utf8'), body]);
}

/**
 * Starts a {@link RawServer} on `host` (127.0.0.1 by default; any 127.x.y.z is loopback on Linux),
 * port 0, closed (sockets destroyed) when `t` ends.
 */
export async function startRawServer(
  t: { after(fn: () => Promise<void>): void },
  answer: (request: RawRequest) => RawAnswer = () => ({ status: 200, body: 'ok' }),
  host = '127.0.0.1',
): Promise<RawServer> {
  let answerOf = answer;
  let requests: RawRequest[] = [];
  let received: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      pending = Buffer.concat([pending, chunk]);
      try {
        for (let parsed = parseRequest(pending); parsed; parsed = parseRequest(pending)) {
          pending = parsed.rest;
          requests.push(parsed.request);
          socket.write(encodeAnswer(answerOf(parsed.request)));
        }
      } catch {
        socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    origin: `http://${host}:${port}`,
    port,
    get requests() {
      return requests;
    },
    received: () => Buffer.concat(received),
    reset() {
      requests = [];
      received = [];
    },
    answerWith(next) {
      answerOf = next;
    },
  };
}

/**
 * Whether `head` is clean: CR and LF appear only as the CRLF that ends each line, NUL nowhere, so
 * no header (or request line) was split or smuggled into the request.
 */
export function isCleanHead(head: Buffer): boolean {
  const lines = head.toString('latin1').split('\r\n');
  return lines.every((line) => !/[\r\n\0]/.test(line));
}
