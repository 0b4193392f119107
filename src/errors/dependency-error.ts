import { FanoutError } from './fanout-error.ts';

// The root cause as the message shows it: its message, else its string form, else its tag (an
// object without one, such as `Object.create(null)`). errors/ depends on nothing, so no shared helper.
function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}

/**
 * A flow step did not run because a step it depends on failed (or missed its deadline, or was
 * cancelled). The message names the chain, from this step back to the one that failed on its
 * own, then that step's error: `orders ← user: HTTP 503 Service Unavailable: GET http://api/me`.
 */
export class DependencyError extends FanoutError {
  override name = 'DependencyError';
  override readonly code = 'FANOUT_DEPENDENCY' as const;
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
