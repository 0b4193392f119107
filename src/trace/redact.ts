import { redactURL as redactCredentials } from '../http/url.ts';

/** Query parameters whose values are replaced in traces unless configured otherwise. */
export const DEFAULT_REDACTED_PARAMS: readonly string[] = [
  'access_token',
  'api_key',
  'apikey',
  'auth',
  'code',
  'key',
  'password',
  'secret',
  'sig',
  'signature',
  'token',
];

const REDACTED = 'REDACTED';

/**
 * `url` without credentials and with the values of `params` (case-insensitive names) replaced,
 * for traces, HAR files and spans.
 */
export function redactURL(url: string, params: ReadonlySet<string>): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactCredentials(url);
  }
  parsed.username = '';
  parsed.password = '';
  if (parsed.search !== '' && params.size > 0) {
    for (const name of [...parsed.searchParams.keys()]) {
      if (params.has(name.toLowerCase())) parsed.searchParams.set(name, REDACTED);
    }
  }
  return parsed.href;
}
