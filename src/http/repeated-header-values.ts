/**
 * Response header values that repeat from one response to the next — `content-type:
 * application/json`, `connection: keep-alive`, the `date` of the current second — kept once
 * rather than once per response. undici parses every value into a fresh string; a response that
 * outlives a minor GC (a queued request's future is old by the time it settles, and it holds its
 * response, which is promoted with it) would keep all of them until the next major GC. Returning
 * the equal string seen last for the same header lets the fresh one die young.
 *
 * Only the headers named here are remembered, one value each, so the memory is bounded whatever a
 * server sends; strings are immutable, so sharing one between responses (and sessions) changes
 * nothing a caller can see.
 *
 * @internal
 */

// The last value seen for each header that usually repeats; '' until the first one.
const lastValues = new Map<string, string>(
  [
    'cache-control',
    'connection',
    'content-encoding',
    'content-length',
    'content-type',
    'date',
    'keep-alive',
    'server',
    'transfer-encoding',
    'vary',
  ].map((name) => [name, '']),
);

/** `value` of header `name`, or the equal string this module returned for it before. */
export function repeatedValue(name: string, value: string): string {
  const last = lastValues.get(name);
  if (last === undefined) return value;
  if (last === value) return last;
  lastValues.set(name, value);
  return value;
}
