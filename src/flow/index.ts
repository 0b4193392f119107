/**
 * The public surface of the flow layer: flows of dependent steps, batching loaders and coalescing
 * scopes. Deliberately left out: the plan, the step runtime, the batch scheduler, the loaders'
 * normalized options and the tracing seam (`observer.ts`), which are not API.
 */

export type { BatchValues } from './batch-results.ts';
export { CoalesceScope, coalesce } from './coalesce-scope.ts';
export {
  FlowDefinition,
  type FlowOptions,
  flow,
  type NewStepName,
  type NoSteps,
  type StepInputs,
  type WithStep,
} from './definition.ts';
export { Flow, type StartOptions, type StepFutures } from './flow.ts';
export { Loader, loader } from './loader.ts';
export type { BatchFunction, BatchState, LoaderOptions, LoadOptions } from './loader-options.ts';
export type { FlowReport, StepOutcome, StepReport } from './report.ts';
export type {
  Fallback,
  FallbackState,
  StepContext,
  StepFunction,
  StepOptions,
} from './step-options.ts';
