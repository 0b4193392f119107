/**
 * What `util.inspect` prints for a running {@link Flow}: its name, wall time, whether it is done,
 * and where each step stands — `Flow 'home' { wallTime: 12.3 ms, done: false, steps: { user: 'ok',
 * orders: 'running' } }`. Step values and errors stay in `flow.steps` and `flow.report()`.
 *
 * @internal
 */

import type { InspectOptionsStylized } from 'node:util';
import { type Inspect, inspectLine, milliseconds } from '../core/inspect.ts';
import type { Flow } from './flow.ts';

/** The line of `flow`. */
export function inspectFlow(
  flow: Flow<unknown>,
  depth: number | null,
  options: InspectOptionsStylized,
  inspect: Inspect,
): string {
  const report = flow.report();
  const steps: Record<string, string> = {};
  for (const step of report.steps) steps[step.name] = step.outcome;
  const fields = { wallTime: milliseconds(report.wallTime, options), done: flow.done(), steps };
  return inspectLine(`Flow ${inspect(flow.name, options)}`, fields, depth, options, inspect);
}
