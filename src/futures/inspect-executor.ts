/**
 * What `util.inspect` prints for an {@link Executor} and a {@link FuturesSession}: their limits,
 * how many tasks run and wait, and whether they still take work —
 * `FuturesSession http://api/v1 { maxWorkers: 128, active: 3, queued: 0, closed: false }`.
 *
 * @internal
 */

import type { InspectOptionsStylized } from 'node:util';
import { type Fields, type Inspect, inspectLine } from '../core/inspect.ts';
import type { Executor } from './executor.ts';
import type { FuturesSession } from './futures-session.ts';

/** The limits and counts of `executor`; `maxQueued` only when it bounds the queue. */
function countsOf(executor: Executor): Fields {
  return {
    maxWorkers: executor.maxWorkers,
    maxQueued: Number.isFinite(executor.maxQueued) ? executor.maxQueued : undefined,
    active: executor.active,
    queued: executor.queued,
  };
}

/** `Executor { maxWorkers: 8, active: 1, queued: 0, completed: 4, shutdown: false }`. */
export function inspectExecutor(
  executor: Executor,
  depth: number | null,
  options: InspectOptionsStylized,
  inspect: Inspect,
): string {
  const fields = {
    ...countsOf(executor),
    completed: executor.completed,
    shutdown: executor.isShutdown,
  };
  return inspectLine('Executor', fields, depth, options, inspect);
}

/**
 * The line of `session`: its session's base URL (redacted), its executor's limits and counts, and
 * whether it is closed (its session closed or its executor shut down: it takes no requests).
 */
export function inspectFuturesSession(
  session: FuturesSession,
  depth: number | null,
  options: InspectOptionsStylized,
  inspect: Inspect,
): string {
  const { baseURL } = session.session;
  const fields = {
    ...countsOf(session.executor),
    closed: session.session.isClosed || session.executor.isShutdown,
  };
  const head = baseURL === undefined ? 'FuturesSession' : `FuturesSession ${baseURL}`;
  return inspectLine(head, fields, depth, options, inspect);
}
