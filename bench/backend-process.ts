import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
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

/**
 * A bench server in its own process that talks in JSON lines: it prints one when it is up (its
 * ports, its certificate…), answers each line written to its stdin with one, and exits when its
 * stdin ends.
 */
export interface LineServer<Hello> {
  /** What the server printed when it was up. */
  readonly hello: Hello;
  /** Writes `question` as a line and resolves with the line the server answers, parsed. */
  ask<Answer>(question: string): Promise<Answer>;
  /** Ends the server's stdin and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts `script` (a bench/ file, run with tsx) as a {@link LineServer}; `what` names it. */
export async function startLineServer<Hello>(
  script: URL,
  what: string,
): Promise<LineServer<Hello>> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(script)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await Promise.race([
    lines.next(),
    exited.then(([code]) => {
      throw new Error(`${what} exited (${code})`);
    }),
  ]);
  return {
    hello: JSON.parse(first.value as string) as Hello,
    async ask<Answer>(question: string) {
      child.stdin.write(`${question}\n`);
      const answer = await lines.next();
      return JSON.parse(answer.value as string) as Answer;
    },
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}
