import { startTimer } from '../core/timers.ts';
import type { CancelledError } from '../errors/cancelled-error.ts';
import { DeadlineError } from '../errors/deadline-error.ts';
import { DependencyError } from '../errors/dependency-error.ts';
import { TimeoutError } from '../errors/timeout-error.ts';
import { flow } from '../flow/definition.ts';
import type { Flow } from '../flow/flow.ts';
import type { StepContext } from '../flow/step-options.ts';
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
  /** The `performance.now()` time the clock counts from. */
  readonly origin: number;
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
 * page's flow (see {@link startRuns}); the run bounds it by the section's deadline and settles
 * once — with the value, an error, or a timeout — whichever comes first. Never rejects: failures
 * are data.
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
  /** Aborted when the section is late (with `late: 'cancel'`); its requests carry its signal. */
  readonly #controller = new AbortController();
  /** The flow step's future: cancelled when the section is late (with `late: 'cancel'`). */
  #step: Future<unknown> | undefined;
  /** The future `data` returned, if it returned one: asked for when rendering wants the data. */
  #future: Future<unknown> | undefined;
  /** The deadline timer while the outcome is pending. */
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Creates the run and arms its deadline: the page starts now. */
  constructor(section: CheckedSection, environment: RunEnvironment) {
    this.section = section;
    this.#environment = environment;
    this.startedAt = environment.now();
    let resolve!: (outcome: DataOutcome) => void;
    this.settled = new Promise<DataOutcome>((settle) => {
      resolve = settle;
    });
    this.#resolve = resolve;
    this.#armDeadline();
  }

  /** The deadline in ms after the page start: the section's (or the page's), within the budget. */
  get deadline(): number | undefined {
    const { budget, deadline } = this.#environment;
    const own = this.section.deadline ?? deadline;
    if (own === undefined) return budget;
    return budget === undefined ? own : Math.min(own, budget);
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
      },
      this.section.name,
      AbortSignal.any([this.#controller.signal, step.signal]),
    );
    const result = data(deps, context);
    if (result instanceof Future) this.#future = result;
    return result;
  }

  /** Settles with the outcome of the section's flow step. */
  follow(step: Future<unknown>): void {
    this.#step = step;
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

  /** Armed when the page starts (every run is created then, before any `data` runs). */
  #armDeadline(): void {
    const deadline = this.deadline;
    if (deadline === undefined) return;
    this.#timer = startTimer(deadline, () => this.#expire(deadline));
  }

  /** The section is late (its timer fired, or its request ran out of its time): it times out. */
  #expire(deadline: number): void {
    if (this.outcome !== undefined) return;
    this.#environment.lateSections.add(this.section.name);
    const error = new TimeoutError({ phase: 'result', timeout: deadline });
    this.#settle({ ok: false, reason: 'timeout', error });
    if ((this.section.late ?? this.#environment.late) === 'cancel') {
      this.#controller.abort(error);
      this.#step?.cancel();
    }
  }

  /**
   * The data failed with `error`. A request stopped by a deadline no sooner than the section's
   * (the page budget it was given, when that is the section's deadline too) means the section ran
   * out of time: it is late, as when its timer fires first — the two timers are for one moment,
   * and the one to fire is not what decides.
   */
  #failed(error: unknown): void {
    const deadline = this.deadline;
    const { origin, startedAt } = this.#environment;
    if (deadline !== undefined && isDeadlineAtOrAfter(error, origin + startedAt + deadline)) {
      this.#expire(deadline);
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

/** The sections' data as one flow (dynamic names, so the builder is used through this view). */
interface StepAdder {
  step(
    name: string,
    after: readonly string[],
    run: (inputs: Record<string, unknown>, step: StepContext) => unknown,
  ): StepAdder;
  start(): Flow<Record<string, unknown>>;
}

/**
 * Phase one: arms every section's deadline, then starts the page's flow — one step per section,
 * depending on the sections in its `after`. Sections without dependencies call `data` now; the
 * others in the callback that finishes their last dependency, or fail at once with a
 * `DependencyError` when one of those fails.
 */
export function startRuns(
  name: string,
  sections: readonly CheckedSection[],
  environment: RunEnvironment,
): { runs: SectionRun[]; flow: Flow<Record<string, unknown>> } {
  const runs = sections.map((section) => new SectionRun(section, environment));
  let definition = flow({ name }) as unknown as StepAdder;
  for (const run of runs) {
    definition = definition.step(run.section.name, run.section.after, (deps, step) =>
      run.call(deps, step),
    );
  }
  const started = definition.start();
  for (const run of runs) run.follow(started.steps[run.section.name] as Future<unknown>);
  return { runs, flow: started };
}
