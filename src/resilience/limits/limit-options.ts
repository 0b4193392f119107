/**
 * The options of `adaptiveLimit()`: their types, defaults and validation. Options are validated
 * once, here, into a frozen {@link LimitSettings}; each algorithm reads only its own fields.
 *
 * @internal
 */

import {
  checkInteger,
  checkNumber,
  checkOneOf,
  checkPositiveNumber,
  type NumberRange,
  POSITIVE_INTEGER,
} from '../../core/checks.ts';
import { checkKnownOptions, fail, ownOptions } from '../../core/validate.ts';
import { AIMD_OPTIONS, GRADIENT_OPTIONS } from '../known-options.ts';

/** Options every algorithm of `adaptiveLimit()` takes. */
export interface CommonLimitOptions {
  /**
   * Each origin's limit before it has been measured: an integer between `min` and `max`.
   *
   * @default 20
   */
  initial?: number;
  /**
   * The lowest limit: a positive integer.
   *
   * @default 1
   */
  min?: number;
  /**
   * The highest limit: an integer >= `min`. A FuturesSession keeps this many sockets per origin.
   *
   * @default 200
   */
  max?: number;
  /**
   * The clock that times requests, in milliseconds (tests pass a fake one).
   *
   * @default performance.now
   */
  clock?: () => number;
}

/**
 * AIMD (additive increase, multiplicative decrease, as TCP): the limit grows by one per round
 * trip while it is in use and requests are fast, and is multiplied by `backoffRatio` when a
 * request is dropped or slower than `latencyThreshold`.
 */
export interface AimdOptions extends CommonLimitOptions {
  /** Selects AIMD. */
  readonly algorithm: 'aimd';
  /**
   * What the limit is multiplied by on a drop or a slow request: a number > 0 and < 1.
   *
   * @default 0.9
   */
  backoffRatio?: number;
  /**
   * A request slower than this many milliseconds counts as a drop: a positive number
   * (`Infinity`: only failures count).
   *
   * @default 5000
   */
  latencyThreshold?: number;
}

/**
 * A gradient limit after Netflix's Gradient2: the limit moves toward
 * `limit × clamp(tolerance × baseline RTT ÷ short-term RTT, 0.5, 1) + queueSize`, smoothed. The
 * baseline is the RTT without queueing, measured at half the limit when an origin is first seen
 * and every `probeInterval` milliseconds after.
 */
export interface GradientOptions extends CommonLimitOptions {
  /** Selects the gradient limit. */
  readonly algorithm: 'gradient';
  /**
   * How far each sample moves the limit toward its target: a number > 0 and <= 1.
   *
   * @default 0.2
   */
  smoothing?: number;
  /**
   * Requests allowed to queue at the origin beyond the concurrency that keeps latency at its
   * baseline: a non-negative number. The limit settles near the knee plus this.
   *
   * @default 4
   */
  queueSize?: number;
  /**
   * How much slower than the baseline the short-term RTT may be before the limit shrinks: a
   * number >= 1.
   *
   * @default 1.2
   */
  tolerance?: number;
  /**
   * Samples averaged into the short-term RTT, and samples a probe takes: a positive integer.
   *
   * @default 10
   */
  shortWindow?: number;
  /**
   * Milliseconds between two probes of the baseline: a positive number (`Infinity`: only the
   * first probe).
   *
   * @default 30000
   */
  probeInterval?: number;
}

/** Options of `adaptiveLimit()`: `algorithm` picks the algorithm and the options that apply. */
export type AdaptiveLimitOptions = AimdOptions | GradientOptions;

/** Validated AIMD options, with their defaults. */
export type AimdSettings = Required<Omit<AimdOptions, 'clock'>>;
/** Validated gradient options, with their defaults. */
export type GradientSettings = Required<Omit<GradientOptions, 'clock'>>;
/** Validated options of either algorithm. */
export type LimitSettings = AimdSettings | GradientSettings;

