import type { RequestRecord } from './request-record.ts';

// The event types by which an HTTP cache policy (`policy: 'cache'`) says how it answered.
const OUTCOMES = new Set(['hit', 'miss', 'revalidated', 'stale']);

/**
 * How an HTTP cache answered the call — `hit`, `miss`, `revalidated` or `stale` — from the last
 * outcome event its `cache` policy recorded; `undefined` when no cache took part.
 */
export function cacheOutcomeOf(record: RequestRecord): string | undefined {
  const events = record.events;
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (event?.policy === 'cache' && OUTCOMES.has(event.type)) return event.type;
  }
  return undefined;
}
