import { createServer, type Socket } from 'node:net';
import type { TestContext } from 'node:test';

/**
 * Hostile HTTP/2 servers: raw `node:net` servers that speak just enough HTTP/2 by hand (RFC 9113
 * framing, HPACK literals without indexing, RFC 7541 §6.2.2) to attack a client in one way each.
 * Every server reads the client's preface and SETTINGS, sends its own empty SETTINGS and the ACK,
 * and answers each request (a HEADERS frame) with its {@link HostileBehaviour}.
 */

/** What a hostile server does when a request arrives on `streamId`. */
export type HostileBehaviour =
  /**
   * A response header block of about `bytes`, in fields of `fieldBytes` (few large fields test a
   * size limit, many small ones a count limit), split over CONTINUATION frames.
   */
  | { readonly kind: 'oversized-headers'; readonly bytes: number; readonly fieldBytes: number }
  /**
   * HEADERS without END_HEADERS, then CONTINUATION frames (each a small field) that never end:
   * written as the socket drains, until the client cuts the connection or `maxBytes` went out.
   */
  | { readonly kind: 'continuation-flood'; readonly maxBytes: number }
  /**
   * `count` RST_STREAM frames: on the request's stream (the first resets it, the rest hit a
   * closed stream), or with `idle`, on stream ids the client never opened.
   */
  | { readonly kind: 'rst-flood'; readonly count: number; readonly idle?: boolean }
  /** Responds 200 to streams up to `lastStreamId`, then GOAWAY naming it (NO_ERROR). */
  | { readonly kind: 'goaway'; readonly lastStreamId: number }
  /** RST_STREAM with REFUSED_STREAM (0x7) for every request. */
  | { readonly kind: 'refused-stream' };

/** A running hostile server. */
export interface HostileServer {
  /** `http://127.0.0.1:PORT` (h2c, prior knowledge). */
  readonly origin: string;
  readonly port: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Requests (HEADERS frames from a client) received so far: how many attempts reached it. */
  readonly requests: number;
  /** Bytes written to clients so far (how far a flood got before it was cut off). */
  readonly bytesSent: number;
  /** Resolves when every connection so far has closed. */
  allClosed(): Promise<void>;
}

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
/** Frame types (RFC 9113 §6). */
const DATA = 0x0;
const HEADERS = 0x1;
const RST_STREAM = 0x3;
const SETTINGS = 0x4;
const GOAWAY = 0x7;
const CONTINUATION = 0x9;
/** Flags. */
const END_STREAM = 0x1;
const ACK = 0x1;
const END_HEADERS = 0x4;
/** Error codes (RFC 9113 §7). */
const NO_ERROR = 0x0;
const CANCEL = 0x8;
const REFUSED_STREAM = 0x7;
/** HPACK: `:status: 200`, index 8 of the static table, as an indexed field (RFC 7541 §6.1). */
const STATUS_200 = Buffer.from([0x88]);
/** The largest frame payload a peer must accept without asking (SETTINGS_MAX_FRAME_SIZE). */
const MAX_FRAME = 16_384;

/** One frame: the 9-byte header and `payload`. */
export function frame(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(streamId & 0x7fffffff, 5);
  return Buffer.concat([head, payload]);
}

