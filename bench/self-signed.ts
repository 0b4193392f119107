import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PEM private key and its certificate; the certificate is also the CA that trusts it. */
export interface KeyPair {
  readonly key: string;
  readonly cert: string;
}

/**
 * A fresh self-signed certificate for 127.0.0.1 (ECDSA P-256, a day long), made with openssl for
 * this run, as test/helpers/tls.ts makes them for the tests.
 */
export function selfSigned(): KeyPair {
  const dir = mkdtempSync(join(tmpdir(), 'fanout-bench-tls-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    const curve = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
    const subject = ['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'];
    execFileSync(
      'openssl',
      ['req', '-x509', ...curve, '-nodes', '-days', '1', ...subject, '-keyout', key, '-out', cert],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
