import { startTimer } from '../core/timers.ts';
import type { CancelledError } from '../errors/cancelled-error.ts';
import { DeadlineError } from '../errors/deadline-error.ts';
import { DependencyError } from '../errors/dependency-error.ts';
import { TimeoutError } from '../errors/timeout-error.ts';
import { Flow } from '../flow/flow.ts';
import { planOf } from '../flow/plan.ts';
import type { StepContext, StepSpec } from '../flow/step-options.ts';
import { Future } from '../futures/future.ts';
import type { FuturesSession } from '../futures/futures-session.ts';
import { isDeadlineAtOrAfter } from '../http/deadline.ts';
import type { FailureReason, LatePolicy } from './section.ts';
import { sectionContext } from './section-context.ts';
import type { CheckedSection } from './validate-section.ts';

/** A section's data once settled: the value, or why there is none (failures as data). */
export type DataOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly reason: FailureReason; readonly error: unknown };

/** What every section's run shares: the request's input and session, the clock and the budget. */
export interface RunEnvironment {
  readonly input: unknown;
  readonly session: FuturesSession;
  /** Milliseconds since the rendering's origin. */
  now(): number;
  /** When the page started, on the same clock. */
  readonly startedAt: number;
  /**
   * When the page started, as a `performance.now()` time: the origin of the page's flow, so a
   * section's due time (`start + deadline`) is the very number its step's deadline falls at.
   */
  readonly start: number;
  /** The page budget in milliseconds, if any. */
  readonly budget: number | undefined;
  /** The page's default deadline and late policy. */
  readonly deadline: number | undefined;
  readonly late: LatePolicy;
  /** The sections that missed their deadline: a dependent failing because of one is late too. */
  readonly lateSections: Set<string>;
}

/**
 * The page side of one section's data for one rendering. The data itself runs as a step of the
 * page's flow (see {@link startRuns}); the run settles once — with the value, an error, or a
 * timeout — whichever comes first. Never rejects: failures are data.
 *
 * Who bounds the data by the section's deadline depends on its late policy. With `late:
 * 'cancel'` the step has that deadline: the flow times it out (a `DeadlineError`, its work
 * cancelled), and its requests are due at the same moment, so whichever timer fires first the
 * step is `timedOut` and the section late. With `late: 'finish'` the step has no deadline (its
 * work goes on): the run's own timer makes the section late, and the step ends as its work does.
 */
export class SectionRun {
  readonly section: CheckedSection;
  /** Settles once with the section's data outcome. */
  readonly settled: Promise<DataOutcome>;
  /** When `data` was called (the page's start until then); ms since the origin. */
  startedAt: number;
  /** When the outcome was settled; undefined until then. */
  readyAt: number | undefined;
  /** The outcome once settled. */
  outcome: DataOutcome | undefined;
  readonly #environment: RunEnvironment;
  readonly #resolve: (outcome: DataOutcome) => void;
  /** Whether late work is cancelled (`late: 'cancel'`): then the flow step holds the deadline. */
  readonly #cancelsLateWork: boolean;
  /** The future `data` returned, if it returned one: asked for when rendering wants the data. */
  #future: Future<unknown> | undefined;
  /** The deadline timer of a `late: 'finish'` section while its outcome is pending. */
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Creates the run and, for a `late: 'finish'` section, arms its deadline: the page starts now. */
  constructor(section: CheckedSection, environment: RunEnvironment) {
    this.section = section;
    this.#environment = environment;
    this.#cancelsLateWork = (section.late ?? environment.late) === 'cancel';
    this.startedAt = environment.now();
    let resolve!: (outcome: DataOutcome) => void;
    this.settled = new Promise<DataOutcome>((settle) => {
      resolve = settle;
    });
    this.#resolve = resolve;
    if (!this.#cancelsLateWork) this.#armDeadline();
  }

  /** The deadline in ms after the page start: the section's (or the page's), within the budget. */
  get deadline(): number | undefined {
    const { budget, deadline } = this.#environment;
    const own = this.section.deadline ?? deadline;
    if (own === undefined) return budget;
    return budget === undefined ? own : Math.min(own, budget);
  }

  /** The deadline of the section's flow step: its own, when it cancels late work. */
  get stepDeadline(): number | undefined {
    return this.#cancelsLateWork ? this.deadline : undefined;
  }

  /** The flow step's function: calls the section's `data` with its dependencies' values. */
  call(deps: Record<string, unknown>, step: StepContext): unknown {
    this.startedAt = this.#environment.now();
    const data = this.section.data;
    if (data === undefined) return undefined;
    const environment = this.#environment;
    const context = sectionContext(
      {
        input: environment.input,
        session: environment.session,
        remaining: () => this.#remaining(),
        dueAt: this.#requestsDueAt(),
      },
      this.section.name,
      step.signal,
    );
    const result = data(deps, context);
    if (result instanceof Future) this.#future = result;
    return result;
  }

  /** Settles with the outcome of the section's flow step. */
  follow(step: Future<unknown>): void {
    step.addDoneCallback(() => {
      step.result().then(
        (value) => this.#settle({ ok: true, value }),
        (error: unknown) => this.#failed(error),
      );
    });
  }

  /**
   * Rendering wants the data now: a future returned by `data` is asked for, so a trace measures
   * the blocked time of its request from here.
   */
  want(): void {
    const future = this.#future;
    if (future !== undefined && !future.done()) future.exception().catch(() => {});
  }

  /** The page was aborted: the section falls back at once (its step is cancelled by the flow). */
  abort(reason: CancelledError): void {
    this.#settle({ ok: false, reason: 'error', error: reason });
  }

  #remaining(): number {
    const { budget, now, startedAt } = this.#environment;
    return budget === undefined ? Number.POSITIVE_INFINITY : budget - (now() - startedAt);
  }

