import { checkBoolean, checkFunction, checkInteger, checkPositiveNumber } from '../core/checks.ts';
import { checkKnownOptions, fail, ownOptions } from '../core/validate.ts';
import { CancelledError } from '../errors/cancelled-error.ts';
import { CircuitOpenError } from '../errors/circuit-open-error.ts';
import { ConnectionError } from '../errors/connection-error.ts';
import { SessionClosedError } from '../errors/session-closed-error.ts';
import { TimeoutError } from '../errors/timeout-error.ts';
import type { PreparedRequest } from '../http/prepared-request.ts';
import type { Response } from '../http/response.ts';
import type { AttemptState, Next, PolicyContext, SessionPolicy } from '../http/session-policy.ts';
import {
  CIRCUIT_BREAKER_OPTIONS,
  CONSECUTIVE_TRIP_OPTIONS,
  RATIO_TRIP_OPTIONS,
} from './known-options.ts';
import { originSet } from './origin-set.ts';
import { SlidingCounts } from './sliding-counts.ts';

/** The state of an origin's circuit. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** When a closed circuit opens: after `consecutiveFailures` failures in a row. */
export interface ConsecutiveTrip {
  /** Failures in a row that open the circuit. */
  readonly consecutiveFailures: number;
}

/**
 * When a closed circuit opens: once `failureRatio` of the attempts in the sliding `window` failed,
 * provided there were at least `minimumThroughput` of them (a few failures of a quiet origin say
 * little).
 */
export interface RatioTrip {
  /** The share of failed attempts, in (0, 1], that opens the circuit. */
  readonly failureRatio: number;
  /** The sliding window, in ms. @default 10_000 */
  readonly window?: number;
  /** Attempts in the window below which the circuit stays closed. @default 20 */
  readonly minimumThroughput?: number;
}

/** The outcome of one attempt, as {@link CircuitBreakerOptions.isFailure} judges it. */
export interface CircuitOutcome {
  /** The request of the attempt, as sent. */
  readonly request: PreparedRequest;
  /** The response, when the attempt got one. */
  readonly response: Response | undefined;
  /** The error, when it failed. */
  readonly error: unknown;
}

/** A circuit changed state: what {@link CircuitBreaker.onStateChange} listeners get. */
export interface CircuitStateChange {
  /** The origin whose circuit changed, such as `https://api.example.com`. */
  readonly origin: string;
  /** The state before. */
  readonly from: CircuitState;
  /** The state now. */
  readonly to: CircuitState;
  /** When it changed. */
  readonly at: Date;
  /** For `to: 'open'`: when a probe will be let through. */
  readonly retryAt: Date | undefined;
}

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** When a closed circuit opens. @default { consecutiveFailures: 5 } */
  trip?: ConsecutiveTrip | RatioTrip;
  /** How long an open circuit fails fast before it lets a probe through, in ms. @default 10_000 */
  openFor?: number;
  /**
   * Probes a half-open circuit lets through at once; that many successes close it, one failure
   * opens it again.
   * @default 1
   */
  halfOpenProbes?: number;
  /**
   * Whether an outcome is a failure of the origin. Cancelled attempts (a hedge that lost, a caller
   * that gave up) and a closed session are never counted either way.
   * @default 5xx responses, connection errors and timeouts (except the caller's `deadline`)
   */
  isFailure?: (outcome: CircuitOutcome) => boolean;
  /** Called on every state change of every origin's circuit (as {@link CircuitBreaker.onStateChange}). */
  onStateChange?: (change: CircuitStateChange) => void;
  /**
   * The origins the policy applies to (URLs; only their origin counts); others are left alone.
   * @default every origin
   */
  origins?: readonly (string | URL)[];
  /** Whether the breaker applies; `false` lets every attempt through and counts nothing. @default true */
  enabled?: boolean;
}

// An origin's circuit. A half-open one is replaced (not changed) when it closes or reopens, so an
// attempt admitted as a probe knows whether its circuit is still the current one.
type Circuit =
  | { readonly kind: 'closed'; consecutive: number; readonly counts: SlidingCounts | undefined }
  | { readonly kind: 'open'; readonly until: number }
  | { readonly kind: 'half-open'; probes: number; successes: number };

const DEFAULTS = { openFor: 10_000, halfOpenProbes: 1, window: 10_000, minimumThroughput: 20 };

/**
 * The default failure rule: 5xx responses, connection errors, and timeouts other than the
 * caller's `deadline` and a wait in a rate limit's queue (`rate-limit`: never sent).
 */
export function isServerFailure(outcome: CircuitOutcome): boolean {
  if (outcome.response !== undefined) return outcome.response.status >= 500;
  const error = outcome.error;
  if (error instanceof ConnectionError) return true;
  return (
    error instanceof TimeoutError && error.phase !== 'deadline' && error.phase !== 'rate-limit'
  );
}

