import { Duplex, pipeline, type Readable, Transform, type TransformCallback } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { BodyTooLargeError } from '../errors/body-too-large-error.ts';
import { isFanoutError } from '../errors/fanout-error.ts';
import type { FailedRequest } from '../errors/request-error.ts';
import { ResponseParseError } from '../errors/response-parse-error.ts';

type Codec = 'gzip' | 'deflate' | 'br';

const CODECS: Record<string, Codec> = {
  gzip: 'gzip',
  'x-gzip': 'gzip',
  deflate: 'deflate',
  br: 'br',
};
// Bodies up to this size are decoded synchronously: cheaper than a trip to the thread pool.
const SYNC_LIMIT = 64 * 1024;

const SYNC = {
  gzip: zlib.gunzipSync,
  deflate: zlib.inflateSync,
  br: zlib.brotliDecompressSync,
} as const;
const ASYNC = {
  gzip: promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
} as const;

/** The codecs of a `content-encoding` value, in the order to undo them, or `undefined` if none or unknown. */
export function codecsOf(contentEncoding: string | undefined): Codec[] | undefined {
  if (contentEncoding === undefined || contentEncoding === '' || contentEncoding === 'identity')
    return undefined;
  const codecs: Codec[] = [];
  for (const part of contentEncoding.split(',').reverse()) {
    const name = part.trim().toLowerCase();
    if (name === 'identity') continue;
    const codec = CODECS[name];
    if (codec === undefined) return undefined;
    codecs.push(codec);
  }
  return codecs.length === 0 ? undefined : codecs;
}

function failure(error: unknown, codec: string, max: number, request: FailedRequest): Error {
  if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
    return new BodyTooLargeError(`Decompressed body exceeds maxBodySize (${max} bytes)`, {
      request,
      cause: error,
    });
  }
  return new ResponseParseError(`Invalid ${codec} body: ${(error as Error).message}`, {
    request,
    cause: error,
  });
}

async function decodeOne(body: Buffer, codec: Codec, max: number): Promise<Buffer> {
  const options = { maxOutputLength: Math.max(1, max) };
  if (body.length <= SYNC_LIMIT) {
    try {
      return SYNC[codec](body, options);
    } catch (error) {
      // Some servers send raw deflate (no zlib header) as `deflate`.
      if (codec === 'deflate' && (error as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE') {
        return zlib.inflateRawSync(body, options);
      }
      throw error;
    }
  }
  try {
    return await ASYNC[codec](body, options);
  } catch (error) {
    if (codec === 'deflate' && (error as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE') {
      return promisify(zlib.inflateRaw)(body, options);
    }
    throw error;
  }
}

/** Undoes `codecs` on a buffered body, bounded by `max` bytes of output. */
export async function decompressBody(
  body: Buffer,
  codecs: readonly Codec[],
  max: number,
  request: FailedRequest,
): Promise<Buffer> {
  let current = body;
  for (const codec of codecs) {
    try {
      current = await decodeOne(current, codec, max);
    } catch (error) {
      throw failure(error, codec, max, request);
    }
    if (current.length > max) throw failure({ code: 'ERR_BUFFER_TOO_LARGE' }, codec, max, request);
  }
  return current;
}

class SizeLimit extends Transform {
  readonly #max: number;
  readonly #request: FailedRequest;
  // The content-encoding undone upstream, for error messages.
  readonly #encoding: string;
  #seen = 0;

  constructor(max: number, request: FailedRequest, encoding: string) {
    super();
    this.#max = max;
    this.#request = request;
    this.#encoding = encoding;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.#max)
      callback(failure({ code: 'ERR_BUFFER_TOO_LARGE' }, this.#encoding, this.#max, this.#request));
    else callback(null, chunk);
  }

  // A decoder's error reaches the reader as a ResponseParseError, as for buffered bodies.
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    callback(
      error === null || isFanoutError(error)
        ? error
        : failure(error, this.#encoding, this.#max, this.#request),
    );
  }
}

/**
 * A `deflate` decoder for bodies with a zlib header or, as some servers send them, raw. The first
 * byte decides: a zlib header has 8 (CM = deflate) in its low nibble, which a raw stream cannot
 * (a stored block pads those bits with zeros; other blocks set BTYPE bits there).
 */
class Inflate extends Duplex {
  // Created on the first byte; its output is pushed with backpressure (paused while we are full).
  #decoder: zlib.Inflate | zlib.InflateRaw | undefined;

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#decoder ??= this.#open(((chunk[0] as number) & 0x0f) === 8);
    this.#decoder.write(chunk, callback);
  }

  override _final(callback: TransformCallback): void {
    if (this.#decoder === undefined) this.push(null);
    else this.#decoder.end();
    callback();
  }

  override _read(): void {
    this.#decoder?.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#decoder?.destroy();
    callback(error);
  }

  #open(hasHeader: boolean): zlib.Inflate | zlib.InflateRaw {
    const decoder = hasHeader ? zlib.createInflate() : zlib.createInflateRaw();
    decoder.on('data', (data: Buffer) => {
      if (!this.push(data)) decoder.pause();
    });
    decoder.on('end', () => this.push(null));
    decoder.on('error', (error) => this.destroy(error));
    return decoder;
  }
}

function decoderOf(codec: Codec): Duplex {
  if (codec === 'gzip') return zlib.createGunzip();
  if (codec === 'br') return zlib.createBrotliDecompress();
  return new Inflate();
}

/**
 * A stream that undoes `codecs` on `source`, failing with {@link BodyTooLargeError} past `max` bytes
 * and with {@link ResponseParseError} on a corrupt body. The stages form one pipeline: an error in
 * any of them, or the reader destroying the result, destroys `source` too (releasing its socket).
 */
export function decompressStream(
  source: Readable,
  codecs: readonly Codec[],
  max: number,
  request: FailedRequest,
): Readable {
  const limited = new SizeLimit(max, request, codecs.join(', '));
  // Errors reach the reader through `limited`; the callback has nothing left to do.
  pipeline([source, ...codecs.map(decoderOf), limited], () => {});
  return limited;
}
