import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Runs a program to its end and returns its stdout; rejects with its stderr's last line. */
export async function run(
  file: string,
  args: readonly string[],
  options: { readonly cwd?: string; readonly timeoutMs?: number } = {},
): Promise<string> {
  try {
    const { stdout } = await execFileAsync(file, args, {
      cwd: options.cwd,
      timeout: options.timeoutMs ?? 600_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    throw new Error(reason(error));
  }
}

/** Whether `file` can be run at all (false when it is not installed). */
export async function exists(file: string, args: readonly string[]): Promise<boolean> {
  try {
    await execFileAsync(file, args, { timeout: 10_000 });
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/**
 * The line of a failed run's stderr that says what went wrong: the first "…Error: …" line (Node
 * and Python print the thrown error below a code excerpt and above the stack; Node ends with its
 * version), else the last line.
 */
function reason(error: unknown): string {
  const stderr = (error as { stderr?: string }).stderr ?? '';
  const lines = stderr.split('\n').map((line) => line.trim());
  const thrown = lines.find((line) => /^[\w.]*(Error|Exception)\b/.test(line));
  const last = lines.filter((line) => line !== '' && !/^Node\.js v/.test(line)).at(-1);
  return thrown ?? last ?? (error instanceof Error ? error.message : String(error));
}
