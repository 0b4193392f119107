import type { FanoutErrorCode } from './fanout-error-code.ts';

const brand = Symbol.for('fanout.error');

/** Options every fanout error accepts. */
export interface FanoutErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The base class of every error fanout throws. Each subclass has a stable string `code`
 * (listed in docs/ERRORS.md) and a message that names the offending value and, for request errors,
 * the method and URL — never a secret.
 *
 * @example
 * ```ts
 * import { isFanoutError, Session } from 'fanout';
 *
 * const session = new Session({ baseURL: 'http://127.0.0.1:8080' });
 * try {
 *   await session.get('/x');
 * } catch (error) {
 *   if (isFanoutError(error)) console.log(error.code);
 * }
 * ```
 */
export class FanoutError extends Error {
  /** The class's name (`'TimeoutError'`…), as `String(error)` and stacks show it. */
  override name = 'FanoutError';
  /**
   * A stable, machine-readable identifier of the kind of failure: each subclass narrows it to its
   * own literal code.
   */
  readonly code: FanoutErrorCode = 'FANOUT_ERROR';
  /**
   * Brand so that {@link isFanoutError} works across realms and duplicate copies. It lives on the
   * prototype, not enumerable, so `util.inspect(error)` does not print it beside `code`.
   */
  declare readonly [brand]: true;

  static {
    Object.defineProperty(FanoutError.prototype, brand, { value: true });
  }

  constructor(message: string, options?: FanoutErrorOptions) {
    // Own properties only: a polluted `Object.prototype.cause` must not attach to every error.
    const cause =
      options !== undefined && Object.hasOwn(options, 'cause') ? options.cause : undefined;
    super(message, cause === undefined ? undefined : { cause });
  }
}

/** Whether `value` is an error thrown by fanout (any copy or realm). */
export function isFanoutError(value: unknown): value is FanoutError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true
  );
}
