/**
 * RESP2, the Redis wire protocol (https://redis.io/docs/reference/protocol-spec/): commands are
 * arrays of bulk strings; replies are simple strings, errors, integers, bulk strings (binary,
 * or null) and arrays. Pure: no sockets here.
 */

/** An error reply (`-ERR …`): a value, not a thrown error, so a pipeline's other replies survive. */
export class RespErrorReply {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

/** A decoded reply. Bulk strings stay bytes; `null` is RESP2's null bulk string or array. */
export type RespValue = string | number | Buffer | null | RespErrorReply | RespValue[];

const CRLF = Buffer.from('\r\n');

/** A command (`['SET', key, value]`) as RESP2 bytes. */
export function encodeCommand(args: readonly (string | Uint8Array)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg) : arg;
    parts.push(Buffer.from(`$${bytes.byteLength}\r\n`), bytes as Buffer, CRLF);
  }
  return Buffer.concat(parts);
}

/** The stream does not follow RESP2; the connection cannot be trusted any more. */
export class RespProtocolError extends Error {
  override name = 'RespProtocolError';
}

// A reply is incomplete: wait for more bytes.
const INCOMPLETE = Symbol('incomplete');

/**
 * Decodes replies from a byte stream that arrives in arbitrary chunks. `push` returns the replies
 * completed by a chunk, in order; bytes of an unfinished reply are kept for the next chunk.
 */
export class RespParser {
  // Bytes received and not yet decoded; #offset is where decoding resumes.
  #buffer: Buffer = Buffer.alloc(0);
  #offset = 0;

  /** Adds a chunk and returns every reply it completes. @throws {RespProtocolError} */
  push(chunk: Buffer): RespValue[] {
    this.#buffer =
      this.#offset < this.#buffer.length
        ? Buffer.concat([this.#buffer.subarray(this.#offset), chunk])
        : chunk;
    this.#offset = 0;
    const replies: RespValue[] = [];
    for (;;) {
      const start = this.#offset;
      const reply = this.#read();
      if (reply === INCOMPLETE) {
        this.#offset = start;
        return replies;
      }
      replies.push(reply);
    }
  }

  #read(): RespValue | typeof INCOMPLETE {
    const line = this.#line();
    if (line === undefined) return INCOMPLETE;
    const type = line[0];
    const rest = line.slice(1);
    switch (type) {
      case '+':
        return rest;
      case '-':
        return new RespErrorReply(rest);
      case ':':
        return this.#integer(rest);
      case '$':
        return this.#bulk(this.#integer(rest));
      case '*':
        return this.#array(this.#integer(rest));
      default:
        throw new RespProtocolError(`Unexpected RESP type byte ${JSON.stringify(type)}`);
    }
  }

  // The next CRLF-terminated line (without CRLF), or undefined if it is not all here yet.
  #line(): string | undefined {
    const end = this.#buffer.indexOf(CRLF, this.#offset);
    if (end === -1) return undefined;
    const line = this.#buffer.toString('latin1', this.#offset, end);
    this.#offset = end + 2;
    return line;
  }

  #integer(text: string): number {
    const value = Number(text);
    if (text === '' || !Number.isSafeInteger(value)) {
      throw new RespProtocolError(`Invalid RESP integer ${JSON.stringify(text)}`);
    }
    return value;
  }

  #bulk(length: number): Buffer | null | typeof INCOMPLETE {
    if (length === -1) return null;
    if (length < 0) throw new RespProtocolError(`Invalid RESP bulk length ${length}`);
    if (this.#buffer.length < this.#offset + length + 2) return INCOMPLETE;
    const value = Buffer.from(this.#buffer.subarray(this.#offset, this.#offset + length));
    this.#offset += length + 2;
    return value;
  }

  #array(length: number): RespValue[] | null | typeof INCOMPLETE {
    if (length === -1) return null;
    if (length < 0) throw new RespProtocolError(`Invalid RESP array length ${length}`);
    const items: RespValue[] = [];
    for (let i = 0; i < length; i++) {
      const item = this.#read();
      if (item === INCOMPLETE) return INCOMPLETE;
      items.push(item);
    }
    return items;
  }
}
