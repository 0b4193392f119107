import { startLineServer } from './backend-process.ts';

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
  const server = await startLineServer<{ port: number; cert: string }>(
    new URL('./h2-backend.ts', import.meta.url),
    'HTTP/2 backend',
  );
  return {
    origin: `https://127.0.0.1:${server.hello.port}`,
    ca: server.hello.cert,
    stats: () => server.ask<H2Stats>('stats'),
    stop: () => server.stop(),
  };
}
