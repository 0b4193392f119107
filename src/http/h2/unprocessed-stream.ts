import { ConnectionError } from '../../errors/connection-error.ts';

/**
 * The cause of a {@link ConnectionError} for an HTTP/2 stream the server did not process: refused
 * (`REFUSED_STREAM`), or above the last stream id of a GOAWAY, whatever its error code. RFC 9113
 * §8.7 lets a client send such a request again whatever its method, so the retry decision does.
 *
 * @internal
 */
export class UnprocessedStream extends Error {
  override name = 'UnprocessedStream';
  /** Read by the transport's error mapping: "Connection failed (NGHTTP2_REFUSED_STREAM)". */
  readonly code = 'NGHTTP2_REFUSED_STREAM';

  constructor() {
    super('The server refused the stream before processing it (REFUSED_STREAM or GOAWAY)');
  }
}

/**
 * Whether `error` failed a request the server is known not to have processed (see
 * {@link UnprocessedStream}): safe to send again, even a POST.
 *
 * @internal
 */
export function isUnprocessed(error: unknown): boolean {
  return error instanceof ConnectionError && error.cause instanceof UnprocessedStream;
}