// An HPACK integer with an N-bit prefix (RFC 7541 §5.1), the prefix bits above it set to `high`.
function hpackInteger(value: number, prefixBits: number, high: number): Buffer {
  const max = (1 << prefixBits) - 1;
  if (value < max) return Buffer.from([high | value]);
  const bytes = [high | max];
  let rest = value - max;
  while (rest >= 128) {
    bytes.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

// A string literal, not Huffman-coded (RFC 7541 §5.2).
function hpackString(text: string): Buffer {
  const bytes = Buffer.from(text, 'latin1');
  return Buffer.concat([hpackInteger(bytes.length, 7, 0x00), bytes]);
}

/** A field as a literal without indexing, with a new (literal) name (RFC 7541 §6.2.2). */
export function literalField(name: string, value: string): Buffer {
  return Buffer.concat([Buffer.from([0x00]), hpackString(name), hpackString(value)]);
}

function rstStream(streamId: number, code: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(code);
  return frame(RST_STREAM, 0, streamId, payload);
}

function goaway(lastStreamId: number, code: number): Buffer {
  const payload = Buffer.alloc(8);
  payload.writeUInt32BE(lastStreamId & 0x7fffffff, 0);
  payload.writeUInt32BE(code, 4);
  return frame(GOAWAY, 0, 0, payload);
}

// A header block split into HEADERS and CONTINUATION frames, END_HEADERS on the last.
function headerFrames(streamId: number, block: Buffer, flags: number): Buffer[] {
  const frames: Buffer[] = [];
  for (let at = 0; at === 0 || at < block.length; at += MAX_FRAME) {
    const isLast = at + MAX_FRAME >= block.length;
    frames.push(
      frame(
        at === 0 ? HEADERS : CONTINUATION,
        (at === 0 ? flags : 0) | (isLast ? END_HEADERS : 0),
        streamId,
        block.subarray(at, at + MAX_FRAME),
      ),
    );
  }
  return frames;
}

/** The request streams (HEADERS frames) of one client connection, parsed as bytes arrive. */
class ClientFrames {
  #buffer = Buffer.alloc(0);
  #isPrefaceRead = false;

  /** Feeds bytes; calls `onSettings` for each SETTINGS to ACK and `onRequest` per HEADERS. */
  push(chunk: Buffer, onSettings: () => void, onRequest: (streamId: number) => void): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    if (!this.#isPrefaceRead) {
      if (this.#buffer.length < PREFACE.length) return;
      this.#buffer = this.#buffer.subarray(PREFACE.length);
      this.#isPrefaceRead = true;
    }
    while (this.#buffer.length >= 9) {
      const length = this.#buffer.readUIntBE(0, 3);
      if (this.#buffer.length < 9 + length) return;
      const type = this.#buffer[3];
      const flags = this.#buffer[4] as number;
      const streamId = this.#buffer.readUInt32BE(5) & 0x7fffffff;
      this.#buffer = this.#buffer.subarray(9 + length);
      if (type === SETTINGS && (flags & ACK) === 0) onSettings();
      else if (type === HEADERS) onRequest(streamId);
    }
  }
}

// Writes CONTINUATION frames as fast as the socket drains, until it closes or `maxBytes` went out.
function flood(socket: Socket, streamId: number, maxBytes: number, count: (n: number) => void) {
  const piece = frame(CONTINUATION, 0, streamId, literalField('x-flood', 'a'.repeat(64)));
  let sent = 0;
  const write = () => {
    while (!socket.destroyed && sent < maxBytes) {
      sent += piece.length;
      count(piece.length);
      if (!socket.write(piece)) {
        socket.once('drain', write);
        return;
      }
    }
  };
  write();
}

function respond(
  socket: Socket,
  behaviour: HostileBehaviour,
  streamId: number,
  count: (n: number) => void,
) {
  const send = (bytes: Buffer) => {
    if (socket.destroyed) return;
    count(bytes.length);
    socket.write(bytes);
  };
  switch (behaviour.kind) {
    case 'oversized-headers': {
      const fields: Buffer[] = [STATUS_200];
      for (let size = 0; size < behaviour.bytes; size += behaviour.fieldBytes) {
        fields.push(literalField(`x-big-${fields.length}`, 'v'.repeat(behaviour.fieldBytes - 12)));
      }
      for (const piece of headerFrames(streamId, Buffer.concat(fields), 0)) send(piece);
      return;
    }
    case 'continuation-flood':
      send(frame(HEADERS, 0, streamId, STATUS_200));
      flood(socket, streamId, behaviour.maxBytes, count);
      return;
    case 'rst-flood':
      for (let index = 0; index < behaviour.count; index++) {
        send(rstStream(behaviour.idle === true ? streamId + 2 * (index + 1) : streamId, CANCEL));
      }
      return;
    case 'goaway':
      if (streamId <= behaviour.lastStreamId) {
        for (const piece of headerFrames(streamId, STATUS_200, 0)) send(piece);
        send(frame(DATA, END_STREAM, streamId, Buffer.from('ok')));
      } else {
        send(goaway(behaviour.lastStreamId, NO_ERROR));
      }
      return;
    case 'refused-stream':
      send(rstStream(streamId, REFUSED_STREAM));
      return;
  }
}

/**
 * Starts a hostile h2c server on 127.0.0.1, port 0, behaving as `behaviour` to every request;
 * its sockets are destroyed and it is closed when `t` ends.
 */
export async function startHostileH2(
  t: Pick<TestContext, 'after'>,
  behaviour: HostileBehaviour,
): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  const closings: Promise<void>[] = [];
  let connections = 0;
  let requests = 0;
  let bytesSent = 0;
  const count = (n: number) => {
    bytesSent += n;
  };
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    closings.push(new Promise((resolve) => socket.once('close', () => resolve())));
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const frames = new ClientFrames();
    const settings = frame(SETTINGS, 0, 0, Buffer.alloc(0));
    count(settings.length);
    socket.write(settings);
    socket.on('data', (chunk: Buffer) =>
      frames.push(
        chunk,
        () => {
          const ack = frame(SETTINGS, ACK, 0, Buffer.alloc(0));
          count(ack.length);
          socket.write(ack);
        },
        (streamId) => {
          requests++;
          respond(socket, behaviour, streamId, count);
        },
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    get connections() {
      return connections;
    },
    get requests() {
      return requests;
    },
    get bytesSent() {
      return bytesSent;
    },
    allClosed: async () => {
      await Promise.all(closings);
    },
  };
}
