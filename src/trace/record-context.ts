import { performance } from 'node:perf_hooks';
import { redactURL } from '../core/redact.ts';
import type { PreparedRequest } from '../http/prepared-request.ts';

/**
 * The clock and redaction rules of one trace, shared by its records. A class rather than an object
 * literal, like the bound view: see `BoundView` in bound.ts for why.
 */
export class RecordContext {
  /** `performance.now()` when the trace began. */
  readonly origin: number;
  // The trace's own `redactParams`; undefined when it set none, and each request's session's apply.
  readonly #redactedParams: ReadonlySet<string> | undefined;

  constructor(origin: number, redactedParams: ReadonlySet<string> | undefined) {
    this.origin = origin;
    this.#redactedParams = redactedParams;
  }

  /** Milliseconds since the trace began. */
  now(): number {
    return performance.now() - this.origin;
  }

  /**
   * Whole microseconds since the trace began: how records keep their times. A small integer is
   * stored in its field as it is, where a fractional millisecond would take a heap number of its
   * own per field (V8 boxes doubles); records turn them back into milliseconds when read.
   */
  micros(): number {
    return this.microsAt(performance.now());
  }

  /** {@link RecordContext.micros} of `at`, a `performance.now()` time. */
  microsAt(at: number): number {
    return Math.round((at - this.origin) * 1000);
  }

  /**
   * `url` (of `request`, or where it redirects) with credentials and secret query parameters
   * redacted: the trace's `redactParams`, else those of the session that sent `request`.
   */
  redact(url: string, request: PreparedRequest): string {
    return redactURL(url, this.#redactedParams ?? request.redactParams);
  }
}

/** Milliseconds from microseconds (a record's time as its getters give it), `undefined` kept. */
export function millis(micros: number): number;
export function millis(micros: number | undefined): number | undefined;
export function millis(micros: number | undefined): number | undefined {
  return micros === undefined ? undefined : micros / 1000;
}
