import { safeString } from '../core/validate.ts';
import { FanoutError } from './fanout-error.ts';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : safeString(error);
}

/**
 * A flow step did not run because a step it depends on failed (or missed its deadline, or was
 * cancelled). The message names the chain, from this step back to the one that failed on its
 * own, then that step's error: `orders ← user: HTTP 503 Service Unavailable: GET http://api/me`.
 */
export class DependencyError extends FanoutError {
  override name = 'DependencyError';
  override readonly code: string = 'FANOUT_DEPENDENCY';
  /**
   * The steps involved, this one first: `['orders', 'user']` means `orders` needed `user`, and
   * `user` failed with {@link DependencyError.rootCause}.
   */
  readonly chain: readonly string[];
  /** The error of the last step of the chain, the one that failed on its own (also `cause`). */
  readonly rootCause: unknown;

  constructor(chain: readonly string[], rootCause: unknown) {
    super(`${chain.join(' ← ')}: ${messageOf(rootCause)}`, { cause: rootCause });
    this.chain = chain;
    this.rootCause = rootCause;
  }
}
