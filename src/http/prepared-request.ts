import type { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { DEFAULT_REDACTED, redactURL } from '../core/redact.ts';
import type { FailedRequest } from '../errors/request-error.ts';
import { HeaderRecord } from './headers.ts';

/** A request body as it goes to the transport. */
export type WireBody = string | Uint8Array | Blob | Readable | AsyncIterable<Uint8Array> | null;

const SECRET_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/** Header values with secrets (`authorization`, `cookie`, `proxy-authorization`) replaced. */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    shown[name] = SECRET_HEADERS.has(name) ? '[REDACTED]' : (headers[name] as string);
  }
  return shown;
}

/**
 * A validated request, ready for the wire: absolute URL, upper-case method, lower-case header
 * names. Hooks may change `headers`, `url` parts and `body`. Printing it (`console.log`,
 * `JSON.stringify`) redacts `authorization`, `cookie` and `proxy-authorization`, and the values
 * of the `redactParams` query parameters in its URL.
 */
export class PreparedRequest implements FailedRequest {
  /** Upper-case method, e.g. `GET`. */
  method: string;
  /** `scheme://host[:port]` of the target. */
  origin: string;
  /** Path and query string, e.g. `/search?q=1`. */
  path: string;
  /** Header values by lower-case name. */
  headers: Record<string, string>;
  /** The encoded body, or `null`. */
  body: WireBody;
  /** Whether `body` can be sent again (for retries and 307/308 redirects). */
  isBodyReplayable: boolean;
  /**
   * The query parameters (lower-case names) whose values errors, traces and printing replace by
   * `REDACTED`: the session's `redactParams`, one set shared by all of its requests.
   */
  readonly redactParams: ReadonlySet<string>;

  constructor(
    method: string,
    origin: string,
    path: string,
    headers: Record<string, string>,
    body: WireBody,
    isBodyReplayable: boolean,
    redactParams: ReadonlySet<string> = DEFAULT_REDACTED,
  ) {
    this.method = method;
    this.origin = origin;
    this.path = path;
    this.headers = headers;
    this.body = body;
    this.isBodyReplayable = isBodyReplayable;
    this.redactParams = redactParams;
  }

  /**
   * A copy with headers of its own (a copy of these unless `headers` is given), which hooks,
   * signers, observers and policies may change without touching the shared ones.
   */
  copy(
    headers: Record<string, string> = Object.assign(new HeaderRecord(), this.headers),
  ): PreparedRequest {
    return new PreparedRequest(
      this.method,
      this.origin,
      this.path,
      headers,
      this.body,
      this.isBodyReplayable,
      this.redactParams,
    );
  }

  /** The full URL. */
  get url(): string {
    return this.origin + this.path;
  }

  /** The URL as errors show it: userinfo and the values of {@link redactParams} replaced. */
  redactedURL(): string {
    return redactURL(this.url, this.redactParams);
  }

  /** A plain, redacted copy for logs: secret headers and secret query values replaced. */
  toJSON(): {
    /** The method. */
    method: string;
    /** The URL, redacted. */
    url: string;
    /** The headers, secret values replaced. */
    headers: Record<string, string>;
  } {
    return {
      method: this.method,
      url: this.redactedURL(),
      headers: redactHeaders(this.headers),
    };
  }

  /** What `console.log` and `util.inspect` print: `PreparedRequest` and the redacted {@link PreparedRequest.toJSON} copy. */
  [inspect.custom](): string {
    return `PreparedRequest ${inspect(this.toJSON())}`;
  }
}
