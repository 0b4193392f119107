import type { StepSummary } from './flow-record.ts';
import type { RequestRecord } from './request-record.ts';

/**
 * How a waterfall row ended, which sets its colour, its legend entry and the word in its title:
 * `success` (a response below 400), `http-error` (a 4xx or 5xx response), `error` (no response:
 * a network failure, a timeout), `cancelled`, `skipped` (never sent: an input it needed failed),
 * or `pending` (still running when the trace was drawn).
 */
export type BarOutcome = 'success' | 'http-error' | 'error' | 'cancelled' | 'skipped' | 'pending';

/** Every outcome with its legend text, in legend order. */
export const BAR_OUTCOMES: readonly (readonly [BarOutcome, string])[] = [
  ['success', '2xx/3xx response'],
  ['http-error', '4xx/5xx response'],
  ['error', 'error, no response'],
  ['cancelled', 'cancelled'],
  ['skipped', 'skipped, never sent'],
  ['pending', 'still running'],
];

/** The outcome of a request: a 503 the session resolved with is an `http-error`, not a success. */
export function requestOutcome(record: Pick<RequestRecord, 'outcome' | 'status'>): BarOutcome {
  switch (record.outcome) {
    case 'ok':
      return record.status !== undefined && record.status >= 400 ? 'http-error' : 'success';
    case 'pending':
      return 'pending';
    default:
      return record.outcome;
  }
}

/**
 * The outcome of a flow step that never ran (so never sent its request): `cancelled` if the flow
 * was cancelled before it could start, `pending` if it was still waiting for its dependencies,
 * `skipped` otherwise (a dependency failed, or a deadline passed first).
 */
export function unrunStepOutcome(step: Pick<StepSummary, 'outcome' | 'error'>): BarOutcome {
  if (step.outcome === 'waiting') return 'pending';
  if (step.outcome === 'cancelled' || step.error === 'FANOUT_CANCELLED') return 'cancelled';
  return 'skipped';
}
