/**
 * What `util.inspect` prints for a {@link Session}: its base URL (redacted), its limits and
 * whether it is closed — `Session http://api/v1 { timeout: 30000 ms, retries: 2, maxRedirects: 30,
 * closed: false }`. Never its headers, auth or cookies.
 *
 * @internal
 */

import type { InspectOptionsStylized } from 'node:util';
import { type Inspect, inspectLine, milliseconds } from '../core/inspect.ts';
import type { Config } from './config.ts';
import type { Session } from './session.ts';

/** The line of `session`, whose merged options are `config`. */
export function inspectSession(
  session: Session,
  config: Config,
  depth: number | null,
  options: InspectOptionsStylized,
  inspect: Inspect,
): string {
  const { baseURL } = session;
  const total = config.timeout.total;
  return inspectLine(
    baseURL === undefined ? 'Session' : `Session ${baseURL}`,
    {
      timeout: total === undefined ? undefined : milliseconds(total, options),
      retries: config.retry?.limit ?? 0,
      maxRedirects: config.maxRedirects,
      closed: session.isClosed,
    },
    depth,
    options,
    inspect,
  );
}
