import { RequestError, type RequestErrorOptions } from './request-error.ts';

/** Options of {@link CircuitOpenError}. */
export interface CircuitOpenErrorOptions extends RequestErrorOptions {
  /** The origin whose circuit is open, `scheme://host:port`. */
  origin: string;
  /** When the circuit lets a probe through again. */
  retryAt: Date;
}

/**
 * The circuit breaker of the request's origin is open (too many recent failures), so the request
 * failed fast without being sent. `retryAt` says when a probe will be let through.
 */
export class CircuitOpenError extends RequestError {
  override name = 'CircuitOpenError';
  override readonly code = 'FANOUT_CIRCUIT_OPEN' as const;
  /** The origin whose circuit is open. */
  readonly origin: string;
  /** When the circuit lets a probe through again. */
  readonly retryAt: Date;

  constructor(options: CircuitOpenErrorOptions) {
    super(`Circuit open for ${options.origin} until ${options.retryAt.toISOString()}`, options);
    this.origin = options.origin;
    this.retryAt = options.retryAt;
  }
}
