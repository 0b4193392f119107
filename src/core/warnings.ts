/**
 * Process warnings of the futures layer. Failures that would otherwise vanish — a done callback
 * that throws, an error nobody ever retrieved — are reported with `process.emitWarning`, never
 * thrown into the executor or left as an `unhandledRejection`.
 *
 * @internal
 */

import { safeString } from './validate.ts';

/** The `type` of every warning fanout emits. */
const WARNING_TYPE = 'FanoutWarning';

/** What a warning says about an error: its name and message, and its stack as the detail. */
interface ErrorSummary {
  readonly message: string;
  readonly stack: string | undefined;
}

/** Reports an error thrown by a done callback (code `FANOUT_CALLBACK_ERROR`). */
export function warnCallbackError(error: unknown): void {
  const summary = summarize(error);
  emit(`A future's done callback threw: ${summary.message}`, 'FANOUT_CALLBACK_ERROR', summary);
}

/** Reports an error thrown by a listener of limit changes (code `FANOUT_LISTENER_ERROR`). */
export function warnListenerError(error: unknown): void {
  const summary = summarize(error);
  emit(`A limit change listener threw: ${summary.message}`, 'FANOUT_LISTENER_ERROR', summary);
}

/**
 * Holds a summary of the error of each failed future that nobody has asked about yet, keyed
 * (weakly) by the future; the callback runs once the future has been garbage-collected. It holds
 * strings, not the error: an error's captured stack frames can reference the future (through the
 * receivers of the calls that created it), which would keep the future alive forever.
 */
const unretrieved = new FinalizationRegistry<ErrorSummary>((summary) => {
  emit(
    `A future failed and its error was never retrieved: ${summary.message}`,
    'FANOUT_UNRETRIEVED',
    summary,
  );
});

/** Reports `error` when `future` is collected, unless {@link forgetUnretrieved} runs first. */
export function watchUnretrieved(future: object, error: unknown): void {
  unretrieved.register(future, summarize(error), future);
}

/** The error of `future` has been retrieved: no warning for it. */
export function forgetUnretrieved(future: object): void {
  unretrieved.unregister(future);
}

function emit(message: string, code: string, { stack }: ErrorSummary): void {
  const options = { type: WARNING_TYPE, code };
  process.emitWarning(message, stack === undefined ? options : { ...options, detail: stack });
}

function summarize(error: unknown): ErrorSummary {
  if (!(error instanceof Error)) return { message: safeString(error), stack: undefined };
  return { message: `${error.name}: ${error.message}`, stack: error.stack };
}
