import { FanoutError } from './fanout-error.ts';

/** Whose deadline passed: the step's own, or the whole flow's. */
export type DeadlineScope = 'step' | 'flow';

/** Options of {@link DeadlineError}. */
export interface DeadlineErrorOptions {
  /** The flow's name. */
  flow: string;
  /** The step that was not done in time. */
  step: string;
  /** Whose deadline passed. */
  scope: DeadlineScope;
  /** The deadline that passed, in milliseconds after the flow started. */
  deadline: number;
  /** The `performance.now()` time the deadline fell at. */
  dueAt?: number | undefined;
}

/**
 * A flow step was not done by its deadline, or by the whole flow's. Its work was cancelled (a
 * request in flight is aborted). Told apart from the step's own errors by its class and its
 * `code`; the flow report marks the step `timedOut`.
 */
export class DeadlineError extends FanoutError {
  override name = 'DeadlineError';
  override readonly code = 'FANOUT_DEADLINE' as const;
  /** The step that was not done in time. */
  readonly step: string;
  /** Whose deadline passed. */
  readonly scope: DeadlineScope;
  /** The deadline that passed, in milliseconds after the flow started. */
  readonly deadline: number;
  /**
   * The `performance.now()` time the deadline fell at (the flow's start plus `deadline`), the
   * clock a request's `TimeoutError.dueAt` is on: a step waiting for this one that is due no later
   * times out on its own, and a request the step's work cancelled fails as if its own deadline
   * timer for this moment had fired.
   */
  readonly dueAt: number | undefined;

  constructor(options: DeadlineErrorOptions) {
    const { flow, step, scope, deadline, dueAt } = options;
    super(
      scope === 'step'
        ? `Step \`${step}\` of flow \`${flow}\` missed its deadline of ${deadline} ms`
        : `Flow \`${flow}\` missed its deadline of ${deadline} ms before step \`${step}\` was done`,
    );
    this.step = step;
    this.scope = scope;
    this.deadline = deadline;
    this.dueAt = dueAt;
  }
}