/**
 * A circuit breaker per origin (Nygard, "Release It!"): while an origin keeps failing, calls to it
 * fail fast with {@link CircuitOpenError} instead of piling up on it.
 *
 * - **closed**: attempts go through; failures are counted, in a row (`consecutiveFailures`) or
 *   as a share of a sliding window (`failureRatio`, with a `minimumThroughput`).
 * - **open**: every attempt fails at once with `CircuitOpenError` (origin, `retryAt`), for
 *   `openFor` ms.
 * - **half-open**: up to `halfOpenProbes` attempts go through as probes; as many successes close
 *   the circuit, a failure opens it again. Other attempts meanwhile fail fast.
 *
 * Every state change goes to the `onStateChange` listeners and, as a `state-change` event, into
 * the trace of the call whose attempt caused it. Each attempt is judged (a retry or a redirect hop
 * to another origin included); a breaker before a hedging policy sees a hedged attempt as one.
 *
 * @example
 * ```ts
 * import { CircuitBreaker, Session } from 'fanout';
 *
 * const breaker = new CircuitBreaker({ trip: { failureRatio: 0.5, minimumThroughput: 20 } });
 * breaker.onStateChange(({ origin, to }) => console.log(origin, to));
 * const session = new Session({ baseURL: 'http://127.0.0.1:8080', policies: [breaker] });
 * ```
 */
export class CircuitBreaker implements SessionPolicy {
  readonly name = 'circuit-breaker';
  /** Whether the breaker applies (it can be switched at any time). */
  enabled: boolean;
  // The origins of the `origins` option; undefined: every origin.
  readonly #only: ReadonlySet<string> | undefined;
  readonly #trip: Required<RatioTrip> | ConsecutiveTrip;
  readonly #openFor: number;
  readonly #probes: number;
  readonly #isFailure: (outcome: CircuitOutcome) => boolean;
  readonly #circuits = new Map<string, Circuit>();
  // Listeners of state changes; replaced, never changed in place (one may dispose itself).
  #listeners: readonly ((change: CircuitStateChange) => void)[] = [];

