/**
 * The public surface of the futures layer. Deliberately left out: the module-internal pieces
 * (`futureController`, through which executors, flows and tracing reach a future's state, the
 * scheduler, the heap, tasks, validators, timers and warnings), which are not API.
 */

export type { ConcurrencyLimit } from './concurrency-limit.ts';
export type {
  ExecutorOptions,
  ShutdownOptions,
  SubmitOptions,
} from './executor.ts';
export { Executor } from './executor.ts';
export type { MapFunction, MapOptions } from './executor-map.ts';
export type { DoneCallback, ResultOptions, TaskFunction } from './future.ts';
export { Future } from './future.ts';
export type { FutureSetOptions } from './future-set.ts';
export { FutureSet } from './future-set.ts';
export { FuturesScope } from './futures-scope.ts';
export type {
  CloseOptions,
  FutureNoBodyOptions,
  FutureRequestOptions,
  FuturesSessionOptions,
} from './futures-session.ts';
export { FuturesSession } from './futures-session.ts';
export type {
  AsCompletedOptions,
  FutureValue,
  ReturnWhen,
  WaitOptions,
  WaitResult,
} from './wait.ts';
export { asCompleted, wait } from './wait.ts';
