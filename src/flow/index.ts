/**
 * The public surface of the flow layer. Deliberately left out: the plan, the step runtime and the
 * tracing seam (`observer.ts`), which are not API.
 */

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
export type { FlowReport, StepOutcome, StepReport } from './report.ts';
export type {
  Fallback,
  FallbackState,
  StepContext,
  StepFunction,
  StepOptions,
} from './step-options.ts';
