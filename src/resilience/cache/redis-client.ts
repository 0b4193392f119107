import { connect, type Socket } from 'node:net';
import { checkInteger, checkPositiveNumber } from '../../core/checks.ts';
import { startTimer } from '../../core/timers.ts';
import { checkKnownOptions, fail, ownOptions } from '../../core/validate.ts';
import { CacheStoreError } from '../../errors/cache-store-error.ts';
import { REDIS_CLIENT_OPTIONS } from '../known-options.ts';
import { encodeCommand, RespErrorReply, RespParser, type RespValue } from './resp.ts';

/** Options of fanout's Redis connection (a {@link RedisStore} takes them all). */
export interface RedisClientOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 6379 */
  port?: number;
  /** Sent with `AUTH` on every new connection. */
  password?: string;
  /** The database, selected on every new connection. @default 0 */
  db?: number;
  /** How long connecting may take, in ms. @default 1_000 */
  connectTimeout?: number;
  /** How long a command may wait for its reply, in ms; then the connection is dropped. @default 500 */
  commandTimeout?: number;
  /**
   * After a failure, commands fail at once for this long (ms) before a reconnect is tried; the
   * delay doubles on each failure in a row up to `maxReconnectDelay`. @default 100
   */
  reconnectDelay?: number;
  /** @default 5_000 */
  maxReconnectDelay?: number;
}

type Normalized = Required<Omit<RedisClientOptions, 'password'>> & { password: string | undefined };

/** A command on the wire, waiting for its reply. */
interface Pending {
  readonly name: string;
  readonly resolve: (value: RespValue) => void;
  readonly reject: (error: CacheStoreError) => void;
}

/**
 * The connection's state. `down` remembers a failure: commands fail fast until `retryAt`, then
 * the next command reconnects (nothing reconnects in the background, so an idle client holds no
 * timer).
 */
type State =
  | { readonly kind: 'idle' }
  | { readonly kind: 'open'; readonly socket: Socket; readonly parser: RespParser }
  | { readonly kind: 'down'; readonly retryAt: number; readonly reason: CacheStoreError }
  | { readonly kind: 'closed' };

/**
 * A minimal Redis client over `node:net` speaking RESP2: commands are pipelined on one
 * connection (written at once, replies matched in order), every command is bounded by
 * `commandTimeout`, and a lost connection fails the commands in flight, then is re-opened by a
 * later command after a backoff. It never queues work while Redis is down: callers get a
 * {@link CacheStoreError} at once, so a cache in front of it degrades to misses instead of
 * hanging.
 */
export class RedisClient {
  readonly #options: Normalized;
  #state: State = { kind: 'idle' };
  // Commands written to the current socket, oldest first: replies arrive in this order.
  #pending: Pending[] = [];
  // Failures in a row since the last successful connect; sets the reconnect delay.
  #failures = 0;
  // Whether the socket is corked until the next tick (commands of one tick go in one write).
  #isCorked = false;

