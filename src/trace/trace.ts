import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { type InspectOptionsStylized, inspect } from 'node:util';
import type { Exhaustive } from '../core/exhaustive.ts';
import type { Inspect } from '../core/inspect.ts';
import { redactedParams } from '../core/redact.ts';
import {
  checkKnownOptions,
  fail,
  type KnownOptions,
  knownOptions,
  ownOptions,
} from '../core/validate.ts';
import type { ObservedFlow } from '../flow/observer.ts';
import { addObserverSource } from '../http/observer.ts';
import type { PreparedRequest } from '../http/prepared-request.ts';
import { bindTrace, boundTrace, type Requester, type TraceBound } from './bound.ts';
import { watchConnections } from './connections.ts';
import { FlowRecord, watchFlows } from './flow-record.ts';
import { type Har, toHAR } from './har.ts';
import { inspectTrace } from './inspect-trace.ts';
import type { LimitChange, LimitChangeRecord } from './limit-change.ts';
import { RecordContext } from './record-context.ts';
import { RequestRecord } from './request-record.ts';
import type { SectionRecord } from './section-record.ts';
import { serverTiming } from './server-timing.ts';
import type { SkipRecord } from './skip-record.ts';
import { summarize, type TraceSummary } from './summary.ts';
import { type WaterfallOptions, waterfall } from './waterfall.ts';

/** Options of {@link Trace}. */
export interface TraceOptions {
  /** A name for the unit of work, such as the page or the incoming request. @default 'trace' */
  name?: string;
  /**
   * Query parameters whose values are replaced by `REDACTED` in every output (names are
   * case-insensitive). URL credentials are always removed. Unset, each request is redacted by
   * the `redactParams` of the session that sent it (by default the list below).
   * @default ['access_token', 'api_key', 'apikey', 'auth', 'code', 'key', 'password', 'secret', 'sig', 'signature', 'token']
   */
  redactParams?: readonly string[];
}

/** `new Trace(options)` and `session.trace(fn, options)`. @internal */
export const TRACE_OPTIONS: KnownOptions = knownOptions('Trace options', {
  name: true,
  redactParams: true,
} satisfies Exhaustive<TraceOptions, true>);

const storage = new AsyncLocalStorage<Trace>();
const NO_SKIPS: readonly SkipRecord[] = Object.freeze([]);

/** The trace of the current async context, if any. */
export function currentTrace(): Trace | undefined {
  return storage.getStore();
}

// Connects the HTTP and futures layers to the trace of the current context. Installed when the
// first Trace is created: until then neither layer pays for tracing.
let isInstalled = false;
function install(): void {
  if (isInstalled) return;
  isInstalled = true;
  watchConnections();
  addObserverSource((request) => (boundTrace() ?? storage.getStore())?.observe(request));
  watchFlows(() => storage.getStore());
}

/**
 * The requests made for one unit of work (one incoming request, one page), with their timelines
 * and how long the consumer was blocked on each. Requests join the trace of the async context
 * they are made in, so concurrent pages never mix (AsyncLocalStorage).
 *
 * @example
 * <!-- fragment: `render` is the app's own
 * import type { Response } from 'fanout';
 * declare function render(user: Response, recs: Response): void;
 * -->
 * ```ts
 * import { FuturesSession, Trace } from 'fanout';
 *
 * const session = new FuturesSession({ baseURL: 'http://127.0.0.1:8080' });
 * const trace = new Trace({ name: 'home page' });
 * await trace.run(async () => {
 *   const user = session.get('/user');
 *   const recs = session.get('/recs');
 *   render(await user, await recs);
 * });
 * console.log(trace.summary().blocked, trace.serverTiming());
 * ```
 */
export class Trace {
  /** The trace's name, from its options (default `'trace'`). */
  readonly name: string;
  /** Wall-clock time the trace began. */
  readonly startedAt: Date;
  /** `performance.now()` when the trace began; record times count from here. */
  readonly origin: number;
  /** Every request made in the trace, in the order they were made. */
  readonly requests: RequestRecord[] = [];
  /** Every page section rendered in the trace, in the order they were flushed. */
  readonly sections: SectionRecord[] = [];
  /**
   * The changes of adaptive concurrency limits (`adaptiveLimit()`) that happened in the trace's
   * context: when a request it started finished, in the order they happened.
   */
  readonly limitChanges: LimitChangeRecord[] = [];
  /** Every flow started in the trace, in the order they started. */
  readonly flows: FlowRecord[] = [];
  // The requests the code chose not to send, in order; no array until the first (most traces
  // have none).
  #skips: SkipRecord[] | undefined;
  // When end() was called (ms since origin); undefined while open.
  #endedAt: number | undefined;
  readonly #context: RecordContext;

  constructor(given: TraceOptions = {}) {
    install();
    const options = ownOptions(given);
    checkKnownOptions(options, TRACE_OPTIONS);
    this.name = options.name ?? 'trace';
    this.startedAt = new Date();
    this.origin = performance.now();
    const params =
      options.redactParams === undefined
        ? undefined
        : redactedParams('redactParams', options.redactParams);
    this.#context = new RecordContext(this.origin, params);
  }

