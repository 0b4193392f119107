import { FanoutError } from './fanout-error.ts';

/** Work was submitted to an executor that has been shut down. */
export class ExecutorShutdownError extends FanoutError {
  override name = 'ExecutorShutdownError';
  override readonly code = 'FANOUT_EXECUTOR_SHUTDOWN' as const;
}
