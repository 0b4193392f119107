import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The benchmark backend running in its own process. */
export interface Backend {
  readonly origin: string;
  stop(): Promise<void>;
}

/** Starts bench/backend.ts in a child process and waits for its port. */
export async function startBackend(): Promise<Backend> {
  const script = fileURLToPath(new URL('./backend.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return served(child, 'benchmark backend');
}

/**
 * The server running in `child`, once it has printed its port on stdout: its origin, and a stop
 * that ends the process. Fails if the process exits first.
 */
export async function served(child: ChildProcess, what: string): Promise<Backend> {
  const port = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${what} exited (${code})`)));
    child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
  });
  child.removeAllListeners('exit');
  return {
    origin: `http://127.0.0.1:${port}`,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
