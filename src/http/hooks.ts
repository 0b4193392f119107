import type { PreparedRequest } from './prepared-request.ts';
import type { Response } from './response.ts';

/** State of a {@link BeforeRequestHook}. */
export interface BeforeRequestState {
  /** The request about to go on the wire (each redirect hop and each retry); mutate its headers freely. */
  readonly request: PreparedRequest;
}

/** State of a {@link BeforeRedirectHook}. */
export interface BeforeRedirectState {
  /** The 3xx response being followed. */
  readonly response: Response;
  /** The next request, already rewritten for the new location; mutate it freely. */
  readonly request: PreparedRequest;
}

/** State of a {@link BeforeRetryHook}. */
export interface BeforeRetryState {
  /** The request that will be sent again. */
  readonly request: PreparedRequest;
  /** The retryable response, when the attempt got one. */
  readonly response: Response | undefined;
  /** The retryable error, when the attempt failed. */
  readonly error: Error | undefined;
  /** The number of the retry about to happen: 1 for the first. */
  readonly retryCount: number;
  /** The delay scheduled before it, in ms (backoff with full jitter, or `Retry-After`). */
  readonly delay: number;
}

/** State of an {@link AfterResponseHook}. */
export interface AfterResponseState {
  /** The final response (after redirects and retries). */
  readonly response: Response;
}

/** Runs before each request goes on the wire. */
export type BeforeRequestHook = (state: BeforeRequestState) => void | Promise<void>;
/** Runs before a redirect is followed. Throw to stop following. */
export type BeforeRedirectHook = (state: BeforeRedirectState) => void | Promise<void>;
/** Runs before a retry is scheduled. Throw to stop retrying (the error fails the call). */
export type BeforeRetryHook = (state: BeforeRetryState) => void | Promise<void>;
/** Runs on the final response; may return a replacement. An error thrown fails the call. */
export type AfterResponseHook = (
  state: AfterResponseState,
) => Response | undefined | void | Promise<Response | undefined> | Promise<void>;

/** Lifecycle hooks. Lists given to the session and to a request run one after the other. */
export interface Hooks {
  /** Run before each request goes on the wire (each hop, each retry). */
  beforeRequest: readonly BeforeRequestHook[];
  /** Run before a redirect is followed. */
  beforeRedirect: readonly BeforeRedirectHook[];
  /** Run before the backoff of a retry. */
  beforeRetry: readonly BeforeRetryHook[];
  /** Run on the final response; one may return a replacement. */
  afterResponse: readonly AfterResponseHook[];
}

/**
 * Runs the `name` hooks of `hooks` one after the other, each awaited, with `state`.
 *
 * @internal
 */
export async function runHooks<K extends keyof Hooks>(
  hooks: Hooks | undefined,
  name: K,
  state: Parameters<Hooks[K][number]>[0],
): Promise<void> {
  if (hooks === undefined) return;
  for (const hook of hooks[name]) await (hook as (state: unknown) => unknown)(state);
}
