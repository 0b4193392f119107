import { mock } from 'node:test';

/** A promise with its resolve and reject, to order events in tests without sleeping. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function defer<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise reaction (and the ones they queue) run. */
export async function flush(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A warning passed to `process.emitWarning`. */
export interface CapturedWarning {
  message: string;
  code: string | undefined;
  detail: string | undefined;
}

/**
 * Captures `process.emitWarning` calls (without printing them) until `restore()`.
 */
export function captureWarnings(): { warnings: CapturedWarning[]; restore(): void } {
  const warnings: CapturedWarning[] = [];
  const spy = mock.method(process, 'emitWarning', (message: string | Error, options?: unknown) => {
    const { code, detail } = (options ?? {}) as { code?: string; detail?: string };
    warnings.push({ message: String(message), code, detail });
  });
  return { warnings, restore: () => spy.mock.restore() };
}

/** Runs the garbage collector (tests run with --expose-gc) until `isDone()` or `rounds` pass. */
export async function collectGarbageUntil(isDone: () => boolean, rounds = 50): Promise<void> {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error('Run the tests with node --expose-gc');
  for (let round = 0; round < rounds && !isDone(); round++) {
    gc();
    await flush();
  }
}
