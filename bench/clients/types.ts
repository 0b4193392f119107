/** One client under test, opened against the backend with a concurrency limit. */
export interface Client {
  readonly name: string;
  /**
   * Sends one GET of `path` and reads the whole body. A `PromiseLike` so a future (fanout's
   * `Future<Response>`) can be handed back as it is, the way its users await it.
   */
  get(path: string): PromiseLike<unknown>;
  /**
   * Whether `get` bounds the requests in flight to the limit by itself and queues the rest (an
   * executor such as a `FuturesSession`): W3 then submits every request at once. Otherwise W3
   * puts the client behind the bare promise queue of bench/promise-queue.ts.
   */
  readonly queues?: boolean;
  close(): Promise<void>;
}

/** A client that may be missing on this machine; `open` creates one with its own pool. */
export interface ClientFactory {
  /** A short key, used on the command line of bench/w3-child.ts. */
  readonly id: string;
  readonly name: string;
  /** Why it cannot run here (e.g. "not installed: …", "not available yet"), or undefined. */
  readonly unavailable?: () => Promise<string | undefined>;
  open(origin: string, limit: number): Promise<Client>;
}

/**
 * A client of W6's origin over TLS: a {@link ClientFactory} whose `open` (and `unavailable`) also
 * get the PEM certificate to trust, the backend's self-signed one.
 */
export interface SecureClientFactory {
  readonly id: string;
  readonly name: string;
  readonly unavailable?: (ca: string) => Promise<string | undefined>;
  open(origin: string, limit: number, ca: string): Promise<Client>;
}