  constructor(given: RedisClientOptions = {}) {
    if (typeof given !== 'object' || given === null) fail('options', 'an object', given);
    const options = ownOptions(given);
    checkKnownOptions(options, REDIS_CLIENT_OPTIONS);
    if (options.host !== undefined && (typeof options.host !== 'string' || options.host === '')) {
      fail('host', 'a non-empty string', options.host);
    }
    if (options.password !== undefined && typeof options.password !== 'string') {
      fail('password', 'a string', '[REDACTED]');
    }
    const port = checkInteger('port', options.port ?? 6379, 1);
    if (port > 65_535) fail('port', 'an integer from 1 to 65535', port);
    this.#options = {
      host: options.host ?? '127.0.0.1',
      port,
      password: options.password,
      db: checkInteger('db', options.db ?? 0, 0),
      connectTimeout: checkPositiveNumber('connectTimeout', options.connectTimeout ?? 1_000),
      commandTimeout: checkPositiveNumber('commandTimeout', options.commandTimeout ?? 500),
      reconnectDelay: checkPositiveNumber('reconnectDelay', options.reconnectDelay ?? 100, true),
      maxReconnectDelay: checkPositiveNumber(
        'maxReconnectDelay',
        options.maxReconnectDelay ?? 5_000,
        true,
      ),
    };
  }

  /** `host:port`, for messages. */
  get address(): string {
    return `${this.#options.host}:${this.#options.port}`;
  }

  /**
   * Sends a command and resolves with its reply.
   * @throws {CacheStoreError} when Redis is unreachable, down, too slow, or replies with an error.
   */
  command(args: readonly [string, ...(string | Uint8Array)[]]): Promise<RespValue> {
    const name = args[0];
    const state = this.#open(name);
    if (!('socket' in state)) return Promise.reject(state.reason);
    return new Promise<RespValue>((resolve, reject) => {
      const timer = startTimer(this.#options.commandTimeout, () =>
        this.#fail(state.socket, `${name} timed out after ${this.#options.commandTimeout} ms`),
      );
      this.#pending.push({
        name,
        resolve: (value) => {
          clearTimeout(timer);
          if (value instanceof RespErrorReply)
            reject(this.#error(`${name} failed: ${value.message}`));
          else resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.#write(state.socket, encodeCommand(args));
    });
  }

  /** Closes the connection; commands in flight and later ones fail with {@link CacheStoreError}. */
  async close(): Promise<void> {
    const state = this.#state;
    this.#state = { kind: 'closed' };
    if (state.kind !== 'open') return;
    this.#rejectAll(this.#error('the client was closed'));
    // destroy, not end: a socket still connecting (or to a hung Redis) would never finish ending.
    await new Promise<void>((resolve) => {
      state.socket.once('close', () => resolve());
      state.socket.destroy();
    });
  }

  // The open connection (opened now if needed), or why there is none.
  #open(name: string): { readonly socket: Socket } | { readonly reason: CacheStoreError } {
    const state = this.#state;
    switch (state.kind) {
      case 'open':
        return state;
      case 'closed':
        return { reason: this.#error(`${name} after close()`) };
      case 'down':
        if (Date.now() < state.retryAt) return state;
        return this.#connect();
      case 'idle':
        return this.#connect();
    }
  }

  #connect(): { readonly socket: Socket } {
    const { host, port, password, db, connectTimeout } = this.#options;
    const socket = connect({ host, port, noDelay: true });
    socket.unref();
    const parser = new RespParser();
    this.#state = { kind: 'open', socket, parser };
    const timer = startTimer(connectTimeout, () =>
      this.#fail(socket, `connecting took over ${connectTimeout} ms`),
    );
    socket.once('connect', () => {
      clearTimeout(timer);
      this.#failures = 0;
    });
    socket.on('data', (chunk: Buffer) => this.#receive(socket, parser, chunk));
    socket.on('error', (error) => this.#fail(socket, error.message));
    socket.on('close', () => {
      clearTimeout(timer);
      this.#fail(socket, 'the connection closed');
    });
    // The handshake is pipelined ahead of the first command; a failure drops the connection.
    if (password !== undefined) this.#handshake(socket, ['AUTH', password]);
    if (db !== 0) this.#handshake(socket, ['SELECT', String(db)]);
    return { socket };
  }

  #handshake(socket: Socket, args: readonly [string, ...string[]]): void {
    const name = args[0];
    const drop = (message: string) => this.#fail(socket, `${name} failed: ${message}`);
    this.#pending.push({
      name,
      resolve: (value) => {
        if (value instanceof RespErrorReply) drop(value.message);
      },
      reject: () => {},
    });
    this.#write(socket, encodeCommand(args));
  }

  #write(socket: Socket, bytes: Buffer): void {
    if (!this.#isCorked) {
      this.#isCorked = true;
      socket.cork();
      process.nextTick(() => {
        this.#isCorked = false;
        socket.uncork();
      });
    }
    socket.write(bytes);
  }

  #receive(socket: Socket, parser: RespParser, chunk: Buffer): void {
    let replies: RespValue[];
    try {
      replies = parser.push(chunk);
    } catch (error) {
      this.#fail(socket, (error as Error).message);
      return;
    }
    for (const reply of replies) {
      const pending = this.#pending.shift();
      if (pending === undefined) {
        this.#fail(socket, 'a reply arrived that no command asked for');
        return;
      }
      pending.resolve(reply);
    }
  }

  // Drops `socket` (if it is still the current one): its commands fail, commands fail fast
  // for the reconnect delay, then the next command reconnects.
  #fail(socket: Socket, why: string): void {
    const state = this.#state;
    if (state.kind !== 'open' || state.socket !== socket) return;
    const reason = this.#error(why);
    const { reconnectDelay, maxReconnectDelay } = this.#options;
    const delay = Math.min(maxReconnectDelay, reconnectDelay * 2 ** this.#failures);
    this.#failures++;
    this.#state = { kind: 'down', retryAt: Date.now() + delay, reason };
    socket.destroy();
    this.#rejectAll(reason);
  }

  #rejectAll(reason: CacheStoreError): void {
    const pending = this.#pending;
    this.#pending = [];
    for (const command of pending) command.reject(reason);
  }

  #error(why: string): CacheStoreError {
    return new CacheStoreError(`Redis at ${this.address}: ${why}`);
  }
}