  /**
   * When the section's requests must end (a `performance.now()` time): at its deadline when late
   * work is cancelled (the step's due time, the same number), else when the budget runs out.
   */
  #requestsDueAt(): number | undefined {
    const due = this.#cancelsLateWork ? this.deadline : this.#environment.budget;
    return due === undefined ? undefined : this.#environment.start + due;
  }

  /** Armed when the page starts (every run is created then, before any `data` runs). */
  #armDeadline(): void {
    const deadline = this.deadline;
    if (deadline === undefined) return;
    this.#timer = startTimer(deadline, () => this.#late(deadline));
  }

  /**
   * The section is late: it times out with a `TimeoutError` (phase `result`) for its deadline,
   * whose `cause` is its step's `DeadlineError` when the flow timed the step out.
   */
  #late(deadline: number, cause?: DeadlineError): void {
    if (this.outcome !== undefined) return;
    this.#environment.lateSections.add(this.section.name);
    const options = cause === undefined ? {} : { cause };
    const limit = `deadline of section "${this.section.name}"`;
    const error = new TimeoutError({ phase: 'result', timeout: deadline, limit, ...options });
    this.#settle({ ok: false, reason: 'timeout', error });
  }

  /**
   * The data failed with `error`. The step's own `DeadlineError` means the section is late. So
   * does, for a `late: 'finish'` section (whose step has no deadline), a request stopped by a
   * deadline no sooner than the section's: its timer and the request's are for one moment, and
   * the one to fire is not what decides.
   */
  #failed(error: unknown): void {
    if (error instanceof DeadlineError && error.step === this.section.name) {
      this.#late(error.deadline, error);
      return;
    }
    const deadline = this.deadline;
    if (deadline !== undefined && isDeadlineAtOrAfter(error, this.#environment.start + deadline)) {
      this.#late(deadline);
    } else this.#settle({ ok: false, reason: this.#reasonOf(error), error });
  }

  /**
   * A timeout anywhere (a request's phase or deadline, a flow deadline) is a timeout; so is a
   * dependency failing because a section it needs was late.
   */
  #reasonOf(error: unknown): FailureReason {
    if (error instanceof DependencyError) {
      const late = this.#environment.lateSections;
      if (error.chain.some((name) => late.has(name))) return 'timeout';
      return isTimeout(error.rootCause) ? 'timeout' : 'error';
    }
    return isTimeout(error) ? 'timeout' : 'error';
  }

  #settle(outcome: DataOutcome): void {
    if (this.outcome !== undefined) return;
    this.outcome = outcome;
    this.readyAt = this.#environment.now();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#resolve(outcome);
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof TimeoutError || error instanceof DeadlineError;
}

/**
 * Phase one: starts the page's flow on the page's clock (its origin is the page's start) — one
 * step per section, depending on the sections in its `after`, with the section's deadline when it
 * cancels late work. Sections without dependencies call `data` now; the others in the callback
 * that finishes their last dependency, or fail at once with a `DependencyError` when one of those
 * fails.
 */
export function startRuns(
  name: string,
  sections: readonly CheckedSection[],
  environment: RunEnvironment,
): { runs: SectionRun[]; flow: Flow<Record<string, unknown>> } {
  const runs = sections.map((section) => new SectionRun(section, environment));
  const specs: StepSpec[] = runs.map((run) => ({
    name: run.section.name,
    after: run.section.after,
    run: (deps, step) => run.call(deps, step),
    deadline: run.stepDeadline,
    hasFallback: false,
    fallback: undefined,
    raiseForStatus: undefined,
  }));
  const started = new Flow<Record<string, unknown>>({
    name,
    plan: planOf(specs),
    raiseForStatus: true,
    deadline: undefined,
    signal: undefined,
    origin: environment.start,
  });
  for (const run of runs) run.follow(started.steps[run.section.name] as Future<unknown>);
  return { runs, flow: started };
}
