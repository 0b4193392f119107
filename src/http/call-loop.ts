import { performance } from 'node:perf_hooks';
import { HTTPError } from '../errors/http-error.ts';
import { RequestError } from '../errors/request-error.ts';
import { type Retries, type RetryStop, withRetries } from '../errors/retries.ts';
import { SessionClosedError } from '../errors/session-closed-error.ts';
import type { Call } from './call.ts';
import type { Config } from './config.ts';
import type { Cookies } from './cookies.ts';
import { type Hooks, runHooks } from './hooks.ts';
import { type CallObserver, observation } from './observer.ts';
import type { PlannedCall } from './planned-call.ts';
import type { PolicyChain } from './policy-chain.ts';
import type { PreparedRequest } from './prepared-request.ts';
import { nextHop, redirectTarget } from './redirect-step.ts';
import type { Response } from './response.ts';
import { OUT_OF_TIME, retryDelay } from './retry-decision.ts';
import { Exchange } from './transport.ts';
import { needsWireCopy, wireRequest } from './wire-request.ts';

/**
 * The attempt loop of one session's calls: redirect hops (outer) and the retries of a hop (inner)
 * in one loop, so a request that needs neither costs a single async frame. Each turn builds the
 * request that goes on the wire (`wire-request.ts`: the jar's cookies, signing, `beforeRequest`),
 * runs one exchange — through the session's policies when it has some — and stores the cookies
 * the response sets; then `retry-decision.ts` decides whether the outcome is retried (the
 * policies may veto it), and `redirect-step.ts` whether a final response leads to another hop.
 * It is also where the session's calls meet tracing ({@link CallLoop.observe}), and it stops the
 * calls asleep in a backoff when the session closes.
 *
 * A hop that was retried (or whose retry the call's time or a policy stopped) ends telling so: its
 * final response gets `retries` (a {@link Retries}: attempts, duration, the failures retried, why
 * it stopped), and the error it ends with is remade by `withRetries` to say the same in its
 * message and fields. The counts are per hop, as the retry limit is; the loop keeps nothing for a
 * hop at its first attempt beyond a counter. One loop per session, made with it: a call
 * allocates nothing for it.
 *
 * @internal
 */
export class CallLoop {
  // The session's cookie jar (undefined without one): read before each attempt, fed after it.
  readonly #cookies: Cookies | undefined;
  // The `policies` option sorted by hook; undefined without policies (the loop then skips them).
  readonly #policies: PolicyChain | undefined;
  // Whether the session was closed: a call about to sleep a backoff then stops instead.
  readonly #isClosed: () => boolean;
  // The session's `telemetry` option: whether OpenTelemetry may observe its calls.
  readonly #telemetry: boolean;
  // Calls waiting out a retry backoff: stopBackoffs() stops them at once.
  readonly #sleeping = new Set<Call>();

  constructor(
    cookies: Cookies | undefined,
    policies: PolicyChain | undefined,
    telemetry: boolean,
    isClosed: () => boolean,
  ) {
    this.#cookies = cookies;
    this.#policies = policies;
    this.#telemetry = telemetry;
    this.#isClosed = isClosed;
  }

