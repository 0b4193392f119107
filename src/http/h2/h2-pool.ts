import type { Socket } from 'node:net';
import type { TransportSettings } from '../config.ts';
import { type ConnectionOwner, H2Connection } from './h2-connection.ts';
import type { H2Stream } from './h2-stream.ts';
import type { HTTP2Mode } from './http2-mode.ts';
import { type Negotiated, openSocket } from './open-socket.ts';

/** The settings every origin pool of one agent shares. */
export interface H2PoolSettings {
  readonly mode: HTTP2Mode;
  /** The most sessions per origin (the `http2Sessions` option). */
  readonly maxSessions: number;
  /** Idle time after which a session without streams closes, in ms. */
  readonly idleTimeout: number;
  readonly transport: TransportSettings;
  /** Sends a request over HTTP/1.1 instead (the origin's server did not pick h2). */
  readonly fallback: (stream: H2Stream) => void;
}

const OFFER_BOTH = ['h2', 'http/1.1'] as const;
const OFFER_H2 = ['h2'] as const;

/**
 * The HTTP/2 sessions of one origin and the requests waiting for a slot on them, in order.
 *
 * Scheduling: a request takes a slot on the first session with room; when none has room it
 * waits, and a new session opens only if fewer than `maxSessions` are open and none is opening.
 * So a burst at a fresh origin opens one connection: on http (h2c) the first session is usable at
 * once (it may carry 100 streams until the server's SETTINGS say otherwise); on https the burst
 * waits for the one TLS handshake, whose ALPN answer decides for all of them. A server that picks
 * HTTP/1.1 makes the origin an HTTP/1.1 origin for the agent's life: its waiting requests, and all
 * later ones, go to the HTTP/1.1 pool.
 *
 * @internal
 */
export class H2Pool implements ConnectionOwner {
  /** True once the origin's server picked HTTP/1.1: requests bypass this pool. */
  isHTTP1 = false;
  readonly #origin: URL;
  readonly #settings: H2PoolSettings;
  // Sessions that take streams, oldest first (a session leaves at GOAWAY, close or error).
  readonly #connections: H2Connection[] = [];
  // Requests waiting for a slot, in arrival order, from #head on (entries before it are taken).
  #waiting: (H2Stream | undefined)[] = [];
  #head = 0;
  // True while a TLS socket is handshaking for a new session: no second one opens meanwhile.
  #isOpening = false;
  #closedWith: Error | undefined;

  constructor(origin: string, settings: H2PoolSettings) {
    this.#origin = new URL(origin);
    this.#settings = settings;
  }

  /** Sends `stream` on a session with room, or queues it until one has. */
  dispatch(stream: H2Stream): void {
    if (this.#closedWith !== undefined) {
      stream.fail(this.#closedWith);
      return;
    }
    if (this.#head === this.#waiting.length) {
      const connection = this.#roomy();
      if (connection !== undefined) {
        stream.start(connection);
        return;
      }
    }
    this.#waiting.push(stream);
    this.#grow();
  }

  freed(): void {
    this.#drain();
  }

  gone(connection: H2Connection): void {
    const index = this.#connections.indexOf(connection);
    if (index >= 0) this.#connections.splice(index, 1);
    this.#drain();
  }

  /** Fails the waiting requests and destroys the sessions (their streams fail with `reason`). */
  destroy(reason: Error): void {
    this.#closedWith = reason;
    this.#failWaiting(reason);
    for (const connection of [...this.#connections]) connection.destroy(reason);
  }

  #roomy(): H2Connection | undefined {
    for (const connection of this.#connections) if (connection.hasRoom) return connection;
    return undefined;
  }

  // Starts waiting requests while a session has room; opens another session when they wait.
  #drain(): void {
    while (this.#head < this.#waiting.length) {
      const connection = this.#roomy();
      if (connection === undefined) break;
      const stream = this.#waiting[this.#head] as H2Stream;
      this.#waiting[this.#head++] = undefined;
      stream.start(connection);
    }
    this.#compact();
    this.#grow();
  }

  #compact(): void {
    if (this.#head === this.#waiting.length) {
      this.#waiting = [];
      this.#head = 0;
    }
  }

  #grow(): void {
    if (this.#head === this.#waiting.length || this.#isOpening) return;
    if (this.#connections.length >= this.#settings.maxSessions || this.#roomy() !== undefined)
      return;
    this.#isOpening = true;
    const alpn = this.#settings.mode === 'prior-knowledge' ? OFFER_H2 : OFFER_BOTH;
    openSocket(this.#origin, this.#settings.transport, alpn, (error, socket, protocol) =>
      this.#opened(error, socket, protocol),
    );
  }

  #opened(error: Error | undefined, socket?: Socket, protocol?: Negotiated): void {
    this.#isOpening = false;
    if (this.#closedWith !== undefined) {
      socket?.destroy();
      return;
    }
    if (error !== undefined || socket === undefined) {
      // Nothing else will serve them soon: fail the waiting requests as a connect failure would.
      if (this.#connections.length === 0) this.#failWaiting(error ?? new Error('No socket'));
      else this.#drain();
      return;
    }
    if (protocol === 'http/1.1') {
      this.#useHTTP1(socket);
      return;
    }
    const connection = new H2Connection(this.#origin, socket, this, this.#settings.idleTimeout);
    this.#connections.push(connection);
    this.#drain();
  }

  // The server picked HTTP/1.1. Its socket is closed rather than handed to undici's pool (which
  // opens its own through its connector): one extra handshake, once per origin.
  #useHTTP1(socket: Socket): void {
    socket.destroy();
    if (this.#settings.mode === 'prior-knowledge') {
      this.#failWaiting(
        Object.assign(new Error(`The server of ${this.#origin.host} did not agree to HTTP/2`), {
          code: 'ERR_HTTP2_NOT_NEGOTIATED',
        }),
      );
      return;
    }
    this.isHTTP1 = true;
    const waiting = this.#takeWaiting();
    for (const stream of waiting) this.#settings.fallback(stream);
  }

  #failWaiting(error: Error): void {
    for (const stream of this.#takeWaiting()) stream.fail(error);
  }

  #takeWaiting(): H2Stream[] {
    const waiting = this.#waiting.slice(this.#head) as H2Stream[];
    this.#waiting = [];
    this.#head = 0;
    return waiting;
  }
}