  constructor(given: CircuitBreakerOptions = {}) {
    if (typeof given !== 'object' || given === null) fail('options', 'an object', given);
    const options = ownOptions(given);
    checkKnownOptions(options, CIRCUIT_BREAKER_OPTIONS);
    this.#trip = checkTrip(options.trip);
    this.#openFor = checkPositiveNumber('openFor', options.openFor, false, DEFAULTS.openFor);
    this.#probes = checkInteger(
      'halfOpenProbes',
      options.halfOpenProbes,
      1,
      DEFAULTS.halfOpenProbes,
    );
    this.#isFailure =
      options.isFailure === undefined
        ? isServerFailure
        : checkFunction('isFailure', options.isFailure);
    if (options.onStateChange !== undefined) {
      this.#listeners = [checkFunction('onStateChange', options.onStateChange)];
    }
    this.enabled = checkBoolean('enabled', options.enabled, true);
    this.#only = originSet(options.origins);
  }

  /** The state of `origin`'s circuit now (`closed` for an origin never seen). */
  state(origin: string): CircuitState {
    const circuit = this.#circuits.get(origin);
    if (circuit?.kind === 'open' && Date.now() >= circuit.until) return 'half-open';
    return circuit?.kind ?? 'closed';
  }

  /** Calls `listener` on every state change; disposing the result stops it. */
  onStateChange(listener: (change: CircuitStateChange) => void): {
    /** Stops calling the listener. */
    dispose(): void;
  } {
    checkFunction('listener', listener);
    this.#listeners = [...this.#listeners, listener];
    return {
      dispose: () => {
        this.#listeners = this.#listeners.filter((installed) => installed !== listener);
      },
    };
  }

  /** @internal Admits the attempt, or fails it fast; then judges its outcome. */
  async attempt(state: AttemptState, next: Next): Promise<Response> {
    const origin = state.request.origin;
    if (!this.#appliesTo(origin)) return next(state.request);
    const admitted = this.#admit(origin, state);
    let response: Response;
    try {
      response = await next(state.request);
    } catch (error) {
      this.#judge(origin, admitted, { request: state.request, response: undefined, error }, state);
      throw error;
    }
    this.#judge(origin, admitted, { request: state.request, response, error: undefined }, state);
    return response;
  }

  // Whether the policy acts on a request to `origin` now.
  #appliesTo(origin: string): boolean {
    return this.enabled && (this.#only === undefined || this.#only.has(origin));
  }

  // The circuit the attempt goes through under, or CircuitOpenError.
  #admit(origin: string, state: AttemptState): Circuit {
    let circuit = this.#circuits.get(origin) ?? this.#closed(origin);
    const now = Date.now();
    if (circuit.kind === 'open' && now >= circuit.until) {
      circuit = this.#change(
        origin,
        circuit,
        { kind: 'half-open', probes: 0, successes: 0 },
        state,
      );
    }
    if (circuit.kind === 'open') throw this.#rejection(origin, circuit.until, state.request);
    if (circuit.kind === 'half-open') {
      if (circuit.probes + circuit.successes >= this.#probes) {
        throw this.#rejection(origin, now, state.request);
      }
      circuit.probes++;
    }
    return circuit;
  }

  #rejection(origin: string, until: number, request: PreparedRequest): CircuitOpenError {
    return new CircuitOpenError({ origin, retryAt: new Date(until), request });
  }

  // Counts an outcome against the circuit it was admitted under, if that is still current.
  #judge(origin: string, admitted: Circuit, outcome: CircuitOutcome, context: PolicyContext): void {
    const circuit = this.#circuits.get(origin);
    if (circuit !== admitted) return;
    const error = outcome.error;
    const isNeutral = error instanceof CancelledError || error instanceof SessionClosedError;
    if (circuit.kind === 'half-open') {
      circuit.probes--;
      if (isNeutral) return;
      if (this.#isFailure(outcome)) this.#open(origin, circuit, context);
      else if (++circuit.successes >= this.#probes) {
        this.#change(origin, circuit, this.#closed(origin), context);
      }
      return;
    }
    if (circuit.kind !== 'closed' || isNeutral) return;
    const isFailure = this.#isFailure(outcome);
    if (this.#trips(circuit, isFailure)) this.#open(origin, circuit, context);
  }

  // Counts one outcome in a closed circuit; whether the circuit must open.
  #trips(circuit: Circuit & { kind: 'closed' }, isFailure: boolean): boolean {
    const trip = this.#trip;
    if (isConsecutive(trip)) {
      circuit.consecutive = isFailure ? circuit.consecutive + 1 : 0;
      return circuit.consecutive >= trip.consecutiveFailures;
    }
    const counts = circuit.counts as SlidingCounts;
    const now = Date.now();
    counts.addFirst(now);
    if (isFailure) counts.addSecond(now);
    const attempts = counts.first(now);
    return (
      isFailure &&
      attempts >= trip.minimumThroughput &&
      counts.second(now) >= trip.failureRatio * attempts
    );
  }

  #open(origin: string, from: Circuit, context: PolicyContext): void {
    this.#change(origin, from, { kind: 'open', until: Date.now() + this.#openFor }, context);
  }

  #closed(origin: string): Circuit {
    const trip = this.#trip;
    const circuit: Circuit = {
      kind: 'closed',
      consecutive: 0,
      counts: 'failureRatio' in trip ? new SlidingCounts(trip.window) : undefined,
    };
    this.#circuits.set(origin, circuit);
    return circuit;
  }

  #change(origin: string, from: Circuit, to: Circuit, context: PolicyContext): Circuit {
    this.#circuits.set(origin, to);
    const change: CircuitStateChange = {
      origin,
      from: from.kind,
      to: to.kind,
      at: new Date(),
      retryAt: to.kind === 'open' ? new Date(to.until) : undefined,
    };
    context.note({
      policy: this.name,
      type: 'state-change',
      origin,
      detail: { from: from.kind, to: to.kind },
    });
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        // A listener's bug must not fail the request that happened to cause the change.
        process.emitWarning(`A circuit breaker onStateChange listener threw: ${String(error)}`, {
          code: 'FANOUT_LISTENER_ERROR',
        });
      }
    }
    return to;
  }
}

// Own only: a polluted `Object.prototype.consecutiveFailures` must not turn a ratio trip over.
function isConsecutive(trip: Required<RatioTrip> | ConsecutiveTrip): trip is ConsecutiveTrip {
  return Object.hasOwn(trip, 'consecutiveFailures');
}

function checkTrip(trip: unknown): Required<RatioTrip> | ConsecutiveTrip {
  if (trip === undefined) return { consecutiveFailures: 5 };
  if (typeof trip !== 'object' || trip === null) {
    fail('trip', '{ consecutiveFailures } or { failureRatio, window?, minimumThroughput? }', trip);
  }
  const rule = ownOptions(trip as Partial<ConsecutiveTrip & RatioTrip>, 'trip');
  const isConsecutiveRule = rule.consecutiveFailures !== undefined;
  // One rule's keys only: a ratio key beside `consecutiveFailures` would be silently ignored.
  checkKnownOptions(rule, isConsecutiveRule ? CONSECUTIVE_TRIP_OPTIONS : RATIO_TRIP_OPTIONS);
  if (isConsecutiveRule) {
    return {
      consecutiveFailures: checkInteger('trip.consecutiveFailures', rule.consecutiveFailures, 1),
    };
  }
  const ratio = rule.failureRatio;
  if (typeof ratio !== 'number' || !(ratio > 0 && ratio <= 1)) {
    fail('trip.failureRatio', 'a number in (0, 1]', ratio);
  }
  return {
    failureRatio: ratio,
    window: checkPositiveNumber('trip.window', rule.window, false, DEFAULTS.window),
    minimumThroughput: checkInteger(
      'trip.minimumThroughput',
      rule.minimumThroughput,
      1,
      DEFAULTS.minimumThroughput,
    ),
  };
}
