import { FanoutError } from './fanout-error.ts';

/**
 * A flow's steps do not form a valid graph: a duplicate or empty step name, a dependency on a
 * step that does not exist, or a cycle (named in the message: `a → b → c → a`). Thrown before any
 * step runs.
 */
export class FlowDefinitionError extends FanoutError {
  override name = 'FlowDefinitionError';
  override readonly code = 'FANOUT_FLOW_DEFINITION' as const;
}
