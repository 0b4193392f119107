import { checkTimeout } from '../core/checks.ts';
import { checkKnownOptions, fail, ownOptions } from '../core/validate.ts';
import { Flow, type FlowSetup, type StartOptions } from './flow.ts';
import { FLOW_OPTIONS, START_OPTIONS } from './known-options.ts';
import { type Plan, planOf } from './plan.ts';
import {
  expectStepName,
  type StepFunction,
  type StepOptions,
  type StepSpec,
  specOf,
} from './step-options.ts';

/** Options of {@link flow}. */
export interface FlowOptions {
  /** A name for the flow, shown in errors, reports and traces. @default 'flow' */
  name?: string | undefined;
  /**
   * Fail a step whose value is a `Response` with a 4xx or 5xx status with an `HTTPError` (a step
   * may override it). Set it to `false` to hand such responses to dependents as they are.
   *
   * @default true
   */
  raiseForStatus?: boolean | undefined;
}

/** The results of a flow without steps, and the inputs of a step without dependencies. */
export type NoSteps = Readonly<Record<never, never>>;

/** Flattens an intersection for display: `{ a: A } & { b: B }` → `{ a: A; b: B }`. */
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** A step name not taken yet: a taken one makes the argument type `never` (a compile error). */
export type NewStepName<N extends string, R> = N extends keyof R ? never : N;

/** What a step that depends on `D` receives: the value of each of those steps, by name. */
export type StepInputs<R, D extends readonly PropertyKey[]> = Simplify<{
  readonly [K in D[number] & keyof R]: R[K];
}>;

/** The results `R` with one more step, `N`, of type `V`. */
export type WithStep<R, N extends string, V> = Simplify<R & { readonly [P in N]: V }>;

const DEFAULT_NAME = 'flow';

/**
 * A flow's steps and their dependencies, before it runs: build it with {@link flow} and
 * {@link FlowDefinition.step}, run it (as often as you like) with {@link FlowDefinition.start}.
 * Every `step()` returns a new definition, so a shared prefix can be extended safely.
 *
 * `R` maps each step's name to the type of its value, inferred from its function (a promise or
 * `Future` is awaited) and its fallback; a step's inputs are typed from it, and naming a step
 * that is not defined yet, or reusing a name, does not compile.
 */
export class FlowDefinition<R extends object = NoSteps> {
  /** The flow's name. */
  readonly name: string;
  /** The validated steps, in definition order. */
  readonly #specs: readonly StepSpec[];
  readonly #raiseForStatus: boolean;
  /** The checked graph, built by the first {@link start} (or {@link check}). */
  #plan: Plan | undefined = undefined;

  /** @internal Use {@link flow}. */
  constructor(name: string, raiseForStatus: boolean, specs: readonly StepSpec[]) {
    this.name = name;
    this.#raiseForStatus = raiseForStatus;
    this.#specs = specs;
  }

  /** The names of the steps, in definition order. */
  get stepNames(): readonly string[] {
    return this.#specs.map((spec) => spec.name);
  }

