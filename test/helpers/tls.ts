import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type ServerOptions } from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/** A PEM private key and its certificate. */
export interface KeyPair {
  key: string;
  cert: string;
}

/** Fresh self-signed certificates for 127.0.0.1, made with openssl for this run (one a subject). */
export function selfSigned(...subjects: string[]): KeyPair[] {
  const dir = mkdtempSync(join(tmpdir(), 'fanout-tls-'));
  try {
    return subjects.map((subject, index) => {
      const key = join(dir, `${index}.key`);
      const cert = join(dir, `${index}.crt`);
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          subject,
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          key,
          '-out',
          cert,
        ],
        { stdio: 'ignore' },
      );
      return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An https server on 127.0.0.1, port 0, with `pair`; closed (sockets too) at the end of `t`. */
export async function startHTTPS(
  t: Pick<TestContext, 'after'>,
  pair: KeyPair,
  handler: (request: IncomingMessage, response: ServerResponse) => void,
  options: ServerOptions = {},
): Promise<{ origin: string; port: number }> {
  const sockets = new Set<Socket>();
  const https = createServer({ ...pair, ...options }, handler);
  https.on('secureConnection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => https.close(() => resolve()));
  });
  const { port } = https.address() as { port: number };
  return { origin: `https://127.0.0.1:${port}`, port };
}
