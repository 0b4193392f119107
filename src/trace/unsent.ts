import type { FlowSummary } from './flow-record.ts';
import type { SkipRecord } from './skip-record.ts';
import { type BarOutcome, unrunStepOutcome } from './waterfall-outcome.ts';

/** A request that was never sent, as the waterfall draws it: a placeholder row. */
export interface Unsent {
  /** The row's label: `step cart` for a flow step, the given name for a recorded skip. */
  readonly label: string;
  /** The row's hover text: what it was and why it never ran. */
  readonly detail: string;
  readonly outcome: BarOutcome;
  /** When it was queued or skipped, in ms since the trace began. */
  readonly from: number;
  /** When it was given up (a dependency failed); undefined if it never was (a skip, a wait). */
  readonly to: number | undefined;
}

// Why a step never ran, from its error's code (the summary keeps codes, never messages).
const REASONS: Record<string, string> = {
  FANOUT_DEPENDENCY: 'a step it needs failed',
  FANOUT_CANCELLED: 'the flow was cancelled',
  FANOUT_DEADLINE: 'its deadline passed first',
};

/**
 * The requests that were never sent: every flow step that never ran (its function was never
 * called, so neither was its request), then every {@link SkipRecord}, in the order recorded.
 */
export function unsentRequests(
  flows: readonly FlowSummary[],
  skips: readonly SkipRecord[],
): Unsent[] {
  const unsent: Unsent[] = [];
  for (const flow of flows) {
    for (const step of flow.steps) {
      if (step.started !== undefined) continue;
      const reason = step.error === undefined ? step.outcome : (REASONS[step.error] ?? step.error);
      unsent.push({
        label: `step ${step.name}`,
        detail: `step ${step.name} of flow ${flow.name} never ran: ${reason}`,
        outcome: unrunStepOutcome(step),
        from: step.queued,
        to: step.finished,
      });
    }
  }
  for (const skip of skips) {
    unsent.push({
      label: skip.name,
      detail: `${skip.name} was not sent: ${skip.reason}`,
      outcome: 'skipped',
      from: skip.at,
      to: undefined,
    });
  }
  return unsent;
}
