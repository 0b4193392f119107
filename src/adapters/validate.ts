/**
 * The adapters' option checks, in the library's message shape: "Expected `trace` to be a boolean,
 * got "yes" (string)". The adapters use the public API only, so they keep their own.
 *
 * @internal
 */

import { InvalidOptionError } from '../index.ts';

/** Throws the standard "Expected `name` to be …, got …" error. */
export function expected(name: string, what: string, value: unknown): never {
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  let shown: string;
  try {
    shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    shown = Object.prototype.toString.call(value);
  }
  throw new InvalidOptionError(`Expected \`${name}\` to be ${what}, got ${shown} (${type})`);
}
