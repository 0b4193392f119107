import { isIP, type Socket, connect as tcpConnect } from 'node:net';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { errors } from 'undici';
import { startTimer } from '../../core/timers.ts';
import type { TransportSettings } from '../config.ts';
import { UNSET_SOCKET_OPTIONS } from '../dispatchers.ts';

/** The protocol ALPN picked on a TLS socket, or `h2c` for cleartext HTTP/2. */
export type Negotiated = 'h2' | 'h2c' | 'http/1.1';

/** Told once how opening a socket went. */
export type SocketCallback = (
  error: Error | undefined,
  socket?: Socket,
  protocol?: Negotiated,
) => void;

/**
 * Opens the socket of a new HTTP/2 session to `origin`. On http it is a TCP socket, handed back at
 * once (node:http2 waits for its connect); on https, a TLS socket offering `alpn`, handed back
 * once the handshake picked a protocol, with the session's TLS settings (`ca`, `cert`, `key`,
 * `rejectUnauthorized`). A connect that outlasts `settings.connectTimeout` destroys the socket
 * with undici's `ConnectTimeoutError`, which the exchange reports as a connect timeout.
 *
 * @internal
 */
export function openSocket(
  origin: URL,
  settings: TransportSettings,
  alpn: readonly string[],
  callback: SocketCallback,
): void {
  const host = origin.hostname.startsWith('[') ? origin.hostname.slice(1, -1) : origin.hostname;
  const port = Number(origin.port) || (origin.protocol === 'https:' ? 443 : 80);
  const ms = settings.connectTimeout;
  if (origin.protocol === 'http:') {
    const socket = tcpConnect({ ...UNSET_SOCKET_OPTIONS, host, port });
    const timer = connectTimer(socket, host, port, ms);
    if (timer !== undefined) socket.once('connect', () => clearTimeout(timer));
    callback(undefined, socket, 'h2c');
    return;
  }
  const options: ConnectionOptions = {
    ...UNSET_SOCKET_OPTIONS,
    host,
    port,
    ALPNProtocols: alpn as string[],
    ca: settings.ca as ConnectionOptions['ca'],
    cert: settings.cert,
    key: settings.key,
    rejectUnauthorized: settings.rejectUnauthorized,
    ...(isIP(host) === 0 && { servername: host }),
  };
  const socket: TLSSocket = tlsConnect(options);
  const timer = connectTimer(socket, host, port, ms);
  const failed = (error: Error) => {
    clearTimeout(timer);
    callback(error);
  };
  socket.once('error', failed);
  socket.once('secureConnect', () => {
    clearTimeout(timer);
    socket.off('error', failed);
    callback(undefined, socket, socket.alpnProtocol === 'h2' ? 'h2' : 'http/1.1');
  });
}

function connectTimer(
  socket: Socket,
  host: string,
  port: number,
  ms: number | undefined,
): NodeJS.Timeout | undefined {
  if (ms === undefined) return undefined;
  return startTimer(ms, () => {
    socket.destroy(
      new errors.ConnectTimeoutError(`Connect timeout (${host}:${port}, timeout: ${ms} ms)`),
    );
  });
}
