import type { Config } from './config.ts';
import type { Dispatchers } from './dispatchers.ts';
import type { WireOptions } from './transport.ts';

/**
 * The {@link WireOptions} of a session's calls: its pool, per-phase timeouts, body limit and
 * decoding. A call that keeps the session's settings shares one of two objects made once
 * (buffered, streamed); a call that overrides one of them gets wire options of its own.
 *
 * @internal
 */
export class SessionWire {
  readonly #dispatchers: Dispatchers;
  // The session's config: the settings the two shared objects are made of.
  readonly #config: Config;
  // Tells an exchange whether the session was closed; one function for all of them.
  readonly #isClosed: () => boolean;
  // Wire options of the calls that use the session's settings as they are: [buffered, streamed].
  readonly #shared: readonly [WireOptions, WireOptions];

  constructor(dispatchers: Dispatchers, config: Config, isClosed: () => boolean) {
    this.#dispatchers = dispatchers;
    this.#config = config;
    this.#isClosed = isClosed;
    this.#shared = [this.#make(config, false), this.#make(config, true)];
  }

  /** The wire options of a call with `config` (the session's with the call's options merged). */
  of(config: Config, isStream: boolean): WireOptions {
    return sharesWire(config, this.#config)
      ? this.#shared[isStream ? 1 : 0]
      : this.#make(config, isStream);
  }

  #make(config: Config, stream: boolean): WireOptions {
    return {
      dispatcher: this.#dispatchers.get(config.transport),
      headersTimeout: config.timeout.headers,
      bodyTimeout: config.timeout.body,
      connectTimeout: config.timeout.connect,
      maxBodySize: config.maxBodySize,
      decompress: config.decompress,
      stream,
      buffersRedirects: stream && config.maxRedirects > 0,
      isClosed: this.#isClosed,
    };
  }
}

// Whether a call's config needs no wire options of its own: the settings they are made of
// (merge() keeps those objects when a call does not override them) are the session's.
function sharesWire(config: Config, session: Config): boolean {
  return (
    config === session ||
    (config.transport === session.transport &&
      config.timeout === session.timeout &&
      config.maxBodySize === session.maxBodySize &&
      config.decompress === session.decompress &&
      config.maxRedirects > 0 === session.maxRedirects > 0)
  );
}
