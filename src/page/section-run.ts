import { CancelledError } from '../errors/cancelled-error.ts';
import { SectionDependencyError } from '../errors/section-dependency-error.ts';
import { TimeoutError } from '../errors/timeout-error.ts';
import { Future } from '../futures/future.ts';
import type { FuturesSession } from '../futures/futures-session.ts';
import type { FailureReason, LatePolicy } from './section.ts';
import { sectionContext } from './section-context.ts';
import type { CheckedSection } from './validate-section.ts';

/** The longest delay `setTimeout` honours; a longer one would fire at once. */
const MAX_DELAY = 2 ** 31 - 1;

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
  /** The page budget in milliseconds, if any. */
  readonly budget: number | undefined;
  /** The page's default deadline and late policy. */
  readonly deadline: number | undefined;
  readonly late: LatePolicy;
}

/**
 * The data side of one section for one rendering: starts its `data` (now, or once its
 * dependencies are ready), bounds it by its deadline, and settles once — with the value, an
 * error, or a timeout — whichever comes first. Never rejects: failures are data.
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
  /** Aborted when the data is no longer wanted; the section's requests carry its signal. */
  readonly #controller = new AbortController();
  /** The future `data` returned, if it returned one: cancelled with the controller, asked when wanted. */
  #future: Future<unknown> | undefined;
  /** The deadline timer while the outcome is pending. */
  #timer: ReturnType<typeof setTimeout> | undefined;

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

  /** Calls the section's `data` with its dependencies' values. */
  begin(deps: Record<string, unknown>): void {
    if (this.outcome !== undefined) return;
    this.startedAt = this.#environment.now();
    const data = this.section.data;
    if (data === undefined) {
      this.#settle({ ok: true, value: undefined });
      return;
    }
    const environment = this.#environment;
    const context = sectionContext(
      {
        input: environment.input,
        session: environment.session,
        remaining: () => this.#remaining(),
      },
      this.section.name,
      this.#controller.signal,
    );
    try {
      this.#follow(data(deps, context));
    } catch (error) {
      this.#settle({ ok: false, reason: reasonOf(error), error });
    }
  }

  /** Fails the section because `dependency` failed with `outcome`. */
  dependencyFailed(dependency: string, outcome: Extract<DataOutcome, { ok: false }>): void {
    const error = new SectionDependencyError({
      section: this.section.name,
      dependency,
      cause: outcome.error,
    });
    this.#settle({ ok: false, reason: outcome.reason, error });
  }

  /**
   * Rendering wants the data now: a future returned by `data` is asked for, so a trace measures
   * the blocked time of its request from here.
   */
  want(): void {
    const future = this.#future;
    if (future !== undefined && !future.done()) future.exception().catch(() => {});
  }

  /** The data is no longer wanted at all (the page was aborted): stops its requests. */
  abort(reason: CancelledError): void {
    this.#settle({ ok: false, reason: 'error', error: reason });
    this.#stop(reason);
  }

  #remaining(): number {
    const { budget, now, startedAt } = this.#environment;
    return budget === undefined ? Number.POSITIVE_INFINITY : budget - (now() - startedAt);
  }

  /** Armed when the page starts (every run is created then, before any `data` runs). */
  #armDeadline(): void {
    const deadline = this.deadline;
    if (deadline === undefined) return;
    this.#timer = setTimeout(() => this.#expire(deadline), Math.min(deadline, MAX_DELAY));
  }

  #expire(deadline: number): void {
    this.#timer = undefined;
    if (this.outcome !== undefined) return;
    const error = new TimeoutError({ phase: 'result', timeout: deadline });
    this.#settle({ ok: false, reason: 'timeout', error });
    if ((this.section.late ?? this.#environment.late) === 'cancel') {
      this.#stop(new CancelledError(`Section "${this.section.name}" missed its deadline`));
    }
  }

  #stop(reason: CancelledError): void {
    this.#controller.abort(reason);
    this.#future?.cancel();
  }

  /** Settles like `result`: a future is watched without asking for it (no blocked time yet). */
  #follow(result: unknown): void {
    if (result instanceof Future) {
      this.#future = result;
      result.addDoneCallback((future) => this.#followPromise(future.result()));
    } else {
      this.#followPromise(result);
    }
  }

  #followPromise(result: unknown): void {
    Promise.resolve(result).then(
      (value) => this.#settle({ ok: true, value }),
      (error: unknown) => this.#settle({ ok: false, reason: reasonOf(error), error }),
    );
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

/** A timeout anywhere (a request's phase, a result wait, a section deadline) is a timeout. */
function reasonOf(error: unknown): FailureReason {
  return error instanceof TimeoutError ? 'timeout' : 'error';
}

/**
 * Phase one: starts every section's data. Sections without dependencies call `data` now; the
 * others as soon as the sections they depend on have theirs (or fail at once when one of those
 * fails). Sections come in definition order, so dependencies always precede their dependents.
 */
export function startRuns(
  sections: readonly CheckedSection[],
  environment: RunEnvironment,
): Map<string, SectionRun> {
  const runs = new Map<string, SectionRun>();
  // Every deadline is armed before any `data` runs, so each counts from the same start.
  for (const section of sections) runs.set(section.name, new SectionRun(section, environment));
  for (const run of runs.values()) {
    const dependencies = run.section.after.map((name) => runs.get(name) as SectionRun);
    if (dependencies.length === 0) run.begin({});
    else awaitDependencies(run, dependencies);
  }
  return runs;
}

/** Begins `run` once every dependency has its data; fails it as soon as one of them fails. */
function awaitDependencies(run: SectionRun, dependencies: readonly SectionRun[]): void {
  let waiting = dependencies.length;
  for (const dependency of dependencies) {
    void dependency.settled.then((outcome) => {
      if (!outcome.ok) {
        run.dependencyFailed(dependency.section.name, outcome);
        return;
      }
      waiting -= 1;
      if (waiting > 0) return;
      const deps: Record<string, unknown> = {};
      for (const each of dependencies) {
        deps[each.section.name] = (each.outcome as { value: unknown }).value;
      }
      run.begin(deps);
    });
  }
}
