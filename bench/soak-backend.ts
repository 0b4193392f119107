import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { FaultOrigin } from './soak-faults.ts';

/** Connections a server of the soak backend has open. */
export interface OpenConnections {
  readonly http: number;
  readonly raw: number;
}

/** bench/soak-server.ts running in its own process, and a closed port for refused connections. */
export interface SoakBackend {
  /** The origin of each fault origin (`refused`: a port nothing listens on). */
  readonly origins: Readonly<Record<FaultOrigin, string>>;
  /** The connections the backend's servers have open now, as they count them. */
  openConnections(): Promise<OpenConnections>;
  stop(): Promise<void>;
}

/** A port on 127.0.0.1 that was just free: a server bound it, noted it and closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Starts the soak backend in a child process and waits for its ports. */
export async function startSoakBackend(): Promise<SoakBackend> {
  const script = fileURLToPath(new URL('./soak-server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await Promise.race([
    lines.next(),
    exited.then(([code]) => {
      throw new Error(`soak backend exited (${code})`);
    }),
  ]);
  const ports = JSON.parse(first.value as string) as { http: number; raw: number };
  const refused = await closedPort();
  return {
    origins: {
      http: `http://127.0.0.1:${ports.http}`,
      raw: `http://127.0.0.1:${ports.raw}`,
      refused: `http://127.0.0.1:${refused}`,
    },
    async openConnections() {
      child.stdin.write('stats\n');
      const answer = await lines.next();
      return JSON.parse(answer.value as string) as OpenConnections;
    },
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}