  /**
   * The observer of a call about to be made, from the tracing layers installed in the observer
   * seam (`observer.ts`), asked in the caller's context; `undefined` when nothing traces it.
   */
  observe(request: PreparedRequest): CallObserver | undefined {
    return observation.observe?.(request, this.#telemetry);
  }

  /** Runs the planned call as `call` until its final response, which it resolves with. */
  async run(plan: PlannedCall, call: Call): Promise<Response> {
    const { config, wire } = plan;
    const authOrigin = plan.request.origin;
    let hop = plan.request;
    let history: Response[] | undefined;
    // The current hop's attempts: how many went on the wire, when the first started, the failures
    // retried (undefined until one is; its length is the retries decided) and why it stopped early.
    let attempts = 0;
    let hopStartedAt = call.startedAt;
    let retried: Error[] | undefined;
    let stoppedBy: RetryStop | undefined;
    const policies = this.#policies;
    try {
      policies?.started(call);
      for (;;) {
        call.check();
        const retryCount = retried?.length ?? 0;
        const jarCookie = this.#cookies?.headerFor(hop.url) ?? '';
        // An observer that propagates trace context writes headers: it gets a copy.
        const request = needsWireCopy(hop, config, authOrigin, jarCookie)
          ? await wireRequest(hop, config, authOrigin, jarCookie)
          : call.observer?.propagates === true
            ? hop.copy()
            : hop;
        let response: Response | undefined;
        let error: unknown;
        attempts++;
        try {
          response = await (policies === undefined
            ? call.run(new Exchange(request, wire, call.observer?.attempt(request)))
            : policies.attempt(call, wire, request, retryCount));
        } catch (failure) {
          error = failure;
        }
        if (response !== undefined) this.#storeCookies(request, response);
        let delay =
          config.retry === undefined
            ? undefined
            : retryDelay(call, request, config.retry, retryCount, response, error);
        if (delay === OUT_OF_TIME) {
          // The call's deadline is the propagated one when that is the sooner, else its total.
          stoppedBy = call.deadline === plan.deadline ? 'deadline' : 'timeout.total';
          delay = undefined;
        } else if (
          delay !== undefined &&
          policies?.allowsRetry(call, request, response, error, retryCount + 1) === false
        ) {
          stoppedBy = 'policy';
          delay = undefined;
        }
        if (delay !== undefined) {
          retried ??= [];
          retried.push(response === undefined ? (error as Error) : new HTTPError(response));
          await this.#beforeRetry(call, config, request, response, error, retryCount + 1, delay);
          continue;
        }
        if (response === undefined) throw error;
        if (retried !== undefined || stoppedBy !== undefined) {
          response.retries = retriesOf(attempts, hopStartedAt, retried, stoppedBy);
        }
        const location = redirectTarget(config, response);
        if (location === undefined) {
          if (history !== undefined) response.history = history;
          if (config.hooks?.afterResponse.length) {
            response = await afterResponse(config.hooks.afterResponse, response);
          }
          call.observer?.ended(response, undefined);
          return response;
        }
        history ??= [];
        hop = nextHop(hop, response, location, history, config.maxRedirects);
        call.request = hop;
        attempts = 0;
        hopStartedAt = performance.now();
        retried = undefined;
        stoppedBy = undefined;
        await runHooks(config.hooks, 'beforeRedirect', { response, request: hop });
      }
    } catch (error) {
      const failure =
        retried === undefined && stoppedBy === undefined
          ? error
          : afterRetries(error, retriesOf(attempts, hopStartedAt, retried, stoppedBy));
      call.observer?.ended(undefined, failure);
      throw failure;
    } finally {
      call.dispose();
    }
  }

  /**
   * Stops every call waiting out a retry backoff, or held back by a policy (a rate limit's queue),
   * with `reason` (the session is closing).
   */
  stopBackoffs(reason: Error): void {
    for (const call of this.#sleeping) call.stop(reason);
    this.#policies?.stopHeld(reason);
  }

  #storeCookies(request: PreparedRequest, response: Response): void {
    const setCookie = response.headers['set-cookie'];
    if (setCookie !== undefined) this.#cookies?.store(request.url, setCookie);
  }

  // Discards the unread body of the outcome being retried, runs beforeRetry, sleeps the delay.
  async #beforeRetry(
    call: Call,
    config: Config,
    request: PreparedRequest,
    response: Response | undefined,
    error: unknown,
    retryCount: number,
    delay: number,
  ): Promise<void> {
    response?.body?.resume();
    await runHooks(config.hooks, 'beforeRetry', {
      request,
      response,
      error: error as Error | undefined,
      retryCount,
      delay,
    });
    await this.#sleep(call, delay);
  }

  async #sleep(call: Call, ms: number): Promise<void> {
    // close() may have run while the beforeRetry hooks did: then there is no backoff to wait.
    if (this.#isClosed())
      call.stop(new SessionClosedError('The session was closed', { request: call.request }));
    this.#sleeping.add(call);
    try {
      await call.sleep(ms);
    } finally {
      this.#sleeping.delete(call);
    }
  }
}

// Runs the afterResponse hooks on the final response; each may replace it.
async function afterResponse(hooks: Hooks['afterResponse'], final: Response): Promise<Response> {
  let response = final;
  for (const hook of hooks) response = (await hook({ response })) ?? response;
  return response;
}

// What the attempts of a hop came to, `attempts` of them since `startedAt`, as plain frozen data.
function retriesOf(
  attempts: number,
  startedAt: number,
  retried: Error[] | undefined,
  stoppedBy: RetryStop | undefined,
): Retries {
  return Object.freeze({
    attempts,
    duration: Math.round(performance.now() - startedAt),
    errors: Object.freeze(retried ?? []),
    stoppedBy,
  });
}

// The error a retried hop ends with: a fanout request error says what the attempts came to; one
// that already does (an HTTPError of the final response, from an afterResponse hook) and any
// other error (a hook's own) are thrown as they are.
function afterRetries(error: unknown, retries: Retries): unknown {
  if (!(error instanceof RequestError) || Object.hasOwn(error, 'attempts')) return error;
  return withRetries(error, retries);
}
