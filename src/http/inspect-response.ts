/**
 * What `util.inspect` prints for a {@link Response}: the status line, the method and redacted URL
 * of its request, then its content type, body size, redirect count and elapsed time —
 * `Response 200 OK GET http://api/x?token=REDACTED { type: 'application/json', bytes: 7, elapsed: 3.1 ms }`.
 * Never the body, and no header but `content-type`.
 *
 * @internal
 */

import type { InspectOptionsStylized } from 'node:util';
import { type Inspect, inspectLine, milliseconds, Shown } from '../core/inspect.ts';
import type { Response } from './response.ts';

/** The line of `response`; `content` is its buffered body, `undefined` when it is streamed. */
export function inspectResponse(
  response: Response,
  content: Uint8Array | undefined,
  depth: number | null,
  options: InspectOptionsStylized,
  inspect: Inspect,
): string {
  const { request } = response;
  const head = `Response ${response.status} ${response.reason} ${request.method} ${request.redactedURL()}`;
  const type = response.headers['content-type'];
  return inspectLine(
    head,
    {
      type: typeof type === 'string' ? type : undefined,
      bytes:
        content === undefined ? new Shown(options.stylize('streamed', 'special')) : content.length,
      redirects: response.history.length > 0 ? response.history.length : undefined,
      attempts: response.retries?.attempts,
      elapsed: milliseconds(response.elapsed, options),
    },
    depth,
    options,
    inspect,
  );
}
