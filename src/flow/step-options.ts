/**
 * What a flow step is made of, as the caller writes it (its function, its options), and the one
 * validator that turns that into a {@link StepSpec}: bad input fails here, when the step is
 * defined, with an error that names the step.
 */

import { checkBoolean, checkTimeout } from '../core/checks.ts';
import {
  checkKnownOptions,
  fail,
  type OptionName,
  ownOptions,
  unknownOptionMessage,
} from '../core/validate.ts';
import { FlowDefinitionError } from '../errors/flow-definition-error.ts';
import { InvalidOptionError } from '../errors/invalid-option-error.ts';
import { STEP_OPTIONS } from './known-options.ts';

/** What a step's function is given besides its inputs. */
export interface StepContext {
  /** The step's name. */
  readonly name: string;
  /**
   * Aborted (with a `CancelledError` or a `DeadlineError` as its reason) when the step is
   * cancelled or misses a deadline. A step that returns a `Future` needs none: the future itself
   * is cancelled. Created on first read, so a step that never reads it costs no `AbortController`.
   */
  readonly signal: AbortSignal;
}

/**
 * A step's work: given the values of the steps it depends on (by name) and its
 * {@link StepContext}, it returns a value, a promise, or a `Future` (such as a
 * `FuturesSession` request, which is cancelled with the step).
 */
export type StepFunction<I, T> = (inputs: I, step: StepContext) => T | PromiseLike<T>;

/** What a fallback function is told. */
export interface FallbackState {
  /** The step that needs the fallback. */
  readonly step: string;
  /**
   * Why: the step's own error, a `DeadlineError` when it missed a deadline, or a
   * `DependencyError` when a step it depends on failed.
   */
  readonly error: unknown;
}

/** A fallback value, or a function computing it (a function value cannot be a fallback as is). */
export type Fallback<F> = F | ((state: FallbackState) => F | PromiseLike<F>);

/** Options of one step. */
export interface StepOptions<F = never> {
  /**
   * Milliseconds after the flow started by which the step must be done — including the wait for
   * its dependencies. When it passes, the step's work is cancelled (a request in flight is
   * aborted) and the step fails with a `DeadlineError`, or takes its `fallback`.
   *
   * @default undefined (no deadline of its own; the flow's still applies)
   */
  deadline?: number | undefined;
  /**
   * Used as the step's value when it fails, misses a deadline, or a step it depends on fails:
   * a value, or a function of {@link FallbackState} returning it (or a promise of it). Its
   * dependents then run with it. Not used when the step or the flow is cancelled.
   *
   * @default undefined (no fallback: the step fails and its dependents fail with it)
   */
  fallback?: Fallback<F>;
  /**
   * When the step's value is a `Response` with a 4xx or 5xx status, fail the step with an
   * `HTTPError` (as `response.raiseForStatus()` does), so its fallback and its dependents see a
   * failure rather than an error page.
   *
   * @default the flow's `raiseForStatus` (true)
   */
  raiseForStatus?: boolean | undefined;
}

/** A step as validated at definition. @internal */
export interface StepSpec {
  readonly name: string;
  /** The names of the steps it depends on, as given. */
  readonly after: readonly string[];
  readonly run: StepFunction<Record<string, unknown>, unknown>;
  readonly deadline: number | undefined;
  /** Whether a fallback was given (`undefined` is a valid fallback value). */
  readonly hasFallback: boolean;
  readonly fallback: unknown;
  readonly raiseForStatus: boolean | undefined;
}

/** The name of a new step: a non-empty string not used by an earlier step. */
export function expectStepName(name: unknown, taken: readonly StepSpec[]): string {
  if (typeof name !== 'string' || name === '') fail('step name', 'a non-empty string', name);
  if (taken.some((spec) => spec.name === name)) {
    throw new FlowDefinitionError(`Duplicate step name \`${name}\`: each step needs its own name`);
  }
  return name;
}

/**
 * Validates the arguments of `step(name, fn, options)` or `step(name, after, fn, options)` into a
 * spec. The name was checked by {@link expectStepName}.
 */
export function specOf(name: string, args: readonly unknown[]): StepSpec {
  const [first, second, third] = args;
  const hasAfter = Array.isArray(first);
  const after = hasAfter ? expectAfter(name, first) : [];
  const run = hasAfter ? second : first;
  if (typeof run !== 'function') {
    const expected = hasAfter
      ? 'a function after its dependencies'
      : 'a function (or dependencies, then one)';
    fail({ phrase: `step \`${name}\`` }, expected, run);
  }
  const options = expectOptions(name, hasAfter ? third : second);
  const { deadline, raiseForStatus } = options;
  return {
    name,
    after,
    run: run as StepSpec['run'],
    deadline:
      deadline === undefined ? undefined : checkTimeout(ofStep(name, '`deadline`'), deadline),
    hasFallback: 'fallback' in options,
    fallback: options.fallback,
    raiseForStatus:
      raiseForStatus === undefined
        ? undefined
        : checkBoolean(ofStep(name, '`raiseForStatus`'), raiseForStatus),
  };
}

/** How messages name what a step was given: "`deadline` of step `orders`". */
function ofStep(name: string, what: string): OptionName {
  return { phrase: `${what} of step \`${name}\`` };
}

function expectAfter(name: string, after: readonly unknown[]): string[] {
  const names: string[] = [];
  for (const dependency of after) {
    if (typeof dependency !== 'string') {
      fail(ofStep(name, 'the dependencies'), 'step names (strings)', dependency);
    }
    if (names.includes(dependency)) {
      throw new FlowDefinitionError(
        `Step \`${name}\` lists the dependency \`${dependency}\` twice`,
      );
    }
    names.push(dependency);
  }
  return names;
}

// No options: nothing behind it either, so an inherited key reads as absent.
const NO_OPTIONS: StepOptions<unknown> = Object.freeze(Object.create(null));

function expectOptions(name: string, given: unknown): StepOptions<unknown> {
  if (given === undefined) return NO_OPTIONS;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    fail(ofStep(name, 'the options'), 'an object', given);
  }
  const options = ownOptions(given);
  checkKnownOptions(options, STEP_OPTIONS, (key) => {
    throw new InvalidOptionError(
      unknownOptionMessage(key, STEP_OPTIONS, `options of step \`${name}\``),
    );
  });
  return options;
}
