import type { PolicyEvent } from '../http/session-policy.ts';

/**
 * A session policy's action as a trace records it: the {@link PolicyEvent} and when it happened
 * (ms since the trace began). A retry the budget denied, a circuit that opened, a hedge sent.
 */
export interface PolicyRecord extends PolicyEvent {
  /** Milliseconds since the trace began. */
  readonly at: number;
}

/** The records of a call without any. */
export const NO_POLICY_RECORDS: readonly PolicyRecord[] = Object.freeze([]);