const COMMON_DEFAULTS = { initial: 20, min: 1, max: 200 } as const;
const AIMD_DEFAULTS = { backoffRatio: 0.9, latencyThreshold: 5_000 } as const;
const GRADIENT_DEFAULTS = {
  smoothing: 0.2,
  queueSize: 4,
  tolerance: 1.2,
  shortWindow: 10,
  probeInterval: 30_000,
} as const;

const ALGORITHMS = ['aimd', 'gradient'] as const;
/** A number > 0, `Infinity` included. */
const POSITIVE_OR_INFINITY: NumberRange = { above: 0, expected: 'a positive number or Infinity' };
const BACKOFF_RATIO: NumberRange = { above: 0, below: 1, expected: 'a number > 0 and < 1' };
const SMOOTHING: NumberRange = { above: 0, atMost: 1, expected: 'a number > 0 and <= 1' };
const TOLERANCE: NumberRange = {
  atLeast: 1,
  below: Number.POSITIVE_INFINITY,
  expected: 'a finite number >= 1',
};

/**
 * Validates `options` into settings.
 *
 * @throws {InvalidOptionError} naming the option, what was expected and what was received.
 */
export function normalizeLimitOptions(given: AdaptiveLimitOptions): LimitSettings {
  if (typeof given !== 'object' || given === null) {
    fail('options', "an object such as { algorithm: 'gradient' }", given);
  }
  const options = ownOptions(given);
  checkKnownOptions(options, options.algorithm === 'aimd' ? AIMD_OPTIONS : GRADIENT_OPTIONS);
  const common = normalizeCommon(options);
  const algorithm = checkOneOf('algorithm', options.algorithm, ALGORITHMS);
  return Object.freeze(
    algorithm === 'aimd'
      ? { algorithm, ...common, ...aimdSettings(options as AimdOptions) }
      : { algorithm, ...common, ...gradientSettings(options as GradientOptions) },
  );
}

function aimdSettings(
  options: AimdOptions,
): Omit<AimdSettings, keyof CommonLimitOptions | 'algorithm'> {
  const defaults = AIMD_DEFAULTS;
  return {
    backoffRatio: checkNumber(
      'backoffRatio',
      options.backoffRatio,
      BACKOFF_RATIO,
      defaults.backoffRatio,
    ),
    latencyThreshold: checkNumber(
      'latencyThreshold',
      options.latencyThreshold,
      POSITIVE_OR_INFINITY,
      defaults.latencyThreshold,
    ),
  };
}

function gradientSettings(
  options: GradientOptions,
): Omit<GradientSettings, keyof CommonLimitOptions | 'algorithm'> {
  const defaults = GRADIENT_DEFAULTS;
  return {
    smoothing: checkNumber('smoothing', options.smoothing, SMOOTHING, defaults.smoothing),
    queueSize: checkPositiveNumber('queueSize', options.queueSize, true, defaults.queueSize),
    tolerance: checkNumber('tolerance', options.tolerance, TOLERANCE, defaults.tolerance),
    shortWindow: checkInteger(
      'shortWindow',
      options.shortWindow,
      POSITIVE_INTEGER,
      defaults.shortWindow,
    ),
    probeInterval: checkNumber(
      'probeInterval',
      options.probeInterval,
      POSITIVE_OR_INFINITY,
      defaults.probeInterval,
    ),
  };
}

function normalizeCommon(options: CommonLimitOptions): Required<Omit<CommonLimitOptions, 'clock'>> {
  const min = checkInteger('min', options.min, POSITIVE_INTEGER, COMMON_DEFAULTS.min);
  const max = checkInteger(
    'max',
    options.max,
    { min, orInfinity: false, expected: `an integer >= \`min\` (${min})` },
    COMMON_DEFAULTS.max,
  );
  const initial = checkInteger(
    'initial',
    options.initial,
    {
      min,
      max,
      orInfinity: false,
      expected: `an integer between \`min\` (${min}) and \`max\` (${max})`,
    },
    COMMON_DEFAULTS.initial,
  );
  return { initial, min, max };
}
