import type { Dispatcher } from 'undici';
import type { TransportSettings } from '../config.ts';
import type { RequestDispatchOptions } from '../dispatch-options.ts';
import { H2Pool, type H2PoolSettings } from './h2-pool.ts';
import { H2Stream } from './h2-stream.ts';
import type { HTTP2Mode } from './http2-mode.ts';

/** The HTTP/2 settings of a session: the `http2` and `http2Sessions` options, and its idle time. */
export interface H2Settings {
  readonly mode: Exclude<HTTP2Mode, false>;
  readonly maxSessions: number;
  readonly idleTimeout: number;
}

/**
 * A dispatcher that sends requests over HTTP/2 on node:http2, one {@link H2Pool} per origin, and
 * over HTTP/1.1 through `http1` (undici's pool) where HTTP/2 is not spoken: http origins unless
 * the mode is `'prior-knowledge'`, and origins whose server picked HTTP/1.1 by ALPN. It runs the
 * same dispatch handlers as undici (the exchange of `http/transport.ts`), so everything above the
 * transport is the same for both protocols.
 *
 * @internal
 */
export class H2Agent {
  readonly #http1: Dispatcher;
  readonly #settings: H2PoolSettings;
  // The pool of each origin seen so far (an HTTP/1.1 origin keeps one that says so).
  readonly #pools = new Map<string, H2Pool>();
  // Set by destroy(): a pool made later fails its requests with it.
  #closedWith: Error | undefined;

  constructor(settings: H2Settings, transport: TransportSettings, http1: Dispatcher) {
    this.#http1 = http1;
    this.#settings = {
      ...settings,
      transport,
      fallback: (stream) => stream.redispatch(http1),
    };
  }

  dispatch(options: RequestDispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const origin = options.origin as string;
    const pool = this.#pools.get(origin) ?? this.#add(origin);
    if (pool.isHTTP1) return this.#http1.dispatch(options, handler);
    pool.dispatch(new H2Stream(options, handler));
    return true;
  }

  /** Destroys every session and the HTTP/1.1 pool; requests in flight fail with `reason`. */
  async destroy(reason: Error): Promise<void> {
    this.#closedWith = reason;
    for (const pool of this.#pools.values()) pool.destroy(reason);
    await this.#http1.destroy(reason);
  }

  #add(origin: string): H2Pool {
    const pool = new H2Pool(origin, this.#settings);
    if (origin.startsWith('http:') && this.#settings.mode !== 'prior-knowledge')
      pool.isHTTP1 = true;
    if (this.#closedWith !== undefined) pool.destroy(this.#closedWith);
    this.#pools.set(origin, pool);
    return pool;
  }
}
