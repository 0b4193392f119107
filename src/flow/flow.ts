import { AsyncResource } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { type InspectOptionsStylized, inspect } from 'node:util';
import type { Inspect } from '../core/inspect.ts';
import { startTimer } from '../core/timers.ts';
import { CancelledError } from '../errors/cancelled-error.ts';
import type { Future } from '../futures/future.ts';
import { inspectFlow } from './inspect-flow.ts';
import { flowObservation, type ObservedFlow } from './observer.ts';
import type { Plan } from './plan.ts';
import { criticalPath, type FlowReport, type StepReport } from './report.ts';
import { type StepHost, StepRun } from './step-run.ts';

/** Each step of a flow as a future of its value, by name. */
export type StepFutures<R> = { readonly [K in keyof R]: Future<R[K]> };

/** Options of {@link FlowDefinition.start}. */
export interface StartOptions {
  /**
   * Milliseconds after the start by which every step must be done. When it passes, every step
   * not done is cancelled (requests in flight are aborted) and times out: it fails with a
   * `DeadlineError` (scope `flow`), or takes its fallback.
   *
   * @default undefined (no deadline; steps may still have their own)
   */
  deadline?: number | undefined;
  /** Cancels the flow (see {@link Flow.cancel}) when aborted. */
  signal?: AbortSignal | undefined;
}

/** How a flow was set up: its plan and the options of its definition and its start. @internal */
export interface FlowSetup {
  readonly name: string;
  readonly plan: Plan;
  readonly raiseForStatus: boolean;
  readonly deadline: number | undefined;
  readonly signal: AbortSignal | undefined;
  /**
   * The `performance.now()` time the flow's clock counts from (deadlines, report times): now,
   * unless the flow runs on a clock started a moment before (a page's, so its sections' due
   * times and its steps' are the same numbers).
   */
  readonly origin?: number;
}

const NO_INPUTS: Record<string, unknown> = Object.freeze({});

/**
 * A running flow: its steps, each a {@link Future} of its value (`flow.steps.orders`), started
 * the moment their dependencies are done. Made by {@link FlowDefinition.start}.
 *
 * Timing model: a step with no dependencies starts in `start()` itself; any other starts
 * synchronously in the callback that finishes its last dependency — no later tick. A step that
 * fails fails its waiting dependents at once with a `DependencyError` (or gives them its
 * fallback); steps that do not depend on it go on.
 *
 * @example
 * ```ts
 * import { flow, FuturesSession } from 'fanout';
 *
 * interface User {
 *   id: number;
 * }
 * const s = new FuturesSession({ baseURL: 'http://127.0.0.1:8080' });
 * const page = flow({ name: 'home' })
 *   .step('user', () => s.get('/me'))
 *   .step('orders', ['user'], ({ user }) => s.get(`/orders?u=${user.json<User>().id}`), {
 *     fallback: null,
 *   })
 *   .start({ deadline: 1_000 });
 * const orders = await page.steps.orders; // Response | null
 * console.log(page.report().criticalPath); // ['user', 'orders']
 * ```
 */
export class Flow<R> implements ObservedFlow {
  /** The flow's name, from {@link flow}'s options (default `'flow'`). */
  readonly name: string;
  /** The future of every step's value, by name. */
  readonly steps: StepFutures<R>;
  /** `performance.now()` when the flow started; report times count from here. */
  readonly origin: number;
  /** Every step's run, in definition order. */
  readonly #runs: StepRun[];
  readonly #plan: Plan;
  /** Steps not done yet; the flow is done at 0. */
  #pending: number;
  /** Set by {@link cancel}: every step left is cancelled with it. */
  #cancelReason: CancelledError | undefined = undefined;
  /** When the last step was done (ms since origin); undefined while running. */
  #endedAt: number | undefined = undefined;
  /** The whole flow's deadline timer and the caller's signal, released once done. */
  #timer: NodeJS.Timeout | undefined = undefined;
  #signal: AbortSignal | undefined;
  /** Resolvers of {@link onDone} calls made while running. */
  #waiters: (() => void)[] | undefined = undefined;

