import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Agent, buildConnector, type Dispatcher, errors, ProxyAgent } from 'undici';
import { startTimer } from '../core/timers.ts';
import type { TransportSettings } from './config.ts';
import type { RequestDispatchOptions } from './dispatch-options.ts';
import { H2Agent, type H2Settings } from './h2/h2-agent.ts';

/** Pool settings shared by every dispatcher of a session. */
export interface PoolSettings {
  readonly connections: number;
  readonly keepAliveTimeout: number;
  readonly pipelining: number;
  /** HTTP/2 (the `http2` option), or undefined for HTTP/1.1 only. */
  readonly http2: H2Settings | undefined;
}

/**
 * What an exchange sends on: undici's pool (HTTP/1.1) or the {@link H2Agent} in front of it, both
 * running undici's dispatch handlers.
 */
export interface WireDispatcher {
  dispatch(options: RequestDispatchOptions, handler: Dispatcher.DispatchHandler): boolean;
  destroy(reason: Error): Promise<void>;
}

function keyOf(settings: TransportSettings): string {
  return JSON.stringify(settings, (_key, value) =>
    Buffer.isBuffer(value) ? value.toString('base64') : value instanceof URL ? value.href : value,
  );
}

// When each socket opened by a session's connector finished its TCP connect (`performance.now()`);
// for a TLS socket the handshake follows. Read by tracing to split TLS out of the connect phase.
const tcpConnected = new WeakMap<Socket, number>();

/** When `socket` (opened by a session) finished its TCP connect, in `performance.now()` time. */
export function tcpConnectedAt(socket: Socket): number | undefined {
  return tcpConnected.get(socket);
}

/**
 * undici's connector, noting when each socket's TCP connect ends (see {@link tcpConnectedAt}),
 * with a connect timeout that fires on time: undici's own timer ticks at about one second, so a
 * 200 ms limit would pass after a second. The socket is destroyed at expiry.
 */
function connector(
  tls: buildConnector.BuildOptions,
  ms: number | undefined,
): buildConnector.connector {
  const connect = buildConnector({ ...tls, timeout: 0 });
  return (options, callback) => {
    let socket: Socket | undefined;
    const timer =
      ms === undefined
        ? undefined
        : startTimer(ms, () => {
            const where = `${options.hostname}:${options.port}`;
            socket?.destroy(
              new errors.ConnectTimeoutError(`Connect timeout (${where}, timeout: ${ms} ms)`),
            );
          });
    try {
      // buildConnector's connect returns the socket it opens (its type says `void`).
      socket = connect(options, (...args) => {
        clearTimeout(timer);
        callback(...args);
      }) as unknown as Socket | undefined;
    } catch (error) {
      clearTimeout(timer);
      throw error;
    }
    const opened = socket;
    opened?.once('connect', () => tcpConnected.set(opened, performance.now()));
  };
}

/**
 * undici's ProxyAgent writes a `host` header into the headers object it is given; request headers
 * may be shared (and frozen) session headers, so it gets a copy.
 */
class ProxyDispatcher extends ProxyAgent {
  override dispatch(
    options: Dispatcher.DispatchOptions,
    handler: Dispatcher.DispatchHandler,
  ): boolean {
    const copy = Object.assign(Object.create(null), options, { headers: { ...options.headers } });
    return super.dispatch(copy, handler);
  }
}

/**
 * Keys of the socket options undici's connector and Node's `net.connect`/`tls.connect` read that
 * fanout has no option for: given as own `undefined` values, so a polluted `Object.prototype`
 * (an aborted `signal`, a `socketPath`, a `lookup`, TLS material) cannot answer them. The options
 * undici builds from ours are spreads of them, which keep own keys. (Not keys that Node fills
 * with a default before spreading the caller's, such as `checkServerIdentity`.)
 */
export const UNSET_SOCKET_OPTIONS: Readonly<Record<string, undefined>> = Object.fromEntries(
  [
    'socketPath',
    'session',
    'maxCachedSessions',
    'allowH2',
    'useH2c',
    'signal',
    'lookup',
    'family',
    'hints',
    'localAddress',
    'localPort',
    'path',
    'fd',
    'onread',
    'pfx',
    'passphrase',
    'crl',
    'secureContext',
    'servername',
  ].map((key) => [key, undefined]),
);

function create(settings: TransportSettings, pool: PoolSettings): WireDispatcher {
  const tls = {
    ...UNSET_SOCKET_OPTIONS,
    ca: settings.ca as string | Buffer | (string | Buffer)[] | undefined,
    cert: settings.cert,
    key: settings.key,
    rejectUnauthorized: settings.rejectUnauthorized,
  };
  // undici prefers a server's `Keep-Alive: timeout=…` hint to keepAliveTimeout, bounded only by
  // keepAliveMaxTimeout (600 s by default): bounding it too keeps keepAliveTimeout a maximum.
  const pooling = {
    connections: pool.connections,
    keepAliveTimeout: pool.keepAliveTimeout,
    pipelining: pool.pipelining,
    keepAliveMaxTimeout: pool.keepAliveTimeout,
  };
  const proxy = settings.proxy;
  if (proxy === undefined) {
    const http1 = new Agent({ ...pooling, connect: connector(tls, settings.connectTimeout) });
    return pool.http2 === undefined ? http1 : new H2Agent(pool.http2, settings, http1);
  }
  const uri = typeof proxy === 'object' && !(proxy instanceof URL) ? proxy.uri : proxy;
  const token = typeof proxy === 'object' && !(proxy instanceof URL) ? proxy.token : undefined;
  return new ProxyDispatcher({
    ...pooling,
    uri: String(uri),
    ...(token !== undefined && { token }),
    requestTls: tls,
    proxyTls: { timeout: settings.connectTimeout ?? 0 },
  });
}

/**
 * The dispatchers of one session: one keep-alive pool per distinct transport setting (TLS, proxy,
 * connect timeout). Requests that override none of them share the session's pool. With `http2`
 * on, each pool without a proxy is an {@link H2Agent} in front of undici's (HTTP/2 through a proxy
 * is not supported: those requests stay on HTTP/1.1).
 */
export class Dispatchers {
  readonly #pool: PoolSettings;
  // Dispatchers by settings object (fast path) and by settings value (per-request overrides).
  readonly #byObject = new WeakMap<TransportSettings, WireDispatcher>();
  readonly #byKey = new Map<string, WireDispatcher>();

  constructor(pool: PoolSettings) {
    this.#pool = pool;
  }

  /** The dispatcher for `settings`, created on first use. */
  get(settings: TransportSettings): WireDispatcher {
    let dispatcher = this.#byObject.get(settings);
    if (dispatcher !== undefined) return dispatcher;
    const key = keyOf(settings);
    dispatcher = this.#byKey.get(key);
    if (dispatcher === undefined) {
      dispatcher = create(settings, this.#pool);
      this.#byKey.set(key, dispatcher);
    }
    this.#byObject.set(settings, dispatcher);
    return dispatcher;
  }

  /** Destroys every pool; requests in flight fail with `reason`. */
  async destroy(reason: Error): Promise<void> {
    const all = [...this.#byKey.values()];
    this.#byKey.clear();
    await Promise.all(all.map((dispatcher) => dispatcher.destroy(reason)));
  }
}
