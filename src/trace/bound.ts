import type { FuturesScope } from '../futures/futures-scope.ts';
import type { FuturesSession } from '../futures/futures-session.ts';
import type { Session } from '../http/session.ts';
import { fail } from '../validate.ts';
import type { Trace } from './trace.ts';

/** The request methods a {@link TraceBound} view forwards. */
export type RequestVerb =
  | 'request'
  | 'get'
  | 'head'
  | 'options'
  | 'post'
  | 'put'
  | 'patch'
  | 'delete';

/** What {@link Trace.bind} accepts: a `Session`, a `FuturesSession` or a `FuturesScope`. */
export type Requester =
  | Pick<Session, RequestVerb>
  | Pick<FuturesSession, RequestVerb>
  | Pick<FuturesScope, RequestVerb>;

/** A view of `S` whose requests join one trace: `S`'s request methods, with their own types. */
export type TraceBound<S extends Requester> = Pick<S, RequestVerb>;

const VERBS: readonly RequestVerb[] = [
  'request',
  'get',
  'head',
  'options',
  'post',
  'put',
  'patch',
  'delete',
];

// The trace of the bound view whose call is being made right now. A session asks for its call's
// observer synchronously, before its verb returns: no async context is needed to find the trace.
let current: Trace | undefined;

/** The trace of the bound view making a call at this moment, if any. */
export function boundTrace(): Trace | undefined {
  return current;
}

type Method = (this: Requester, a: unknown, b: unknown, c: unknown) => unknown;

// Calls `session[verb](a, b, c)` with `trace` as the bound trace (fixed arguments: no array; the
// verbs other than `request` take two).
function callIn(
  trace: Trace,
  session: Requester,
  verb: RequestVerb,
  a: unknown,
  b: unknown,
  c: unknown,
): unknown {
  const previous = current;
  current = trace;
  try {
    return (session[verb] as Method).call(session, a, b, c);
  } finally {
    current = previous;
  }
}

/**
 * Creates the view returned by {@link Trace.bind}: an object with the session's request methods,
 * each calling the session's own with `trace` bound.
 */
export function bindTrace<S extends Requester>(trace: Trace, session: S): TraceBound<S> {
  if (typeof session !== 'object' || session === null || typeof session.request !== 'function') {
    fail('session', 'a Session, FuturesSession or FuturesScope', session);
  }
  const view: Record<string, Method> = {};
  for (const verb of VERBS) view[verb] = (a, b, c) => callIn(trace, session, verb, a, b, c);
  return view as unknown as TraceBound<S>;
}
