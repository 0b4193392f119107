/**
 * What `util.inspect` prints for a {@link Future}: its state, then what it knows of its work —
 * the method and redacted URL of a queued or running `FuturesSession` request and how long ago it
 * was queued, or the value, error or cancellation reason once done:
 * `Future <running> GET http://api/x?token=REDACTED { elapsed: 12.3 ms }`.
 *
 * @internal
 */

import { performance } from 'node:perf_hooks';
import type { InspectOptionsStylized } from 'node:util';
import {
  errorLine,
  type Fields,
  type Inspect,
  inspectLine,
  milliseconds,
  Shown,
} from '../core/inspect.ts';

/**
 * The work of a request's future as this module reads it, without knowing HTTP: an executor's
 * task (the future's canceller while it is not done) whose work has a `request` that redacts its
 * own URL, and `queuedAt`, when it was queued (`performance.now()`).
 */
interface RequestWork {
  readonly request: { readonly method: string; redactedURL(): string };
  readonly queuedAt?: number;
}

/** The request behind a future that is not done, when its canceller is a request's task. */
function requestWorkOf(canceller: unknown): RequestWork | undefined {
  const work = (canceller as { work?: Partial<RequestWork> } | undefined)?.work;
  const request = work?.request;
  if (typeof request?.method !== 'string' || typeof request.redactedURL !== 'function') {
    return undefined;
  }
  return work as RequestWork;
}

/**
 * The line of a future in `state`, given what it `held`: its outcome once done, its canceller
 * before.
 */
export function inspectFuture(
  state: 'pending' | 'running' | 'fulfilled' | 'rejected' | 'cancelled',
  held: unknown,
  depth: number | null,
  options: InspectOptionsStylized,
  inspect: Inspect,
): string {
  let head = `Future ${options.stylize(`<${state}>`, 'special')}`;
  let fields: Fields;
  // A value of `undefined` is shown (a field set to `undefined` is otherwise left out).
  if (state === 'fulfilled')
    fields = { value: held === undefined ? undefinedValue(options) : held };
  else if (state === 'rejected') fields = { error: errorLine(held, options, inspect) };
  else if (state === 'cancelled') fields = { reason: errorLine(held, options, inspect) };
  else {
    const work = requestWorkOf(held);
    if (work !== undefined) head += ` ${work.request.method} ${work.request.redactedURL()}`;
    const queuedAt = work?.queuedAt;
    fields = {
      elapsed:
        queuedAt === undefined ? undefined : milliseconds(performance.now() - queuedAt, options),
    };
  }
  return inspectLine(head, fields, depth, options, inspect);
}

function undefinedValue(options: InspectOptionsStylized): Shown {
  return new Shown(options.stylize('undefined', 'undefined'));
}
