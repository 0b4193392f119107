import type { AsyncResource } from 'node:async_hooks';
import { startTimer } from '../core/timers.ts';
import { CancelledError } from '../errors/cancelled-error.ts';
import { DeadlineError, type DeadlineScope } from '../errors/deadline-error.ts';
import { DependencyError } from '../errors/dependency-error.ts';
import { HTTPError } from '../errors/http-error.ts';
import { Future, futureController, type Settled } from '../futures/future.ts';
import { callDueBy, isDeadlineAtOrAfter, sooner } from '../http/deadline.ts';
import { Response } from '../http/response.ts';
import type { PlannedStep } from './plan.ts';
import type { StepReport } from './report.ts';
import type { StepContext } from './step-options.ts';

/**
 * What a step needs of the flow running it.
 *
 * @internal
 */
export interface StepHost {
  /** The flow's name. */
  readonly name: string;
  /** The flow's async context: work that ends in another context resumes the flow in this one. */
  readonly resource: AsyncResource;
  /** The flow's `raiseForStatus`, for steps that do not set their own. */
  readonly raiseForStatus: boolean;
  /** Milliseconds since the flow started. */
  now(): number;
  /** `performance.now()` when the flow started. */
  readonly origin: number;
  /** The whole flow's deadline, in ms after it started; undefined when it has none. */
  readonly deadline: number | undefined;
  /** Set once the whole flow is cancelled: its steps are cancelled, not failed. */
  cancelReason(): CancelledError | undefined;
  /**
   * The flow's deadline has passed, by a timer other than the flow's own (a step's request ran
   * out of it first): every step not done times out now, as when the flow's timer fires.
   */
  expire(): void;
  /** `run` is done (its future settled): start or fail its dependents. */
  stepDone(run: StepRun): void;
}

/**
 * Where a step is: `waiting` for its dependencies, `running` its function, `recovering` (its
 * fallback function runs), or `done`. Only moves forward.
 */
type Phase = 'waiting' | 'running' | 'recovering' | 'done';

/** Why a failing step fails: its own error (or a dependency's), or a deadline. */
type FailureKind = 'failed' | 'timedOut';

const ignore = () => {};

/**
 * One step of a running flow: its future, its timings, and the state machine that runs its
 * function once its dependencies are done, takes its outcome over, and applies its fallback.
 * It is the step's {@link StepContext} too (so a step costs no context object) and its future's
 * canceller.
 *
 * @internal
 */
export class StepRun implements StepContext {
  readonly spec: PlannedStep;
  readonly future: Future<unknown>;
  /** Dependencies not done yet; the step starts when it reaches 0. */
  waitingFor: number;
  startedAt: number | undefined = undefined;
  finishedAt: number | undefined = undefined;
  /** How it ended; `waiting`/`running` until done (see {@link StepReport.outcome}). */
  outcome: StepReport['outcome'] = 'waiting';
  /** Its value once ok or fallen back; what its dependents receive. */
  value: unknown = undefined;
  /** Why it failed, timed out or was cancelled, or why its fallback was used. */
  error: unknown = undefined;
  /**
   * Once it failed: the steps from this one to the one that failed on its own, and that step's
   * error. Its dependents' `DependencyError`s extend the chain.
   */
  chain: readonly string[] = [];
  rootCause: unknown = undefined;
  #phase: Phase = 'waiting';
  readonly #host: StepHost;
  /** The future the step's function returned, cancelled with the step; dropped once done. */
  #work: Future<unknown> | undefined = undefined;
  /** Behind {@link signal}: created on first read. */
  #controller: AbortController | undefined = undefined;
  /** The step's own deadline timer, if it has one; cleared once done. */
  #timer: NodeJS.Timeout | undefined = undefined;

  constructor(spec: PlannedStep, host: StepHost) {
    this.spec = spec;
    this.#host = host;
    this.waitingFor = spec.dependencies.length;
    this.future = futureController.create(this);
  }

