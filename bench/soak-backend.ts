import { once } from 'node:events';
import { createServer } from 'node:net';
import { startLineServer } from './backend-process.ts';
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
  const server = await startLineServer<{ http: number; raw: number }>(
    new URL('./soak-server.ts', import.meta.url),
    'soak backend',
  );
  const refused = await closedPort();
  return {
    origins: {
      http: `http://127.0.0.1:${server.hello.http}`,
      raw: `http://127.0.0.1:${server.hello.raw}`,
      refused: `http://127.0.0.1:${refused}`,
    },
    openConnections: () => server.ask<OpenConnections>('stats'),
    stop: () => server.stop(),
  };
}
