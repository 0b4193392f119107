import { ownValue } from '../core/validate.ts';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import { type BodySource, encodeBody } from './body.ts';
import { basicAuth, type Config } from './config.ts';
import { HeaderRecord } from './headers.ts';
import { PreparedRequest } from './prepared-request.ts';
import { type BaseURL, resolveTarget, withQuery } from './url.ts';

const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Where string URLs resolve (the session's base and whether absolute strings may bypass it), and
 * which query parameters its errors redact.
 */
export interface URLRules {
  readonly base: BaseURL | undefined;
  readonly allowAbsoluteURLs: boolean;
  /** The session's `redactParams`, lower-case. */
  readonly redactParams: ReadonlySet<string>;
}

function checkMethod(method: unknown): string {
  if (typeof method !== 'string' || !METHOD.test(method)) {
    throw new InvalidRequestError(
      `Invalid method ${JSON.stringify(method)}: expected an HTTP token such as "GET"`,
    );
  }
  return method.toUpperCase();
}

function hasBody(source: BodySource): boolean {
  const body = ownValue(source, 'body', source.body);
  return (
    ownValue(source, 'json', source.json) !== undefined ||
    ownValue(source, 'form', source.form) !== undefined ||
    (body !== undefined && body !== null)
  );
}

/**
 * Turns a method, a URL and merged options into a validated {@link PreparedRequest}: absolute
 * URL with the query, headers with auth and content type, encoded body. Every bad input fails
 * here with a typed error, before anything is queued or sent.
 */
export function prepare(
  method: string,
  url: string | URL,
  config: Config,
  source: BodySource,
  rules: URLRules,
): PreparedRequest {
  const verb = checkMethod(method);
  const target = resolveTarget(url, rules.base, rules.allowAbsoluteURLs, rules.redactParams);
  const path = withQuery(target.path, config.query);
  const encoded = hasBody(source) ? encodeBody(source) : undefined;
  const authHeader =
    config.auth?.header ??
    (target.username || target.password ? basicAuth(target.username, target.password) : undefined);
  // The session's shared headers unless this request adds its own; signers and hooks work on the
  // wire copy each attempt makes (Session#wireRequest), never on these.
  let headers = config.headers as Record<string, string>;
  if (authHeader !== undefined || encoded?.contentType !== undefined) {
    headers = Object.assign(new HeaderRecord(), headers);
    if (authHeader !== undefined) headers.authorization = authHeader;
    if (encoded?.contentType !== undefined && headers['content-type'] === undefined)
      headers['content-type'] = encoded.contentType;
  }
  return new PreparedRequest(
    verb,
    target.origin,
    path,
    headers,
    encoded?.body ?? null,
    encoded?.isReplayable ?? true,
    rules.redactParams,
  );
}
