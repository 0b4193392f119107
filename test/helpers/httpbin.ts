import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from './server.ts';

/** A real httpbin (Debian python3-httpbin under gunicorn) bound on two loopback origins. */
export interface Httpbin {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** `http://127.0.0.2:PORT`: the same server under another origin, for cross-origin tests. */
  readonly otherOrigin: string;
  stop(): Promise<void>;
}

const INSTALL = 'apt-get update && apt-get install -y python3-httpbin gunicorn';
const GUNICORN = '/usr/bin/gunicorn';

async function waitUntilUp(origin: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt++) {
    if (child.exitCode !== null) throw new Error(`gunicorn exited (${child.exitCode}):\n${log()}`);
    try {
      const response = await fetch(`${origin}/get`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await delay(100);
  }
  throw new Error(`httpbin did not answer at ${origin} within 15 s:\n${log()}`);
}

/**
 * Starts httpbin with `gunicorn -k gthread --threads 32` on a free port of 127.0.0.1 and
 * 127.0.0.2. Fails with install instructions when httpbin is missing: the interop suite never
 * skips silently.
 */
export async function startHttpbin(): Promise<Httpbin> {
  if (!existsSync(GUNICORN)) {
    throw new Error(`httpbin is not installed (no ${GUNICORN}). Install it with: ${INSTALL}`);
  }
  const port = await freePort();
  const child = spawn(
    GUNICORN,
    [
      '-k',
      'gthread',
      '--threads',
      '32',
      '-b',
      `127.0.0.1:${port}`,
      '-b',
      `127.0.0.2:${port}`,
      'httpbin:app',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(origin, child, () =>
      output.includes('No module named') ? `${output}\nInstall httpbin with: ${INSTALL}` : output,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    origin,
    otherOrigin: `http://127.0.0.2:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
