import { cacheOutcomeOf } from './cache-outcome.ts';
import type { FlowSummary } from './flow-record.ts';
import type { RequestRecord } from './request-record.ts';

/** One request as the summary shows it. */
export interface RequestSummary {
  /** The call's {@link RequestRecord.id}. */
  readonly id: number;
  /** The method the call was made with. */
  readonly method: string;
  /** Redacted URL. */
  readonly url: string;
  /** Queued and resolved, in ms since the trace began (`resolved` is undefined while running). */
  readonly queued: number;
  /** See `queued`. */
  readonly resolved: number | undefined;
  /** How long the consumer waited for it, in ms. */
  readonly blocked: number;
  /** How long rate limits held its attempts back, in ms ({@link RequestRecord.rateLimited}). */
  readonly rateLimited: number;
  /** The final status; undefined without a response. */
  readonly status: number | undefined;
  /** How the call ended. */
  readonly outcome: RequestRecord['outcome'];
  /** How an HTTP cache answered it (`hit`, `miss`, `revalidated`, `stale`); undefined without one. */
  readonly cache: string | undefined;
}

/** What {@link Trace.summary} returns. */
export interface TraceSummary {
  /** Milliseconds from the start of the trace to its end (or now). */
  readonly wallTime: number;
  /** Number of requests made. */
  readonly requests: number;
  /** Total blocked time, in ms: the sum over requests of how long the consumer waited. */
  readonly blocked: number;
  /** Time rate limits held requests back, in ms: the sum over requests. */
  readonly rateLimited: number;
  /** Every request with its blocked time, in the order made. */
  readonly perRequest: readonly RequestSummary[];
  /** The requests the consumer waited on longest (blocked > 0), longest first, at most five. */
  readonly topBlockers: readonly RequestSummary[];
  /**
   * The chain of requests that set the end time, first to last: the last request to resolve,
   * preceded by the latest request that had resolved before it was queued, and so on.
   */
  readonly criticalPath: readonly RequestSummary[];
  /** Every flow started in the trace: its steps' times and outcomes, and its critical path. */
  readonly flows: readonly FlowSummary[];
}

function summaryOf(record: RequestRecord): RequestSummary {
  return {
    id: record.id,
    method: record.method,
    url: record.url,
    queued: record.queuedAt,
    resolved: record.resolvedAt,
    blocked: record.blocked,
    rateLimited: record.rateLimited,
    status: record.status,
    outcome: record.outcome,
    cache: cacheOutcomeOf(record),
  };
}

/**
 * The critical path of requests without declared dependencies: from the last to resolve, walk
 * back to the latest request that resolved no later than it was queued (it may have needed that
 * one's data), until none is left.
 */
export function criticalPath(records: readonly RequestSummary[]): RequestSummary[] {
  const done = records.filter((record) => record.resolved !== undefined);
  let current = done.reduce<RequestSummary | undefined>(
    (latest, record) =>
      latest === undefined || (record.resolved as number) > (latest.resolved as number)
        ? record
        : latest,
    undefined,
  );
  const path: RequestSummary[] = [];
  while (current !== undefined) {
    path.unshift(current);
    const queued = current.queued;
    current = done.reduce<RequestSummary | undefined>((latest, record) => {
      const resolved = record.resolved as number;
      if (resolved > queued || path.includes(record)) return latest;
      return latest === undefined || resolved > (latest.resolved as number) ? record : latest;
    }, undefined);
  }
  return path;
}

/** Summarises the records of a trace. */
export function summarize(
  records: readonly RequestRecord[],
  wallTime: number,
  flows: readonly FlowSummary[] = [],
): TraceSummary {
  const perRequest = records.map(summaryOf);
  const topBlockers = perRequest
    .filter((request) => request.blocked > 0)
    .sort((a, b) => b.blocked - a.blocked)
    .slice(0, 5);
  return {
    wallTime,
    requests: records.length,
    blocked: perRequest.reduce((sum, request) => sum + request.blocked, 0),
    rateLimited: perRequest.reduce((sum, request) => sum + request.rateLimited, 0),
    perRequest,
    topBlockers,
    criticalPath: criticalPath(perRequest),
    flows,
  };
}
