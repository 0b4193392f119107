import { mock } from 'node:test';

export { type Deferred, deferred as defer } from '../helpers/server.ts';

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
