/**
 * The option names of the executor's entry points, each held by the compiler to its options type
 * (`satisfies Exhaustive<…>`), for their unknown-option checks.
 *
 * @internal
 */
import type { Exhaustive } from '../core/exhaustive.ts';
import { type KnownOptions, knownOptions } from '../core/validate.ts';
import type { ExecutorOptions, ShutdownOptions, SubmitOptions } from './executor.ts';
import type { MapOptions } from './executor-map.ts';
import type { ResultOptions } from './future.ts';
import type { FutureSetOptions } from './future-set.ts';
import type { CloseOptions } from './futures-session.ts';
import type { AsCompletedOptions, WaitOptions } from './wait.ts';

/** `new Executor(options)`. @internal */
export const EXECUTOR_OPTIONS: KnownOptions = knownOptions('Executor options', {
  maxWorkers: true,
  maxQueued: true,
  perKey: true,
} satisfies Exhaustive<ExecutorOptions, true>);

/** `executor.submit(fn, options)`. @internal */
export const SUBMIT_OPTIONS: KnownOptions = knownOptions('submit options', {
  priority: true,
  key: true,
  signal: true,
} satisfies Exhaustive<SubmitOptions, true>);

/** `executor.shutdown(options)`. @internal */
export const SHUTDOWN_OPTIONS: KnownOptions = knownOptions('shutdown options', {
  wait: true,
  cancelPending: true,
} satisfies Exhaustive<ShutdownOptions, true>);

/** `executor.map(fn, items, options)`. @internal */
export const MAP_OPTIONS: KnownOptions = knownOptions('map options', {
  ordered: true,
  window: true,
  priority: true,
  signal: true,
} satisfies Exhaustive<MapOptions, true>);

/** `futuresSession.close(options)`. @internal */
export const CLOSE_OPTIONS: KnownOptions = knownOptions('close options', {
  cancelPending: true,
} satisfies Exhaustive<CloseOptions, true>);

/** `future.result(options)` and `future.exception(options)`. @internal */
export const RESULT_OPTIONS: KnownOptions = knownOptions('result options', {
  timeout: true,
} satisfies Exhaustive<ResultOptions, true>);

/** `wait(futures, options)`. @internal */
export const WAIT_OPTIONS: KnownOptions = knownOptions('wait options', {
  timeout: true,
  returnWhen: true,
} satisfies Exhaustive<WaitOptions, true>);

/** `new FutureSet(futures, options)`. @internal */
export const FUTURE_SET_OPTIONS: KnownOptions = knownOptions('FutureSet options', {
  timeout: true,
} satisfies Exhaustive<FutureSetOptions, true>);

/** `asCompleted(futures, options)`: a FutureSet's options, named as the caller wrote them. @internal */
export const AS_COMPLETED_OPTIONS: KnownOptions = knownOptions('asCompleted options', {
  timeout: true,
} satisfies Exhaustive<AsCompletedOptions, true>);
