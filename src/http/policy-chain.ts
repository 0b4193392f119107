import { describe, ownItems, readOption } from '../core/validate.ts';
import { InvalidOptionError } from '../errors/invalid-option-error.ts';
import type { Call } from './call.ts';
import type { PreparedRequest } from './prepared-request.ts';
import type { Response } from './response.ts';
import type {
  AttemptRole,
  AttemptState,
  PolicyEvent,
  RetryState,
  SessionPolicy,
} from './session-policy.ts';
import { Exchange, type WireOptions } from './transport.ts';

const HOOKS = ['started', 'attempt', 'dispatch', 'retry'] as const;

/**
 * A session's policies as a chain, sorted once by the hooks they have (see `session-policy.ts`
 * for when each runs). A session without policies has no chain: {@link PolicyChain.compose}
 * returns `undefined`.
 */
export class PolicyChain {
  // Each list holds, in the order given, the policies that have that hook.
  readonly #started: readonly SessionPolicy[];
  readonly #attempt: readonly SessionPolicy[];
  readonly #retry: readonly SessionPolicy[];
  // The one policy that puts attempts on the wire itself, if any.
  readonly #dispatch: SessionPolicy | undefined;
  // Calls a policy holds back now (waiting in a rate limit's queue): the session's close() stops
  // them, as it stops the exchanges in flight.
  readonly #held = new Set<Call>();

  private constructor(policies: readonly SessionPolicy[]) {
    this.#started = policies.filter((policy) => policy.started !== undefined);
    this.#attempt = policies.filter((policy) => policy.attempt !== undefined);
    this.#retry = policies.filter((policy) => policy.retry !== undefined);
    const dispatchers = policies.filter((policy) => policy.dispatch !== undefined);
    if (dispatchers.length > 1) {
      throw new InvalidOptionError(
        `Expected at most one policy with \`dispatch\`, got ${dispatchers.map((p) => p.name).join(', ')}`,
      );
    }
    this.#dispatch = dispatchers[0];
  }

  /**
   * Validates the `policies` option and sorts it; `undefined` when there are none.
   * @throws {InvalidOptionError} when it is not an array of policies, or two of them dispatch.
   */
  static compose(option: unknown): PolicyChain | undefined {
    if (option === undefined) return undefined;
    if (!Array.isArray(option)) {
      throw new InvalidOptionError(
        `Expected \`policies\` to be an array of policies, got ${describe(option)}`,
      );
    }
    // Read once into a copy that is checked and kept: the caller's array, changed later, changes
    // nothing.
    const policies = ownItems(option, 'policies');
    policies.forEach(checkPolicy);
    return policies.length === 0 ? undefined : new PolicyChain(policies as SessionPolicy[]);
  }

