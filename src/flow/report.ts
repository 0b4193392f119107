/**
 * What a flow tells about its run: per step, when it was queued, started and finished and how it
 * ended; and the critical path, the chain of steps that set the end time. Pure.
 */

/**
 * How a step stands: `waiting` for its dependencies, `running`, or done — `ok`, `failed`,
 * `fallback` (it failed, missed a deadline or lost a dependency, and its fallback was used),
 * `cancelled`, or `timedOut` (it missed its deadline or the flow's, and had no fallback).
 */
export type StepOutcome =
  | 'waiting'
  | 'running'
  | 'ok'
  | 'failed'
  | 'fallback'
  | 'cancelled'
  | 'timedOut';

/** One step of a {@link FlowReport}. Times are milliseconds since the flow started. */
export interface StepReport {
  /** The step's name. */
  readonly name: string;
  /** The steps it depends on. */
  readonly after: readonly string[];
  /** Where the step is now, or how it ended. */
  readonly outcome: StepOutcome;
  /** When it was queued: the flow's start (it then waits for its dependencies). */
  readonly queued: number;
  /** When its function was called (its dependencies were done); undefined if it never ran. */
  readonly started: number | undefined;
  /** When it was done; undefined while waiting or running. */
  readonly finished: number | undefined;
  /** Why it failed, timed out or was cancelled, or why its fallback was used. */
  readonly error?: unknown;
}

/** What {@link Flow.report} returns. */
export interface FlowReport {
  /** The flow's name. */
  readonly name: string;
  /** Milliseconds from the start of the flow to its last step being done (or to now). */
  readonly wallTime: number;
  /**
   * The names of the steps that set the end time, first to last: the last step to finish,
   * preceded by the dependency it waited for last, and so on back to a step that waited for none.
   */
  readonly criticalPath: readonly string[];
  /** Every step, in the order they were defined. */
  readonly steps: readonly StepReport[];
}

/**
 * The critical path of finished steps: from the last to finish, walk back to the dependency that
 * finished last (no later than the step itself), until a step without one.
 */
export function criticalPath(steps: readonly StepReport[]): string[] {
  const byName = new Map(steps.map((step) => [step.name, step]));
  let current = latest(steps, Number.POSITIVE_INFINITY);
  const path: string[] = [];
  while (current !== undefined) {
    path.unshift(current.name);
    const dependencies = current.after.map((name) => byName.get(name) as StepReport);
    current = latest(dependencies, current.finished as number);
  }
  return path;
}

/** The step that finished last, no later than `bound`. */
function latest(steps: readonly StepReport[], bound: number): StepReport | undefined {
  let found: StepReport | undefined;
  for (const step of steps) {
    const finished = step.finished;
    if (finished === undefined || finished > bound) continue;
    if (found === undefined || finished > (found.finished as number)) found = step;
  }
  return found;
}
