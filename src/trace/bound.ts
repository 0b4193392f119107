import { fail } from '../core/validate.ts';
import type { FuturesScope } from '../futures/futures-scope.ts';
import type { FuturesSession } from '../futures/futures-session.ts';
import type { Session } from '../http/session.ts';
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
 * The view returned by {@link Trace.bind}: the session's request methods (on the prototype), each
 * calling the session's own with the trace bound.
 *
 * A class rather than an object literal, on purpose. V8 tracks where each literal is allocated
 * and, when most of one site's objects outlive a minor GC, allocates that site's objects straight
 * into the old generation. A view lives as long as its unit of work (a page, an incoming request),
 * long enough for that; an old view then holds its young trace, and through it every record of
 * the trace, past every minor GC until the next full one. Instances of a class are never
 * allocated old: a view dies young with its trace and records (see docs/PERFORMANCE.md).
 */
class BoundView {
  readonly #trace: Trace;
  readonly #session: Requester;

  constructor(trace: Trace, session: Requester) {
    this.#trace = trace;
    this.#session = session;
  }

  static {
    for (const verb of VERBS) {
      Object.defineProperty(BoundView.prototype, verb, {
        value: function (this: BoundView, a: unknown, b: unknown, c: unknown) {
          return callIn(this.#trace, this.#session, verb, a, b, c);
        },
        writable: true,
        configurable: true,
      });
    }
  }
}

/** Creates the view returned by {@link Trace.bind}. */
export function bindTrace<S extends Requester>(trace: Trace, session: S): TraceBound<S> {
  if (typeof session !== 'object' || session === null || typeof session.request !== 'function') {
    fail('session', 'a Session, FuturesSession or FuturesScope', session);
  }
  return new BoundView(trace, session) as unknown as TraceBound<S>;
}
