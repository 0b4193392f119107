import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { BodyTooLargeError } from '../errors/body-too-large-error.ts';
import type { ErrorRequest } from '../errors/request-error.ts';
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

function failure(error: unknown, codec: Codec, max: number, request: ErrorRequest): Error {
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
  request: ErrorRequest,
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
  readonly #request: ErrorRequest;
  #seen = 0;

  constructor(max: number, request: ErrorRequest) {
    super();
    this.#max = max;
    this.#request = request;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.#max)
      callback(failure({ code: 'ERR_BUFFER_TOO_LARGE' }, 'gzip', this.#max, this.#request));
    else callback(null, chunk);
  }
}

/** A stream that undoes `codecs` on `source`, failing with {@link BodyTooLargeError} past `max` bytes. */
export function decompressStream(
  source: Readable,
  codecs: readonly Codec[],
  max: number,
  request: ErrorRequest,
): Readable {
  let current: Readable = source;
  for (const codec of codecs) {
    const decoder =
      codec === 'gzip'
        ? zlib.createGunzip()
        : codec === 'br'
          ? zlib.createBrotliDecompress()
          : zlib.createInflate();
    current.on('error', (error) => decoder.destroy(error));
    current = current.pipe(decoder);
  }
  const limited = new SizeLimit(max, request);
  current.on('error', (error) => limited.destroy(error));
  return current.pipe(limited);
}
