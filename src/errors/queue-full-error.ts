import { RequestError } from './request-error.ts';

/**
 * Work was submitted to an executor whose queue already holds `maxQueued` tasks (await
 * `executor.onSpace()` before submitting to wait for room instead), or a request reached a
 * `RateLimit` whose queue for its key already holds `maxQueued` requests (it was not sent; its
 * `request` says which).
 */
export class QueueFullError extends RequestError {
  override name = 'QueueFullError';
  override readonly code = 'FANOUT_QUEUE_FULL' as const;
}
