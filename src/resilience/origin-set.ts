import { fail } from '../core/validate.ts';

/**
 * The `origins` option of a policy — the origins it applies to, as `scheme://host:port` — or
 * `undefined` (every origin). Each entry is a URL (string or `URL`); only its origin counts.
 *
 * @throws {InvalidOptionError} when it is not an array of absolute http(s) URLs.
 * @internal
 */
export function originSet(option: unknown): ReadonlySet<string> | undefined {
  if (option === undefined) return undefined;
  if (!Array.isArray(option)) fail('origins', 'an array of URLs', option);
  return new Set(option.map((entry: unknown, index) => originOf(entry, index)));
}

function originOf(entry: unknown, index: number): string {
  const name = `origins[${index}]`;
  if (typeof entry !== 'string' && !(entry instanceof URL)) fail(name, 'a URL', entry);
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return fail(name, 'an absolute URL', entry);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(name, 'an http(s) URL', entry);
  return url.origin;
}
