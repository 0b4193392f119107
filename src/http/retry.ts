import { ConnectionError } from '../errors/connection-error.ts';
import { TimeoutError, type TimeoutPhase } from '../errors/timeout-error.ts';
import type { RetryPolicy } from './config.ts';

/**
 * The delay a `Retry-After` value asks for, in ms from `now`: delta-seconds or an HTTP-date
 * (a past date means 0). `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Exponential backoff with full jitter: a random time in [0, min(maxDelay, baseDelay·2^retryCount)]. */
export function backoffDelay(
  policy: RetryPolicy,
  retryCount: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelay, policy.baseDelay * 2 ** retryCount);
  return Math.round(random() * ceiling);
}

/**
 * Whether an error is worth another attempt: connection failures and per-phase timeouts (not the
 * call's own `total` or `deadline`, after which nothing more may be sent, nor a `rate-limit` one:
 * the same limits, passed while waiting for a rate limit).
 */
export function isRetryableError(error: unknown): boolean {
  if (error instanceof ConnectionError) return true;
  return error instanceof TimeoutError && PER_EXCHANGE_PHASES.has(error.phase);
}

// The timeouts of one exchange; the others bound the whole call.
const PER_EXCHANGE_PHASES: ReadonlySet<TimeoutPhase> = new Set(['connect', 'headers', 'body']);
