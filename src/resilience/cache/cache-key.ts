import { createHash } from 'node:crypto';

/**
 * Store keys of the HTTP cache. The primary key is the method and the URL (RFC 9111 §2); a
 * variant's key adds the values of the request headers its response `Vary`s on (§4.1). Keys are
 * SHA-256 digests, so a store (Redis) never holds a URL's secrets or a varied header's value in
 * clear, and every key has the same short length.
 */

/** The primary key of `method` and `url`. */
export function primaryKey(method: string, url: string): string {
  return digest(`${method} ${url}`);
}

/**
 * The key of the variant of `primary` selected by `headers`: the values of the `names` it varies
 * on, whitespace normalised (RFC 9111 §4.1 allows it). An absent header and an empty one differ.
 */
export function variantKey(
  primary: string,
  names: readonly string[],
  headers: Readonly<Record<string, string | undefined>>,
): string {
  let material = primary;
  for (const name of names) {
    const value = headers[name];
    material += value === undefined ? `\n${name}` : `\n${name}:${normalise(value)}`;
  }
  return digest(material);
}

/**
 * The header names a response varies on, lower-case, deduplicated and sorted; `'*'` when it
 * varies on something outside the request (such a response never matches, §4.1).
 */
export function varyNames(vary: string | string[] | undefined): readonly string[] | '*' {
  if (vary === undefined) return [];
  const names = new Set<string>();
  for (const part of (Array.isArray(vary) ? vary.join(',') : vary).split(',')) {
    const name = part.trim().toLowerCase();
    if (name === '*') return '*';
    if (name !== '') names.add(name);
  }
  return [...names].sort();
}

function normalise(value: string): string {
  return value
    .trim()
    .replace(/\s*,\s*/g, ',')
    .replace(/\s+/g, ' ');
}

function digest(material: string): string {
  return createHash('sha256').update(material).digest('base64url');
}
