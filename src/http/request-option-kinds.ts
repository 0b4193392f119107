import type { Exhaustive } from '../core/exhaustive.ts';
import type { RequestOptions } from './options.ts';

/**
 * How one request option reaches a call, decided once per option (a new option without a kind is
 * a compile error):
 * - `merged`: `merge()` (config.ts) folds it into the call's `Config`, and the coalescing key holds every
 *   field of the `Config` (see `CONFIG_KEY_PARTS` in coalescing.ts);
 * - `keyed`: it describes the call and leaves the config as it is, but is part of the coalescing
 *   key (two calls with different deadlines do not share one exchange);
 * - `per-caller`: it describes the call and stays each caller's own, not part of the key;
 * - `uncoalesced`: it describes the call, and a call that uses it never coalesces (a body, a
 *   stream).
 *
 * @internal
 */
export type RequestOptionKind = 'merged' | 'keyed' | 'per-caller' | 'uncoalesced';

/**
 * The kind of every request option. `priority` is a `FuturesSession` request's (its queue order);
 * test/http/option-registry-types.test.ts holds this map to `FutureRequestOptions` as well.
 *
 * @internal
 */
export const REQUEST_OPTION_KINDS = {
  headers: 'merged',
  params: 'merged',
  auth: 'merged',
  cookies: 'merged',
  timeout: 'merged',
  retry: 'merged',
  redirect: 'merged',
  hooks: 'merged',
  maxBodySize: 'merged',
  decompress: 'merged',
  ca: 'merged',
  cert: 'merged',
  key: 'merged',
  rejectUnauthorized: 'merged',
  proxy: 'merged',
  json: 'uncoalesced',
  form: 'uncoalesced',
  body: 'uncoalesced',
  stream: 'uncoalesced',
  signal: 'per-caller',
  priority: 'per-caller',
  deadline: 'keyed',
} as const satisfies Exhaustive<RequestOptions & { priority?: number }, RequestOptionKind>;

/** The request options that only describe the body or the call: they leave the config as it is. */
export const CALL_ONLY_KEYS: ReadonlySet<string> = new Set(
  Object.entries(REQUEST_OPTION_KINDS)
    .filter(([, kind]) => kind !== 'merged')
    .map(([key]) => key),
);
