import { fail } from '../core/validate.ts';
import { FuturesSession } from '../futures/futures-session.ts';
import { Session } from '../http/session.ts';
import { Trace, type TraceOptions } from './trace.ts';

/** The work given to `session.trace(fn)`: it runs with its trace current, and gets the trace. */
export type TracedFunction<T> = (trace: Trace) => T;

declare module '../http/session.ts' {
  interface Session {
    /**
     * Runs `fn` in a new {@link Trace}: every request made inside it (by any session) joins the
     * trace, which ends when `fn` settles. Resolves with what `fn` returns.
     *
     * @example
     * ```ts
     * const html = await session.trace(async (trace) => {
     *   const user = await session.get('/me');
     *   response.setHeader('server-timing', trace.serverTiming());
     *   return render(user.json());
     * }, { name: 'home page' });
     * ```
     */
    trace<T>(fn: TracedFunction<T>, options?: TraceOptions): Promise<Awaited<T>>;
  }
}

declare module '../futures/futures-session.ts' {
  interface FuturesSession {
    /**
     * Runs `fn` in a new {@link Trace}, as {@link Session.trace} does: the requests it makes
     * (their futures, and how long each was waited for) are recorded in the trace.
     *
     * @example
     * ```ts
     * const page = await session.trace(async (trace) => {
     *   const user = session.get('/me');
     *   const recs = session.get('/recs');
     *   const html = render(await user, await recs);
     *   return { html, timing: trace.serverTiming() };
     * });
     * ```
     */
    trace<T>(fn: TracedFunction<T>, options?: TraceOptions): Promise<Awaited<T>>;
  }
}

/** Runs `fn` in a new trace and ends the trace when it settles. */
async function traced<T>(fn: TracedFunction<T>, options?: TraceOptions): Promise<Awaited<T>> {
  if (typeof fn !== 'function') fail('fn', 'a function', fn);
  const trace = new Trace(options);
  try {
    return await trace.run(() => fn(trace));
  } finally {
    trace.end();
  }
}

/**
 * Adds `trace(fn)` to both sessions. The HTTP and futures layers know nothing of tracing; this
 * module, imported by the public entry point, gives them the method.
 */
export function installSessionTrace(): void {
  Session.prototype.trace = traced;
  FuturesSession.prototype.trace = traced;
}