  /** What `console.log` prints: name, times, counts and a line per request (docs/TRACING.md). */
  [inspect.custom](depth: number, options: InspectOptionsStylized, inspectFn: Inspect): string {
    return inspectTrace(this, this.#endedAt !== undefined, depth, options, inspectFn);
  }

  /** Runs `fn` with this trace as the current one: requests made inside join it. */
  run<T>(fn: () => T): T {
    return storage.run(this, fn);
  }

  /**
   * A view of `session` (a `Session`, `FuturesSession` or `FuturesScope`) whose requests join
   * this trace wherever they are made, without an async context. `run()` finds the trace through
   * `AsyncLocalStorage`, which on Node 20 makes every promise of the process pay for promise
   * hooks; a bound view costs only the recording (see docs/PERFORMANCE.md). The view has the
   * session's request methods, typed as the session's.
   *
   * @throws {InvalidOptionError} if `session` has no request methods.
   * @example
   * <!-- fragment: `render` is the app's own
   * import type { Response } from 'fanout';
   * declare function render(user: Response): void;
   * -->
   * ```ts
   * import { FuturesSession, Trace } from 'fanout';
   *
   * const session = new FuturesSession({ baseURL: 'http://127.0.0.1:8080' });
   * const trace = new Trace({ name: 'home page' });
   * const api = trace.bind(session);
   * const user = api.get('/user'); // recorded in `trace`, blocked time too
   * render(await user);
   * trace.end();
   * ```
   */
  bind<S extends Requester>(session: S): TraceBound<S> {
    return bindTrace(this, session);
  }

  /** Marks the end of the unit of work (the wall time stops here). */
  end(): void {
    this.#endedAt ??= this.#context.now();
  }

  /** Milliseconds from the start to `end()`, or to now while open. */
  get wallTime(): number {
    return this.#endedAt ?? this.#context.now();
  }

  /** Wall time, blocked time, top blockers, the critical path, and the flows with their steps. */
  summary(): TraceSummary {
    return summarize(
      this.requests,
      this.wallTime,
      this.flows.map((flow) => flow.summary()),
    );
  }

  /** A W3C `Server-Timing` header value summarising the trace (browsers show it in DevTools). */
  serverTiming(): string {
    return serverTiming(this.summary());
  }

  /**
   * The trace as a HAR 1.2 document (one entry per attempt), for browser DevTools and HAR
   * viewers. Secrets are redacted as in the trace. See {@link toHAR}.
   *
   * @example
   * <!-- fragment: `checkout` is the app's own work
   * declare function checkout(): Promise<void>;
   * -->
   * ```ts
   * import { writeFile } from 'node:fs/promises';
   * import { Trace } from 'fanout';
   *
   * const trace = new Trace({ name: 'checkout' });
   * await trace.run(() => checkout());
   * await writeFile('checkout.har', JSON.stringify(trace.toHAR()));
   * ```
   */
  toHAR(): Har {
    return toHAR(this);
  }

  /**
   * A self-contained HTML page drawing the trace as a waterfall (bars coloured by outcome with a
   * legend, phases per attempt, blocked time, critical path, a placeholder per request never
   * sent) with a table of the same timings. See {@link waterfall}.
   */
  waterfall(options?: WaterfallOptions): string {
    return waterfall(this, options);
  }

  /** Records a page section's timings (the page composer calls it as each section is flushed). */
  recordSection(record: SectionRecord): void {
    this.sections.push(record);
  }

  /**
   * Records a request the code did not send, so the waterfall still draws it (as a `skipped`
   * placeholder row). Flow steps and page sections that never ran need no call: the trace knows
   * them from their flow. Both strings are shown as given, so put no secret in them.
   *
   * @throws {InvalidOptionError} if `name` or `reason` is not a string.
   * @example
   * <!-- fragment: a method of `trace`, recording the requests of `session`
   * import { Session, Trace } from 'fanout';
   * const session = new Session({ baseURL: 'http://127.0.0.1:8080' });
   * const trace = new Trace();
   * -->
   * ```ts
   * const user = await session.get('/api/user');
   * if (!user.ok) trace.recordSkip('GET /api/cart', 'needs the user, which failed');
   * ```
   */
  recordSkip(name: string, reason: string): void {
    if (typeof name !== 'string') fail('name', 'a string', name);
    if (typeof reason !== 'string') fail('reason', 'a string', reason);
    this.#skips ??= [];
    this.#skips.push({ name, reason, at: this.#context.now() });
  }

  /** The requests the code chose not to send ({@link Trace.recordSkip}), in the order skipped. */
  get skips(): readonly SkipRecord[] {
    return this.#skips ?? NO_SKIPS;
  }

  /** @internal An adaptive limit changed in this trace's context. */
  recordLimitChange(change: LimitChange): void {
    this.limitChanges.push({ ...change, time: this.#context.now() });
  }

  /** @internal A flow starts in this trace. */
  recordFlow(flow: ObservedFlow): void {
    this.flows.push(new FlowRecord(flow, this.origin));
  }

  /** @internal A call starts in this trace: its record. */
  observe(request: PreparedRequest): RequestRecord {
    const record = new RequestRecord(this.requests.length + 1, request, this.#context);
    this.requests.push(record);
    return record;
  }
}
