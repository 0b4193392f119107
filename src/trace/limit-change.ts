/**
 * Why an origin's adaptive concurrency limit changed: `grow` (the limit was in use and latency
 * stayed low), `latency` (latency rose), `drop` (a request failed with an overload: a timeout, a
 * refused connection, a 429 or 503), `probe` (the gradient limit halves for a few round trips to
 * measure the latency without queueing, and comes back).
 */
export type LimitReason = 'grow' | 'latency' | 'drop' | 'probe';

/** A change of one origin's adaptive concurrency limit. */
export interface LimitChange {
  /** The origin whose limit changed, such as `https://api.example.com`. */
  readonly origin: string;
  /** The limit before. */
  readonly from: number;
  /** The limit now. */
  readonly to: number;
  /** Why it changed. */
  readonly reason: LimitReason;
}

/** A {@link LimitChange} as a {@link Trace} records it. */
export interface LimitChangeRecord extends LimitChange {
  /** When it changed, in milliseconds since the trace began. */
  readonly time: number;
}
