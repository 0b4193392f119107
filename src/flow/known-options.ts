/**
 * The option names of the flow layer's entry points, each held by the compiler to its options
 * type (`satisfies Exhaustive<…>`), for their unknown-option checks.
 *
 * @internal
 */
import type { Exhaustive } from '../core/exhaustive.ts';
import { type KnownOptions, knownOptions } from '../core/validate.ts';
import type { FlowOptions } from './definition.ts';
import type { StartOptions } from './flow.ts';
import type { LoaderOptions, LoadOptions } from './loader-options.ts';
import type { StepOptions } from './step-options.ts';

/** `flow(options)`. @internal */
export const FLOW_OPTIONS: KnownOptions = knownOptions('flow options', {
  name: true,
  raiseForStatus: true,
} satisfies Exhaustive<FlowOptions, true>);

/** `definition.start(options)`. @internal */
export const START_OPTIONS: KnownOptions = knownOptions('flow start options', {
  deadline: true,
  signal: true,
} satisfies Exhaustive<StartOptions, true>);

/** `definition.step(name, …, options)`; its messages name the step. @internal */
export const STEP_OPTIONS: KnownOptions = knownOptions('step options', {
  deadline: true,
  fallback: true,
  raiseForStatus: true,
} satisfies Exhaustive<StepOptions, true>);

/** `new Loader(options)`. @internal */
export const LOADER_OPTIONS: KnownOptions = knownOptions('Loader options', {
  batch: true,
  maxBatchSize: true,
  window: true,
  cacheKey: true,
  cache: true,
  signal: true,
} satisfies Exhaustive<LoaderOptions<unknown, unknown>, true>);

/** `loader.load(key, options)` and `loadMany`. @internal */
export const LOAD_OPTIONS: KnownOptions = knownOptions('load options', {
  signal: true,
} satisfies Exhaustive<LoadOptions, true>);
