import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The connections W6's backend accepted since it started, as it counts them. */
export interface H2Stats {
  /** TCP connections accepted. */
  readonly accepted: number;
  /** Of those, the ones whose TLS handshake chose HTTP/2 by ALPN … */
  readonly h2: number;
  /** … and HTTP/1.1 (or no ALPN at all). */
  readonly http1: number;
}

/** bench/h2-backend.ts running in its own process. */
export interface H2Backend {
  /** `https://127.0.0.1:<port>`. */
  readonly origin: string;
  /** The backend's self-signed certificate (PEM): the CA its clients trust. */
  readonly ca: string;
  /** The connections the backend accepted so far. */
  stats(): Promise<H2Stats>;
  stop(): Promise<void>;
}

/** Starts W6's TLS backend (HTTP/2 and HTTP/1.1 by ALPN) in a child process. */
export async function startH2Backend(): Promise<H2Backend> {
  const script = fileURLToPath(new URL('./h2-backend.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await Promise.race([
    lines.next(),
    exited.then(([code]) => {
      throw new Error(`HTTP/2 backend exited (${code})`);
    }),
  ]);
  const { port, cert } = JSON.parse(first.value as string) as { port: number; cert: string };
  return {
    origin: `https://127.0.0.1:${port}`,
    ca: cert,
    async stats() {
      child.stdin.write('stats\n');
      const answer = await lines.next();
      return JSON.parse(answer.value as string) as H2Stats;
    },
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}
