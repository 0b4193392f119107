import { FanoutError } from './fanout-error.ts';

/**
 * Work was submitted to an executor whose queue already holds `maxQueued` tasks.
 * Await `executor.onSpace()` before submitting to wait for room instead.
 */
export class QueueFullError extends FanoutError {
  override name = 'QueueFullError';
  override readonly code = 'FANOUT_QUEUE_FULL' as const;
}
