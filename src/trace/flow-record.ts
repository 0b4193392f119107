import { isFanoutError } from '../errors/fanout-error.ts';
import { addFlowObserver, type ObservedFlow } from '../flow/observer.ts';
import type { StepReport } from '../flow/report.ts';

/** One step of a flow as the trace summary shows it. Times are ms since the trace began. */
export interface StepSummary {
  /** The step's name. */
  readonly name: string;
  /** The steps it depends on. */
  readonly after: readonly string[];
  /** How the step ended (or where it is now). */
  readonly outcome: StepReport['outcome'];
  /** When it was queued (its flow's start), in ms since the trace began. */
  readonly queued: number;
  /** Undefined if it never ran (a dependency failed, or it was cancelled while waiting). */
  readonly started: number | undefined;
  /** When it was done, in ms since the trace began; undefined while it is not. */
  readonly finished: number | undefined;
  /**
   * The error's `code` (`FANOUT_DEPENDENCY`, `FANOUT_DEADLINE`, …) or name, never its message:
   * messages name URLs, and the summary holds no secrets.
   */
  readonly error?: string;
}

/** One flow started in a trace, as {@link TraceSummary.flows} shows it. */
export interface FlowSummary {
  /** The flow's name. */
  readonly name: string;
  /** When the flow started, in ms since the trace began. */
  readonly started: number;
  /** Milliseconds from its start to its last step being done (or to now). */
  readonly wallTime: number;
  /** The names of the steps that set its end time, first to last. */
  readonly criticalPath: readonly string[];
  /** Its steps, in definition order. */
  readonly steps: readonly StepSummary[];
}

/** A flow started in a trace: the flow itself, asked for its report when the trace is summarised. */
export class FlowRecord {
  readonly #flow: ObservedFlow;
  /** When the flow started, in ms since the trace began. */
  readonly started: number;

  constructor(flow: ObservedFlow, traceOrigin: number) {
    this.#flow = flow;
    this.started = flow.origin - traceOrigin;
  }

  /** The flow's steps and critical path so far, on the trace's clock. */
  summary(): FlowSummary {
    const report = this.#flow.report();
    const shift = (time: number | undefined) =>
      time === undefined ? undefined : time + this.started;
    return {
      name: report.name,
      started: this.started,
      wallTime: report.wallTime,
      criticalPath: report.criticalPath,
      steps: report.steps.map((step) => {
        const summary = {
          name: step.name,
          after: step.after,
          outcome: step.outcome,
          queued: step.queued + this.started,
          started: shift(step.started),
          finished: shift(step.finished),
        };
        return step.error === undefined ? summary : { ...summary, error: codeOf(step.error) };
      }),
    };
  }
}

function codeOf(error: unknown): string {
  if (isFanoutError(error)) return error.code;
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  if (typeof code === 'string') return code;
  return typeof name === 'string' ? name : 'Error';
}

/**
 * Hands every flow started from now on to the trace of its context, if any (`current` reads the
 * trace's AsyncLocalStorage). A flow started outside any trace is recorded nowhere.
 */
export function watchFlows(
  current: () => { recordFlow(flow: ObservedFlow): void } | undefined,
): void {
  addFlowObserver((flow) => current()?.recordFlow(flow));
}