  /** @internal Use {@link FlowDefinition.start}. */
  constructor(setup: FlowSetup) {
    this.name = setup.name;
    this.#plan = setup.plan;
    this.origin = setup.origin ?? performance.now();
    const host: StepHost = {
      name: setup.name,
      resource: new AsyncResource('FanoutFlow'),
      raiseForStatus: setup.raiseForStatus,
      now: () => performance.now() - this.origin,
      origin: this.origin,
      deadline: setup.deadline,
      cancelReason: () => this.#cancelReason,
      expire: () => this.#expire(setup.deadline as number),
      stepDone: (run) => this.#stepDone(run),
    };
    this.#runs = setup.plan.steps.map((spec) => new StepRun(spec, host));
    this.#pending = this.#runs.length;
    const steps: Record<string, Future<unknown>> = {};
    for (const run of this.#runs) steps[run.name] = run.future;
    this.steps = Object.freeze(steps) as StepFutures<R>;
    this.#signal = setup.signal;
    flowObservation.observe?.(this);
    this.#begin(setup.deadline, setup.origin !== undefined);
  }

  /** What `console.log` prints: name, wall time, done, each step's outcome (docs/FLOWS.md). */
  [inspect.custom](depth: number, options: InspectOptionsStylized, inspectFn: Inspect): string {
    return inspectFlow(this, depth, options, inspectFn);
  }

  /** Whether every step is done. */
  done(): boolean {
    return this.#pending === 0;
  }

  /**
   * Cancels every step not done yet: queued and running requests are aborted, signals given to
   * steps are aborted, and their futures reject with a `CancelledError`. Fallbacks are not used.
   *
   * @returns whether the flow was still running.
   */
  cancel(): boolean {
    return this.#cancel(new CancelledError(`The flow \`${this.name}\` was cancelled`));
  }

  /**
   * Resolves once every step is done (at once if it is), whatever their outcomes; never rejects.
   * Then {@link report} has every step's times.
   */
  onDone(): Promise<void> {
    if (this.done()) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiters ??= [];
      this.#waiters.push(resolve);
    });
  }

  /** Each step's times and outcome so far, and the critical path. */
  report(): FlowReport {
    const steps = this.#runs.map(reportOf);
    return {
      name: this.name,
      wallTime: this.#endedAt ?? performance.now() - this.origin,
      criticalPath: criticalPath(steps),
      steps,
    };
  }

  /** The caller's signal was aborted. */
  handleEvent(): void {
    this.#cancel(
      new CancelledError('Cancelled by an AbortSignal', { cause: this.#signal?.reason }),
    );
  }

  #begin(deadline: number | undefined, isOriginGiven: boolean): void {
    const signal = this.#signal;
    if (signal?.aborted === true) {
      this.handleEvent();
      return;
    }
    signal?.addEventListener('abort', this);
    // The steps without dependencies start now, together: one clock read for all of them.
    const now = performance.now() - this.origin;
    // The timers are due their deadlines after the origin. A given one (a page's start) may be a
    // while ago: that time is taken off. The flow's own was read in the constructor, in this same
    // synchronous run (which Node's timers count from anyway): they wait the whole deadline.
    const elapsed = isOriginGiven ? now : 0;
    if (deadline !== undefined) {
      this.#timer = startTimer(deadline - elapsed, () => this.#expire(deadline));
    }
    for (const run of this.#runs) run.armDeadline(elapsed);
    for (const run of this.#runs) if (run.spec.dependencies.length === 0) run.start(NO_INPUTS, now);
    if (this.#runs.length === 0) this.#end();
  }

  /** The flow's deadline passed: every step not done times out, dependents first. */
  #expire(deadline: number): void {
    const order = this.#plan.order;
    for (let i = order.length - 1; i >= 0; i--) {
      (this.#runs[order[i] as number] as StepRun).timeOut('flow', deadline);
    }
  }

  #cancel(reason: CancelledError): boolean {
    if (this.done()) return false;
    this.#cancelReason ??= reason;
    for (const run of this.#runs) run.cancel(this.#cancelReason);
    return true;
  }

  /** A step is done: start the dependents it was the last wait of, or fail them. */
  #stepDone(run: StepRun): void {
    this.#pending--;
    const runs = this.#runs;
    if (run.hasValue()) {
      for (const index of run.spec.dependents) {
        const dependent = runs[index] as StepRun;
        // Started in the call that finished its last dependency: at that moment, no clock read.
        if (--dependent.waitingFor === 0) {
          dependent.start(this.#inputsOf(dependent), run.finishedAt as number);
        }
      }
    } else {
      for (const index of run.spec.dependents) (runs[index] as StepRun).dependencyFailed(run);
    }
    if (this.#pending === 0) this.#end(run.finishedAt);
  }

  /** The values of a step's dependencies, by name. */
  #inputsOf(run: StepRun): Record<string, unknown> {
    const inputs: Record<string, unknown> = {};
    for (const index of run.spec.dependencies) {
      const dependency = this.#runs[index] as StepRun;
      inputs[dependency.name] = dependency.value;
    }
    return inputs;
  }

  /** Every step is done (the last at `at`, ms since origin): release the timer and the signal. */
  #end(at = performance.now() - this.origin): void {
    this.#endedAt = at;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#signal?.removeEventListener('abort', this);
    this.#signal = undefined;
    const waiters = this.#waiters;
    this.#waiters = undefined;
    if (waiters !== undefined) for (const resolve of waiters) resolve();
  }
}

function reportOf(run: StepRun): StepReport {
  const report = {
    name: run.name,
    after: run.spec.after,
    outcome: run.outcome,
    queued: 0,
    started: run.startedAt,
    finished: run.finishedAt,
  };
  return run.error === undefined ? report : { ...report, error: run.error };
}