  /** Runs every `started` hook for a call about to make its first attempt. */
  started(call: Call): void {
    if (this.#started.length === 0) return;
    const context = new CallContext(call, this.#held);
    for (const policy of this.#started) policy.started?.(call.request, context);
  }

  /** Runs one attempt through the policies' chain, down to the wire. */
  attempt(
    call: Call,
    wire: WireOptions,
    request: PreparedRequest,
    retryCount: number,
  ): Promise<Response> {
    return this.#step(0, new PolicyAttempt(call, this.#held, wire, request, retryCount));
  }

  /** Stops every call a policy holds back with `reason` (the session is closing). */
  stopHeld(reason: Error): void {
    for (const call of this.#held) call.stop(reason);
  }

  // Runs the attempt from the chain's link `index` on.
  #step(index: number, state: PolicyAttempt): Promise<Response> {
    const policy = this.#attempt[index];
    if (policy?.attempt !== undefined) {
      return policy.attempt(state, (request) =>
        this.#step(index + 1, request === state.request ? state : state.with(request)),
      );
    }
    if (this.#dispatch?.dispatch !== undefined) {
      // An observer that propagates writes its context into each exchange's headers: every copy
      // a dispatching policy sends gets headers of its own.
      const propagates = state.call.observer?.propagates === true;
      return this.#dispatch.dispatch(state, (request, role) =>
        state.call.track(state.exchange(propagates ? request.copy() : request, role)),
      );
    }
    return state.call.run(state.exchange(state.request, undefined));
  }

  /** Whether every policy lets the retry the session's rules allow happen. */
  allowsRetry(
    call: Call,
    request: PreparedRequest,
    response: Response | undefined,
    error: unknown,
    retryCount: number,
  ): boolean {
    if (this.#retry.length === 0) return true;
    const state = new PolicyRetry(call, this.#held, request, response, error, retryCount);
    return this.#retry.every((policy) => policy.retry?.(state) !== false);
  }
}

function checkPolicy(policy: unknown, index: number): void {
  const name = `policies[${index}]`;
  if (typeof policy !== 'object' || policy === null) {
    throw new InvalidOptionError(
      `Expected \`${name}\` to be a policy object, got ${describe(policy)}`,
    );
  }
  const policyName = readOption(policy, 'name', name);
  if (typeof policyName !== 'string') {
    throw new InvalidOptionError(
      `Expected \`${name}.name\` to be a string, got ${describe(policyName)}`,
    );
  }
  for (const hook of HOOKS) {
    const method = readOption(policy, hook, name);
    if (method !== undefined && typeof method !== 'function') {
      throw new InvalidOptionError(
        `Expected \`${name}.${hook}\` to be a function, got ${describe(method)}`,
      );
    }
  }
}

/** The call as policies see it: its deadline, its stop, and its trace. */
class CallContext {
  readonly call: Call;
  // The chain's calls held back now: a call is in it while a policy listens for its stop.
  protected readonly held: Set<Call>;

  constructor(call: Call, held: Set<Call>) {
    this.call = call;
    this.held = held;
  }

  remaining(): number {
    return this.call.remaining();
  }

  note(event: PolicyEvent): void {
    this.call.observer?.event?.(event);
  }

  onStop(listener: (reason: Error) => void): () => void {
    const { call } = this;
    const { held } = this;
    held.add(call);
    const off = call.onStop((reason) => {
      held.delete(call);
      listener(reason);
    });
    return () => {
      held.delete(call);
      off();
    };
  }

  limited(from: number, to: number): void {
    this.call.observer?.limited?.(from, to);
  }
}

/** One attempt going through the chain. */
class PolicyAttempt extends CallContext implements AttemptState {
  readonly request: PreparedRequest;
  readonly retryCount: number;
  readonly #wire: WireOptions;

  constructor(
    call: Call,
    held: Set<Call>,
    wire: WireOptions,
    request: PreparedRequest,
    retryCount: number,
  ) {
    super(call, held);
    this.#wire = wire;
    this.request = request;
    this.retryCount = retryCount;
  }

  get stream(): boolean {
    return this.#wire.stream;
  }

  /** The same attempt with another request (a policy passed a changed copy to `next`). */
  with(request: PreparedRequest): PolicyAttempt {
    return new PolicyAttempt(this.call, this.held, this.#wire, request, this.retryCount);
  }

  /** A new exchange of `request` on the wire, watched by the call's observer. */
  exchange(request: PreparedRequest, role: AttemptRole | undefined): Exchange {
    return new Exchange(request, this.#wire, this.call.observer?.attempt(request, role));
  }
}

/** A retry about to be decided. */
class PolicyRetry extends CallContext implements RetryState {
  readonly request: PreparedRequest;
  readonly response: Response | undefined;
  readonly error: unknown;
  readonly retryCount: number;

  constructor(
    call: Call,
    held: Set<Call>,
    request: PreparedRequest,
    response: Response | undefined,
    error: unknown,
    retryCount: number,
  ) {
    super(call, held);
    this.request = request;
    this.response = response;
    this.error = error;
    this.retryCount = retryCount;
  }
}
