import { adaptiveLimit, type ConcurrencyLimit, FuturesSession } from '../src/index.ts';
import { type Contender, interleave, type Outcome } from './rounds.ts';
import { median, percentile } from './stats.ts';
import { type Row, rowOf } from './table.ts';

export interface AdaptiveConfig {
  /** The backend's workers: latency is `baseMs` up to this many in flight, in proportion beyond. */
  readonly knee: number;
  readonly baseMs: number;
  /** Callers, each sending its next GET as soon as its last one is answered. */
  readonly users: number;
  /** How long each round drives the backend; the second half is measured. */
  readonly seconds: number;
  readonly rounds: number;
}

/** What one round measured, over its second half (the limits have settled by then). */
interface Sample {
  readonly throughput: number;
  /** Percentiles of the time on the wire (`response.elapsed`): what the origin's load costs. */
  readonly p50: number;
  readonly p99: number;
  /** The origin's median limit, read at every answer. */
  readonly limit: number;
}

/** `users` closed-loop callers against `path` for `seconds`; the second half is measured. */
async function drive(
  session: FuturesSession,
  path: string,
  config: AdaptiveConfig,
  limitNow: () => number,
): Promise<Sample> {
  const started = performance.now();
  const half = started + config.seconds * 500;
  const end = started + config.seconds * 1000;
  const latencies: number[] = [];
  const limits: number[] = [];
  const user = async () => {
    while (performance.now() < end) {
      const response = await session.get(path);
      if (performance.now() < half) continue;
      latencies.push(response.elapsed);
      limits.push(limitNow());
    }
  };
  await Promise.all(Array.from({ length: config.users }, user));
  const measured = (performance.now() - half) / 1000;
  latencies.sort((a, b) => a - b);
  limits.sort((a, b) => a - b);
  return {
    throughput: latencies.length / measured,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    limit: percentile(limits, 0.5),
  };
}

/** A FuturesSession per round with `maxPerOrigin` from `limit()`, so each round starts afresh. */
function contender(
  name: string,
  origin: string,
  config: AdaptiveConfig,
  limit: () => number | ConcurrencyLimit,
  samples: Sample[],
): Contender<number> {
  const path = `/knee?k=${config.knee}&ms=${config.baseMs}`;
  return {
    name,
    async start() {
      // Warms the JIT, the backend and its sockets, so the first contender is not the cold one.
      const warm = new FuturesSession({ baseURL: origin, maxWorkers: config.users });
      await drive(warm, path, { ...config, seconds: 0.5 }, () => 0).finally(() => warm.close());
      return {
        async measure() {
          const maxPerOrigin = limit();
          const session = new FuturesSession({
            baseURL: origin,
            maxWorkers: config.users,
            maxPerOrigin,
          });
          const limitNow = () =>
            typeof maxPerOrigin === 'number' ? maxPerOrigin : maxPerOrigin.current(origin);
          try {
            const sample = await drive(session, path, config, limitNow);
            samples.push(sample);
            return sample.throughput;
          } finally {
            await session.close();
          }
        },
        close: async () => {},
      };
    },
  };
}

function outcomeOf(outcome: Outcome<number>, samples: readonly Sample[], key: keyof Sample) {
  return { ...outcome, samples: samples.map((sample) => sample[key]) };
}

/**
 * Adaptive limits against a backend whose latency rises with load past a knee (`/knee`: `knee`
 * workers of `baseMs` each), driven by `users` closed-loop callers through a FuturesSession with
 * a fixed `maxPerOrigin` of `users` (every caller in flight), AIMD (`latencyThreshold` 1.5 ×
 * the base latency) and the gradient limit (defaults). Per contender: throughput (the same for
 * all: the backend's capacity), the latency on the wire, and the limit each settles at ÷ the
 * knee (goal: near 1; a fixed limit sits at users ÷ knee).
 */
export async function adaptive(origin: string, config: AdaptiveConfig): Promise<Row[]> {
  const { knee, baseMs, users, rounds } = config;
  const contenders = [
    { name: `fanout FuturesSession, maxPerOrigin ${users}`, limit: () => users },
    {
      name: `fanout + adaptiveLimit aimd (latencyThreshold ${baseMs * 1.5} ms)`,
      limit: () => adaptiveLimit({ algorithm: 'aimd', latencyThreshold: baseMs * 1.5 }),
    },
    {
      name: 'fanout + adaptiveLimit gradient',
      limit: () => adaptiveLimit({ algorithm: 'gradient' }),
    },
  ];
  const samples = contenders.map((): Sample[] => []);
  const outcomes = await interleave(
    contenders.map((entry, i) =>
      contender(entry.name, origin, config, entry.limit, samples[i] as Sample[]),
    ),
    rounds,
  );
  const setup = `${users} callers; backend: ${knee} workers of ${baseMs} ms`;
  return outcomes.flatMap((outcome, i) => {
    const own = samples[i] as Sample[];
    return [
      rowOf(
        'Adaptive limit',
        outcomeOf(outcome, own, 'limit'),
        'in flight',
        (summary) => ({ value: summary.median / knee, to: `knee (${knee})` }),
        i === 0 ? setup : undefined,
      ),
      rowOf('Adaptive req/s', outcomeOf(outcome, own, 'throughput'), 'req/s'),
      rowOf(
        'Adaptive p99 on the wire',
        outcomeOf(outcome, own, 'p99'),
        'ms',
        (summary) => ({ value: summary.median / baseMs, to: `${baseMs} ms base` }),
        own.length > 0 ? `p50 ${Math.round(median(own.map((s) => s.p50)))} ms` : undefined,
      ),
    ];
  });
}
