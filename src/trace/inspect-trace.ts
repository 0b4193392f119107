/**
 * What `util.inspect` prints for a {@link Trace} and its {@link RequestRecord}s: the trace's name,
 * wall and blocked time and counts, with one line per request below it while the depth allows —
 * `RequestRecord #1 GET http://api/x?token=REDACTED { outcome: 'ok', status: 200, elapsed: 2.3 ms }`.
 * URLs are redacted as in every other output of the trace; no header is shown.
 *
 * @internal
 */

import type { InspectOptionsStylized } from 'node:util';
import { type Inspect, inspectLine, milliseconds } from '../core/inspect.ts';
import type { RequestRecord } from './request-record.ts';
import type { Trace } from './trace.ts';

/** The lines of `trace`; `ended` tells whether `end()` was called. */
export function inspectTrace(
  trace: Trace,
  ended: boolean,
  depth: number | null,
  options: InspectOptionsStylized,
  inspect: Inspect,
): string {
  const { requests } = trace;
  let blocked = 0;
  let pending = 0;
  for (const record of requests) {
    blocked += record.blocked;
    if (record.outcome === 'pending') pending++;
  }
  const fields = {
    wallTime: milliseconds(trace.wallTime, options),
    ended,
    // The records themselves, a line each, while there is depth for them; else how many.
    requests: depth === null || depth > 0 ? requests : requests.length,
    pending: pending > 0 ? pending : undefined,
    blocked: milliseconds(blocked, options),
    sections: trace.sections.length > 0 ? trace.sections.length : undefined,
    flows: trace.flows.length > 0 ? trace.flows.length : undefined,
  };
  return inspectLine(`Trace ${inspect(trace.name, options)}`, fields, depth, options, inspect);
}

/** The line of `record`, which has made `attempts` attempts so far. */
export function inspectRequestRecord(
  record: RequestRecord,
  attempts: number,
  depth: number | null,
  options: InspectOptionsStylized,
  inspect: Inspect,
): string {
  const resolved = record.resolvedAt;
  const fields = {
    outcome: record.outcome,
    status: record.status,
    error: record.errorCode,
    attempts: attempts > 1 ? attempts : undefined,
    // queuedAt is set once the call is resolved (read before, it would set it).
    elapsed: resolved === undefined ? undefined : milliseconds(resolved - record.queuedAt, options),
    blocked: record.blocked > 0 ? milliseconds(record.blocked, options) : undefined,
  };
  const head = `RequestRecord #${record.id} ${record.method} ${record.url}`;
  return inspectLine(head, fields, depth, options, inspect);
}
