// biome-ignore-all lint/complexity/noThisInStatic: the static listeners are shared by every node:http2 object, whose `this` is that object (no closure per request); being static members, they may read its owner's private fields.
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  type ClientSessionOptions,
  connect,
  type OutgoingHttpHeaders,
  type Settings,
} from 'node:http2';
import type { Socket } from 'node:net';
import type { H2SessionContext } from '../observer.ts';
import { H2_CLIENT_LIMITS } from './h2-limits.ts';

// What a session may carry before the server's SETTINGS arrive: the value node:http2 (nghttp2)
// assumes, and the least RFC 9113 §6.5.2 recommends servers allow.
const INITIAL_MAX_STREAMS = 100;
// Flow-control windows: node:http2's default of 64 KiB per stream and per connection stalls a
// fan-out of larger bodies behind WINDOW_UPDATE round trips. A paused stream buffers at most its
// window.
const STREAM_WINDOW = 1024 * 1024;
const CONNECTION_WINDOW = 16 * 1024 * 1024;
// What every session asks of node:http2: the limits that cut off a hostile server
// (H2_CLIENT_LIMITS) and the stream window above.
const SESSION_OPTIONS: ClientSessionOptions = {
  ...H2_CLIENT_LIMITS,
  settings: { ...H2_CLIENT_LIMITS.settings, initialWindowSize: STREAM_WINDOW },
};

/** What a connection tells its pool. */
export interface ConnectionOwner {
  /** A stream of `connection` closed: it has room for one more. */
  freed(connection: H2Connection): void;
  /** `connection` takes no more streams (GOAWAY, closed, failed): forget it. */
  gone(connection: H2Connection): void;
}

// The number of the last session opened in this process (see H2Connection.id).
let lastId = 0;

const OWNER = Symbol('fanout.h2Connection');
interface OwnedSession extends ClientHttp2Session {
  [OWNER]: H2Connection;
}

/**
 * One HTTP/2 session (one connection) of an origin's pool, and how many streams it carries: at
 * most the server's `SETTINGS_MAX_CONCURRENT_STREAMS`. It keeps the process alive only while a
 * stream is open, and closes after `idleTimeout` ms without one. It is the context its streams
 * hand their handler's `onRequestStart` (for traces: which session, which stream).
 *
 * @internal
 */
export class H2Connection implements H2SessionContext {
  /** Its number, unique in the process, from 1 in the order sessions open (for traces). */
  readonly id = ++lastId;
  // Streams open on the session now; never above #capacity when the pool starts one.
  #active = 0;
  // The server's SETTINGS_MAX_CONCURRENT_STREAMS (INITIAL_MAX_STREAMS until its SETTINGS arrive).
  #capacity = INITIAL_MAX_STREAMS;
  // Streams ever started on the session: the first one opened it, the others reuse it.
  #started = 0;
  // True once the session takes no new streams (GOAWAY received, closed or failed).
  #isDraining = false;
  // The last stream id of the server's GOAWAY, once one came: the streams above it were not
  // processed, whatever the GOAWAY's error code (RFC 9113 §6.8).
  #goawayLastStreamId = Number.POSITIVE_INFINITY;
  readonly #session: OwnedSession;
  readonly #owner: ConnectionOwner;

  constructor(origin: URL, socket: Socket, owner: ConnectionOwner, idleTimeout: number) {
    this.#owner = owner;
    const session = connect(origin, {
      ...SESSION_OPTIONS,
      createConnection: () => socket,
    }) as OwnedSession;
    this.#session = session;
    session[OWNER] = this;
    session.on('connect', H2Connection.#onConnect);
    session.on('remoteSettings', H2Connection.#onRemoteSettings);
    session.on('goaway', H2Connection.#onGoaway);
    session.on('close', H2Connection.#onGone);
    // A failing session fails its streams with the same error; they report it.
    session.on('error', H2Connection.#onGone);
    session.setTimeout(idleTimeout, H2Connection.#onIdle);
    session.unref();
  }

  /** Whether a new stream may start on this session now. */
  get hasRoom(): boolean {
    return !this.#isDraining && this.#active < this.#capacity;
  }

  /**
   * The id node:http2 gives the next stream started here: a client's streams are odd, from 1,
   * in the order they start (RFC 9113 §5.1.1).
   */
  get nextStreamId(): number {
    return 2 * this.#started + 1;
  }

  /** Whether the server's GOAWAY said the stream `streamId` was not processed (it is above its last). */
  isBeyondGoaway(streamId: number): boolean {
    return streamId > this.#goawayLastStreamId;
  }

  /**
   * Starts a stream with the header block `headers` (see `h2Headers`); throws when node:http2
   * closed the session meanwhile.
   */
  request(headers: OutgoingHttpHeaders, endStream: boolean): ClientHttp2Stream {
    const stream = this.#session.request(headers, { endStream });
    if (this.#active++ === 0) this.#session.ref();
    this.#started++;
    return stream;
  }

  /** One of this session's streams closed. */
  streamClosed(): void {
    if (--this.#active === 0) this.#session.unref();
    this.#owner.freed(this);
  }

  /** Destroys the session: its streams fail with `reason`. */
  destroy(reason: Error): void {
    this.#drain();
    this.#session.destroy(reason);
  }

  #drain(): void {
    if (this.#isDraining) return;
    this.#isDraining = true;
    this.#owner.gone(this);
  }

  static #onConnect(this: OwnedSession) {
    this.setLocalWindowSize(CONNECTION_WINDOW);
  }

  static #onRemoteSettings(this: OwnedSession, settings: Settings) {
    const connection = this[OWNER];
    connection.#capacity = settings.maxConcurrentStreams ?? connection.#capacity;
    connection.#owner.freed(connection);
  }

  static #onGoaway(this: OwnedSession, _code: number, lastStreamId: number) {
    this[OWNER].#goawayLastStreamId = lastStreamId;
    this[OWNER].#drain();
  }

  static #onGone(this: OwnedSession) {
    this[OWNER].#drain();
  }

  static #onIdle(this: OwnedSession) {
    const connection = this[OWNER];
    if (connection.#active > 0) return;
    connection.#drain();
    this.close();
  }
}
