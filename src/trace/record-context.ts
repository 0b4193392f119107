import { redactURL } from './redact.ts';

/**
 * The clock and redaction rules of one trace, shared by its records. A class, like every object a
 * trace creates once and keeps: see `BoundView` in bound.ts for why no object literal is used.
 */
export class RecordContext {
  /** `performance.now()` when the trace began. */
  readonly origin: number;
  readonly #redactedParams: ReadonlySet<string>;

  constructor(origin: number, redactedParams: ReadonlySet<string>) {
    this.origin = origin;
    this.#redactedParams = redactedParams;
  }

  /** Milliseconds since the trace began. */
  now(): number {
    return performance.now() - this.origin;
  }

  /** The URL with credentials and secret query parameters redacted. */
  redact(url: string): string {
    return redactURL(url, this.#redactedParams);
  }
}
