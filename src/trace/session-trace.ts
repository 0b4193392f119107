import { fail } from '../core/validate.ts';
import { Trace, type TraceOptions } from './trace.ts';

/** The work given to `session.trace(fn)`: it runs with its trace current, and gets the trace. */
export type TracedFunction<T> = (trace: Trace) => T;

/**
 * `session.trace(fn, options)` of `Session` and `FuturesSession`: runs `fn` in a new
 * {@link Trace} and ends the trace when it settles. The sessions import it directly; it imports
 * no session, so either session module can be loaded first, or alone.
 *
 * @internal
 */
export async function runTraced<T>(
  fn: TracedFunction<T>,
  options?: TraceOptions,
): Promise<Awaited<T>> {
  if (typeof fn !== 'function') fail('fn', 'a function', fn);
  const trace = new Trace(options);
  try {
    return await trace.run(() => fn(trace));
  } finally {
    trace.end();
  }
}
