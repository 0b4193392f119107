import { performance } from 'node:perf_hooks';
import { fail, own } from '../../core/validate.ts';
import { warnListenerError } from '../../core/warnings.ts';
import type { ConcurrencyLimit } from '../../futures/concurrency-limit.ts';
import type { LimitChange } from '../../trace/limit-change.ts';
import { currentTrace } from '../../trace/trace.ts';
import { AimdLimit } from './aimd-limit.ts';
import { GradientLimit } from './gradient-limit.ts';
import type { LimitAlgorithm } from './limit-algorithm.ts';
import {
  type AdaptiveLimitOptions,
  type LimitSettings,
  normalizeLimitOptions,
} from './limit-options.ts';
import { verdictOf } from './overload.ts';

/** A request in flight, as the executor hands it back when it finishes. */
interface Token {
  readonly origin: string;
  readonly startedAt: number;
  readonly inflight: number;
}

/** Hears every change of an origin's limit. */
export type LimitChangeListener = (change: LimitChange) => void;

/**
 * A concurrency limit per origin that follows each origin's measured latency: pass it as a
 * FuturesSession's `maxPerOrigin` (or an Executor's `perKey`). Every finished request is a
 * sample of its origin (its latency, how many requests ran with it, and whether it failed with
 * an overload); the origin's algorithm turns the samples into its limit, and the executor applies
 * each new limit at once. Origins never share a limit. Create one per session: two executors
 * sharing it would each allow the whole limit.
 *
 * Each change is told to the {@link AdaptiveLimit.onChange} listeners and recorded in the
 * current {@link Trace} (its `limitChanges`), the trace of the context that started the request
 * whose sample changed it.
 */
export class AdaptiveLimit implements ConcurrencyLimit<Token> {
  /** The highest limit an origin may reach. */
  readonly max: number;
  readonly #settings: LimitSettings;
  readonly #clock: () => number;
  /** Every origin that has had a request, with its algorithm; never shrinks. */
  readonly #origins = new Map<string, LimitAlgorithm>();
  /** The listeners, in the order they were added; replaced, never changed in place. */
  #listeners: readonly LimitChangeListener[] = [];

  /** @internal Use {@link adaptiveLimit}. */
  constructor(options: AdaptiveLimitOptions) {
    this.#settings = normalizeLimitOptions(options);
    const clock = own(options, 'clock') ?? (() => performance.now());
    if (typeof clock !== 'function') fail('clock', 'a function', clock);
    this.#clock = clock;
    this.max = this.#settings.max;
  }

  /** Which algorithm sets the limits. */
  get algorithm(): LimitSettings['algorithm'] {
    return this.#settings.algorithm;
  }

  /** The limit of `origin` now (an origin not seen yet starts now, at its first limit). */
  current(origin: string): number {
    return this.#algorithmOf(origin).limit;
  }

  /** Every origin seen so far, with its limit now. */
  limits(): Map<string, number> {
    return new Map([...this.#origins].map(([origin, algorithm]) => [origin, algorithm.limit]));
  }

  /**
   * Calls `listener` with every change of a limit from now on; disposing the result stops it. An
   * error it throws becomes a process warning (code `FANOUT_LISTENER_ERROR`).
   *
   * @example
   * ```ts
   * import { adaptiveLimit } from 'fanout';
   *
   * const limit = adaptiveLimit({ algorithm: 'aimd', latencyThreshold: 250 });
   * const subscription = limit.onChange(({ origin, from, to, reason }) =>
   *   console.log(`${origin}: ${from} → ${to} (${reason})`),
   * );
   * subscription.dispose();
   * ```
   */
  onChange(listener: LimitChangeListener): {
    /** Stops calling the listener. */
    dispose(): void;
  } {
    if (typeof listener !== 'function') fail('listener', 'a function', listener);
    this.#listeners = [...this.#listeners, listener];
    return {
      dispose: () => {
        this.#listeners = this.#listeners.filter((installed) => installed !== listener);
      },
    };
  }

  /** @internal A request of `origin` starts, with `inflight` of the origin's requests running. */
  start(origin: string, inflight: number): Token {
    return { origin, startedAt: this.#clock(), inflight };
  }

  /** @internal The request of `token` finished; returns its origin's limit now. */
  finish(token: Token, ok: boolean, outcome: unknown): number {
    const algorithm = this.#algorithmOf(token.origin);
    const verdict = verdictOf(ok, outcome);
    if (verdict === 'ignore') return algorithm.limit;
    const from = algorithm.limit;
    const reason = algorithm.update({
      startedAt: token.startedAt,
      finishedAt: this.#clock(),
      inflight: token.inflight,
      didDrop: verdict === 'drop',
    });
    const to = algorithm.limit;
    if (reason !== undefined && to !== from)
      this.#announce({ origin: token.origin, from, to, reason });
    return to;
  }

  #algorithmOf(origin: string): LimitAlgorithm {
    let algorithm = this.#origins.get(origin);
    if (algorithm === undefined) {
      const settings = this.#settings;
      algorithm =
        settings.algorithm === 'aimd'
          ? new AimdLimit(settings)
          : new GradientLimit(settings, this.#clock());
      this.#origins.set(origin, algorithm);
    }
    return algorithm;
  }

  #announce(change: LimitChange): void {
    currentTrace()?.recordLimitChange(change);
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        warnListenerError(error); // never into the executor, which is finishing a task
      }
    }
  }
}

/**
 * A per-origin concurrency limit that adapts to latency, for a FuturesSession's `maxPerOrigin`:
 * `'aimd'` grows the limit by one per round trip and cuts it by 10 % when a request is dropped
 * or slower than `latencyThreshold`; `'gradient'` compares the short-term latency with the
 * latency without load and settles just past the knee, where requests start to queue.
 *
 * @throws {InvalidOptionError} if an option is out of range or of the wrong type, e.g.
 * "Expected `algorithm` to be 'aimd' or 'gradient', got \"vegas\" (string)".
 * @example
 * ```ts
 * import { adaptiveLimit, FuturesSession } from 'fanout';
 *
 * const limit = adaptiveLimit({ algorithm: 'gradient', min: 2, max: 100 });
 * const session = new FuturesSession({ maxPerOrigin: limit });
 * const urls = ['https://api.example.com/a', 'https://api.example.com/b'];
 * const answers = urls.map((url) => session.get(url));
 * console.log(limit.limits()); // Map { 'https://api.example.com' => 17 }
 * ```
 */
export function adaptiveLimit(options: AdaptiveLimitOptions): AdaptiveLimit {
  return new AdaptiveLimit(options);
}