  get name(): string {
    return this.spec.name;
  }

  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    return this.#controller.signal;
  }

  /** Whether the step is done. */
  isDone(): boolean {
    return this.#phase === 'done';
  }

  /** Whether it ended with a value its dependents can use (its own, or its fallback). */
  hasValue(): boolean {
    return this.outcome === 'ok' || this.outcome === 'fallback';
  }

  /**
   * Arms the step's own deadline, `deadline` ms after the flow's origin; `elapsed` is the ms
   * since the origin (more than 0 when the flow runs on a clock started before it, a page's), so
   * the timer fires at the step's due time ({@link #dueAt}), not `deadline` ms after the flow
   * was built.
   */
  armDeadline(elapsed: number): void {
    const { deadline } = this.spec;
    if (deadline !== undefined)
      this.#timer = startTimer(deadline - elapsed, () => this.timeOut('step', deadline));
  }

  /** When the step must be done (`performance.now()` time): its deadline or the flow's, the sooner. */
  #dueAt(): number | undefined {
    const due = sooner(this.spec.deadline, this.#host.deadline);
    return due === undefined ? undefined : this.#host.origin + due;
  }

  /**
   * Calls the step's function with `inputs` and takes over what it returns. `at` (ms since the
   * flow's origin) is when the step starts: the time the caller read for the moment that starts
   * it (the flow's start, its last dependency's finish), since it starts in that same call.
   */
  start(inputs: Record<string, unknown>, at: number): void {
    if (this.#phase !== 'waiting') return;
    this.#phase = 'running';
    this.outcome = 'running';
    this.startedAt = at;
    futureController.start(this.future);
    let result: unknown;
    try {
      // The requests the function makes now end by the step's deadline (or the flow's).
      result = callDueBy(this.#dueAt(), callStepFunction, this.spec, inputs, this);
    } catch (error) {
      this.#rejected(error);
      return;
    }
    if (result instanceof Future) {
      this.#work = result;
      futureController.takeOutcome(result, (settled, outcome) => {
        // Not when the step cancelled it (timed out or cancelled): it has moved on already.
        if (this.#work !== result) return;
        // The future settles in the context of whoever settled it: resume in the flow's.
        this.#host.resource.runInAsyncScope(this.#settled, this, settled, outcome);
      });
    } else if (isThenable(result)) {
      result.then(
        (value) => this.#settled('fulfilled', value),
        (error: unknown) => this.#settled('rejected', error),
      );
    } else this.#settled('fulfilled', result);
  }

  /** A dependency failed, timed out or was cancelled: this step cannot run. */
  dependencyFailed(dependency: StepRun): void {
    if (this.#phase !== 'waiting') return;
    // The chain carries the dependency's error on: it is no longer unretrieved on its own.
    futureController.takeOutcome(dependency.future, ignore);
    const reason = this.#host.cancelReason();
    if (reason !== undefined) {
      this.cancel(reason);
      return;
    }
    // Failed by a deadline no sooner than this step's own: this step ran out of time too, and
    // times out itself, as it does when its own timer fires first (one moment, one outcome).
    const dueAt = this.#dueAt();
    if (dueAt !== undefined && isDeadlinePassed(dependency.rootCause, dueAt)) {
      this.#outOfTime();
      return;
    }
    const chain = [this.name, ...dependency.chain];
    this.#fail(
      new DependencyError(chain, dependency.rootCause),
      'failed',
      chain,
      dependency.rootCause,
    );
  }

  /**
   * The step's deadline, or the flow's, passed. A step whose fallback function is still running
   * times out without a fallback: a deadline bounds the fallback too.
   */
  timeOut(scope: DeadlineScope, deadline: number): void {
    if (this.#phase === 'done') return;
    const { name, origin } = this.#host;
    const dueAt = origin + deadline;
    const error = new DeadlineError({ flow: name, step: this.name, scope, deadline, dueAt });
    if (this.#phase === 'recovering') {
      this.#blame(error);
      this.#finish('timedOut', false, error);
      return;
    }
    this.#stopWork(error);
    this.#fail(error, 'timedOut');
  }

  /** Cancels the step (and its work) unless it is done. */
  cancel(reason: CancelledError): void {
    if (this.#phase !== 'done') futureController.cancel(this.future, reason);
  }

  /**
   * The step's future is being cancelled (by {@link cancel}, the flow, or its holder): stop the
   * work. Its dependents hear of it once the future is cancelled, right after this returns.
   */
  abort(reason: CancelledError): void {
    if (this.#phase === 'done') return;
    this.#stopWork(reason);
    this.#end('cancelled');
    this.#blame(reason);
    this.future.addDoneCallback(() => this.#host.stepDone(this));
  }

  /** The work returned by the function settled (ignored once the step moved on). */
  #settled(settled: Settled, outcome: unknown): void {
    if (this.#phase !== 'running') return;
    this.#work = undefined;
    if (settled !== 'fulfilled') this.#rejected(outcome);
    else if (outcome instanceof Response && !outcome.ok && this.#raisesForStatus()) {
      this.#fail(new HTTPError(outcome), 'failed');
    } else this.#finish('ok', true, outcome);
  }

  /**
   * The step's function failed with `error`. A request stopped by the deadline the step gave it
   * (its own or the flow's, see {@link #dueAt}), or by a later one, means the step ran out of
   * time: it times out, as when its timer fires first — the two timers are for one moment, and
   * the one to fire is not what decides. Any other error fails it.
   */
  #rejected(error: unknown): void {
    const dueAt = this.#dueAt();
    if (dueAt !== undefined && isDeadlinePassed(error, dueAt)) this.#outOfTime();
    else this.#fail(error, 'failed');
  }

  /**
   * The step's time ran out by another timer than its own: it times out with its own deadline
   * (scope `step`), or, when the flow's is the sooner, every step not done does.
   */
  #outOfTime(): void {
    const own = this.spec.deadline;
    const flows = this.#host.deadline;
    // On a tie the flow's timer is the one armed first: the flow's deadline.
    if (own !== undefined && (flows === undefined || own < flows)) this.timeOut('step', own);
    else this.#host.expire();
  }

  #raisesForStatus(): boolean {
    return this.spec.raiseForStatus ?? this.#host.raiseForStatus;
  }

  /** Fails the step with `error`, or recovers with its fallback. */
  #fail(
    error: unknown,
    kind: FailureKind,
    chain: readonly string[] = [this.name],
    rootCause: unknown = error,
  ): void {
    this.#work = undefined;
    this.#blame(error, chain, rootCause);
    if (!this.spec.hasFallback) {
      this.#finish(kind, false, error);
      return;
    }
    this.#phase = 'recovering';
    const { fallback } = this.spec;
    if (typeof fallback !== 'function') {
      this.#recovered(fallback);
      return;
    }
    try {
      this.#recovered(fallback({ step: this.name, error }));
    } catch (fallbackError) {
      this.#fallbackFailed(fallbackError);
    }
  }

  /** Finishes with the fallback value, once it is one (a fallback may return a promise). */
  #recovered(value: unknown): void {
    if (!isThenable(value)) {
      this.#finish('fallback', true, value);
      return;
    }
    value.then(
      (resolved) => this.#finish('fallback', true, resolved),
      (fallbackError: unknown) => this.#fallbackFailed(fallbackError),
    );
  }

  /** The fallback function threw or rejected: that error is the step's now. */
  #fallbackFailed(error: unknown): void {
    if (this.#phase !== 'recovering') return;
    this.#blame(error);
    this.#finish('failed', false, error);
  }

  /** Records why the step failed, and the chain its dependents' errors extend. */
  #blame(error: unknown, chain: readonly string[] = [this.name], rootCause: unknown = error): void {
    this.error = error;
    this.chain = chain;
    this.rootCause = rootCause;
  }

  /** Settles the step's future and tells the flow. */
  #finish(outcome: StepReport['outcome'], ok: boolean, valueOrError: unknown): void {
    if (this.#phase === 'done') return;
    this.#end(outcome);
    if (ok) this.value = valueOrError;
    futureController.settle(this.future, ok, valueOrError);
    this.#host.stepDone(this);
  }

  #end(outcome: StepReport['outcome']): void {
    this.#phase = 'done';
    this.outcome = outcome;
    this.finishedAt = this.#host.now();
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Aborts the signal, if read, with `reason`, then cancels the returned future (aborting its
   * request). The future is let go first, so its cancellation does not come back as the step's
   * outcome. Stopped by a deadline, both carry it (the future's `CancelledError` has it as its
   * `cause`): a request stopped through either ends as its own timer for that deadline would end
   * it, with a `TimeoutError` of phase `deadline` (see `Call.stop`), so its record in a trace or
   * HAR does not depend on which timer fired. The signal goes first: it reaches the requests of a
   * future derived from theirs (`.json()`, `.map()`), which cancels them with a reason of its own.
   */
  #stopWork(reason: Error): void {
    const work = this.#work;
    this.#work = undefined;
    this.#controller?.abort(reason);
    if (work === undefined) return;
    if (reason instanceof DeadlineError) {
      futureController.cancel(work, new CancelledError(reason.message, { cause: reason }));
    } else work.cancel();
  }
}

/**
 * Whether `error` says a deadline fell at or after `dueAt` (a `performance.now()` time): a flow
 * step's {@link DeadlineError}, or a request's `TimeoutError` of phase `deadline`, each exact
 * through its `dueAt`. The deadline has passed, so work due by `dueAt` is out of time too.
 */
function isDeadlinePassed(error: unknown, dueAt: number): boolean {
  if (error instanceof DeadlineError) return error.dueAt !== undefined && error.dueAt >= dueAt;
  return isDeadlineAtOrAfter(error, dueAt);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

// The step's function, called as `spec.run(inputs, step)` (see callDueBy).
function callStepFunction(
  spec: PlannedStep,
  inputs: Record<string, unknown>,
  step: StepRun,
): unknown {
  return spec.run(inputs, step);
}