  /**
   * Adds a step with no dependencies: it starts as soon as the flow does.
   *
   * @param name - unique within the flow.
   * @param run - returns the step's value, a promise of it, or a `Future` (cancelled with the step).
   * @throws {FlowDefinitionError} for an empty or duplicate name.
   * @throws {InvalidOptionError} for a `run` that is not a function or a bad option.
   * @example
   * ```ts
   * import { flow, FuturesSession } from 'fanout';
   *
   * const session = new FuturesSession({ baseURL: 'http://127.0.0.1:8080' });
   * const definition = flow().step('user', () => session.get('/me'), { deadline: 200 });
   * ```
   */
  step<N extends string, T, F = never>(
    name: NewStepName<N, R>,
    run: StepFunction<NoSteps, T>,
    options?: StepOptions<F>,
  ): FlowDefinition<WithStep<R, N, Awaited<T> | Awaited<F>>>;
  /**
   * Adds a step that runs once the steps named in `after` are done, given their values by name.
   * The names must be of steps defined before it (the type checker holds you to that; plain
   * JavaScript may name later ones, and cycles are then reported by {@link start}).
   *
   * @throws {FlowDefinitionError} for an empty or duplicate name, or a dependency listed twice.
   * @throws {InvalidOptionError} for a `run` that is not a function or a bad option.
   * @example
   * ```ts
   * import { flow, FuturesSession } from 'fanout';
   *
   * interface User {
   *   id: number;
   * }
   * const session = new FuturesSession({ baseURL: 'http://127.0.0.1:8080' });
   * const definition = flow()
   *   .step('user', () => session.get('/me'))
   *   .step('orders', ['user'], ({ user }) => session.get(`/orders?u=${user.json<User>().id}`), {
   *     fallback: null,
   *   });
   * ```
   */
  step<N extends string, const D extends readonly (keyof R & string)[], T, F = never>(
    name: NewStepName<N, R>,
    after: D,
    run: StepFunction<StepInputs<R, D>, T>,
    options?: StepOptions<F>,
  ): FlowDefinition<WithStep<R, N, Awaited<T> | Awaited<F>>>;
  step(name: string, ...args: unknown[]): FlowDefinition<object> {
    const checked = expectStepName(name, this.#specs);
    const specs = [...this.#specs, specOf(checked, args)];
    return new FlowDefinition(this.name, this.#raiseForStatus, specs);
  }

  /**
   * Checks the graph — every dependency names a step, and there is no cycle — without running
   * anything. {@link start} checks it too (once per definition).
   *
   * @throws {FlowDefinitionError} naming the unknown dependency, or the cycle (`a → b → a`).
   */
  check(): this {
    this.#plan ??= planOf(this.#specs);
    return this;
  }

  /**
   * Starts the flow: every step without dependencies starts now, the others as soon as theirs
   * are done. Returns at once.
   *
   * @throws {FlowDefinitionError} if the graph is invalid (see {@link check}); nothing runs then.
   * @throws {InvalidOptionError} for a bad `deadline` or `signal`.
   */
  start(given: StartOptions = {}): Flow<R> {
    const options = ownOptions(given);
    checkKnownOptions(options, START_OPTIONS);
    const deadline = checkTimeout('deadline', options.deadline);
    const signal = options.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      fail('signal', 'an AbortSignal', signal);
    }
    const setup: FlowSetup = {
      name: this.name,
      plan: this.check().#plan as Plan,
      raiseForStatus: this.#raiseForStatus,
      deadline,
      signal,
    };
    return new Flow<R>(setup);
  }
}

/**
 * Starts the definition of a flow: a set of named steps with explicit dependencies, like
 * `async.auto`, typed. Add steps with {@link FlowDefinition.step}, run it with
 * {@link FlowDefinition.start}.
 *
 * @throws {InvalidOptionError} for a bad option.
 * @example
 * ```ts
 * import { flow, FuturesSession } from 'fanout';
 *
 * interface User {
 *   id: number;
 * }
 * const s = new FuturesSession({ baseURL: 'http://127.0.0.1:8080' });
 * const f = flow({ name: 'home' })
 *   .step('user', () => s.get('/me'))
 *   .step('orders', ['user'], ({ user }) => s.get(`/orders?u=${user.json<User>().id}`), {
 *     fallback: null,
 *     deadline: 200,
 *   })
 *   .step('weather', () => s.get('/weather'))
 *   .start({ deadline: 1_000 });
 * const orders = await f.steps.orders; // Response | null
 * ```
 */
export function flow(options: FlowOptions = {}): FlowDefinition {
  if (typeof options !== 'object' || options === null) fail('options', 'an object', options);
  const checked = ownOptions(options);
  checkKnownOptions(checked, FLOW_OPTIONS);
  const { name = DEFAULT_NAME, raiseForStatus = true } = checked;
  if (typeof name !== 'string' || name === '') fail('name', 'a non-empty string', name);
  if (typeof raiseForStatus !== 'boolean') fail('raiseForStatus', 'a boolean', raiseForStatus);
  return new FlowDefinition(name, raiseForStatus, []);
}
