/**
 * A quiet test run: `npm test` preloads this module (`--import ./test/helpers/warnings.ts`, which
 * node:test passes on to the child process of every test file), and a process warning that is
 * neither allowed below nor expected by the running test through {@link expectWarning} fails the
 * file: it is printed with its stack and the process exits with code 1.
 *
 * A test that provokes a warning on purpose declares it with {@link expectWarning}, which captures
 * it (it never reaches the process's output) and lets the test assert it.
 */
import type { TestContext } from 'node:test';

/** A process warning as `process.on('warning')` receives it. */
export interface ProcessWarning extends Error {
  code?: string;
  detail?: string;
}

/**
 * Warnings the run allows, each with its reason. Only one: node:test's `mock.timers` is
 * experimental on Node 20 and says so once per process that uses it.
 */
const allowed: readonly ((warning: ProcessWarning) => boolean)[] = [
  (warning) =>
    warning.name === 'ExperimentalWarning' &&
    warning.message.startsWith('The MockTimers API is an experimental feature'),
];

const installed = Symbol.for('fanout.test.warningGuard');

/** Makes an unexpected warning fail this process (once per process, however often imported). */
function failOnUnexpectedWarnings(): void {
  const registry = globalThis as { [installed]?: true };
  if (registry[installed]) return;
  registry[installed] = true;
  process.on('warning', (warning: ProcessWarning) => {
    if (allowed.some((isAllowed) => isAllowed(warning))) return;
    process.exitCode = 1;
    process.stderr.write(
      `\n✖ Unexpected process warning in ${process.argv[1] ?? 'the test run'} (allow it in ` +
        'test/helpers/warnings.ts with a reason, or expect it in its test with expectWarning):\n' +
        `${warning.stack ?? `${warning.name}: ${warning.message}`}\n\n`,
    );
  });
}

/**
 * Declares that the running test provokes a process warning of `code`: until the test ends,
 * warnings of that code are captured instead of emitted (others go on to the guard). Resolves
 * with the first one; await it to assert the warning came.
 *
 * @example
 * ```ts
 * const warned = expectWarning(t, 'FANOUT_LISTENER_ERROR');
 * // … what provokes it …
 * assert.match((await warned).message, /listener bug/);
 * ```
 */
export function expectWarning(t: Pick<TestContext, 'mock'>, code: string): Promise<ProcessWarning> {
  const emit = process.emitWarning;
  return new Promise((resolve) => {
    t.mock.method(process, 'emitWarning', (warning: string | Error, ...rest: unknown[]) => {
      const captured = asWarning(warning, rest);
      if (captured.code !== code) return Reflect.apply(emit, process, [warning, ...rest]);
      resolve(captured);
    });
  });
}

// The warning `process.emitWarning(warning, typeOrOptions, code)` would emit.
function asWarning(warning: string | Error, rest: readonly unknown[]): ProcessWarning {
  const [typeOrOptions, positionalCode] = rest;
  const options: { type?: string | undefined; code?: string | undefined; detail?: string } =
    typeof typeOrOptions === 'object' && typeOrOptions !== null
      ? typeOrOptions
      : { type: typeOrOptions as string | undefined, code: positionalCode as string | undefined };
  if (warning instanceof Error) return warning;
  const captured: ProcessWarning = new Error(warning);
  captured.name = options.type ?? 'Warning';
  if (options.code !== undefined) captured.code = options.code;
  if (options.detail !== undefined) captured.detail = options.detail;
  return captured;
}

failOnUnexpectedWarnings();
