import { Hedging, RetryBudget, Session, type SessionPolicy } from '../src/index.ts';
import { type Contender, interleave, type Outcome } from './rounds.ts';
import { median, percentile } from './stats.ts';
import { type Row, rowOf } from './table.ts';

export interface W5Config {
  /** GETs of /tail measured per round (after `warmup` unmeasured ones), `concurrency` in flight. */
  readonly requests: number;
  readonly warmup: number;
  /** The usual latency of /tail in ms; every 50th answer takes 20 × as long. */
  readonly delayMs: number;
  readonly concurrency: number;
  /** Calls to /storm per round, each with `retry: { limit: 2 }`. */
  readonly stormCalls: number;
  readonly rounds: number;
}

/** What one round of a client measured: the figure of its row, and the extra load it caused. */
interface Sample {
  /** p99 in ms (tail), or requests received ÷ calls made (storm). */
  readonly value: number;
  /** Requests the backend received beyond one per call, as a share of calls. */
  readonly extra: number;
}

type Hits = { tail: number; storm: number };

async function hits(origin: string): Promise<Hits> {
  const response = await fetch(`${origin}/hits`);
  return (await response.json()) as Hits;
}

/** Runs `total` calls of `call`, `concurrency` at a time; returns each call's latency in ms. */
async function run(total: number, concurrency: number, call: () => Promise<unknown>) {
  const latencies: number[] = [];
  let left = total;
  const worker = async () => {
    while (left > 0) {
      left--;
      const started = performance.now();
      await call();
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return latencies;
}

function p99(latencies: number[]): number {
  return percentile(
    latencies.sort((a, b) => a - b),
    0.99,
  );
}

/** A session per round, so each round starts from fresh per-origin state (estimates, budgets). */
function contender(
  name: string,
  policies: () => SessionPolicy[],
  measure: (session: Session) => Promise<Sample>,
  origin: string,
  samples: Sample[],
): Contender<number> {
  return {
    name,
    async start() {
      return {
        async measure() {
          const session = new Session({ baseURL: origin, connections: 64, policies: policies() });
          try {
            const sample = await measure(session);
            samples.push(sample);
            return sample.value;
          } finally {
            await session.close();
          }
        },
        close: async () => {},
      };
    },
  };
}

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

/**
 * W5 tail and storm.
 *
 * - **tail**: GETs of /tail, where every 50th answer (2 %) is 20 × slower, `concurrency` in
 *   flight; the p99 latency with and without `Hedging` (delay: the origin's recent p95, budget
 *   5 %), and the extra requests hedging sent. Goal: p99 ÷ 5 or better for ≤ 5 % extra.
 * - **storm**: calls to /storm (always 503) with `retry: { limit: 2 }`; the load multiplier
 *   (requests the backend received ÷ calls) with and without a `RetryBudget` (10 %).
 *   Goal: ≤ 1.1 × with the budget (without: up to 3 ×).
 */
export async function w5(origin: string, config: W5Config): Promise<Row[]> {
  const { requests, warmup, delayMs, concurrency, stormCalls, rounds } = config;
  const tailPath = `/tail?ms=${delayMs}`;
  const tail = async (session: Session): Promise<Sample> => {
    await run(warmup, concurrency, () => session.get(tailPath));
    const before = await hits(origin);
    const latencies = await run(requests, concurrency, () => session.get(tailPath));
    const after = await hits(origin);
    return { value: p99(latencies), extra: (after.tail - before.tail - requests) / requests };
  };
  const storm = async (session: Session): Promise<Sample> => {
    const before = await hits(origin);
    await run(stormCalls, concurrency, () =>
      session.get('/storm', { retry: { limit: 2, baseDelay: 1, maxDelay: 5 } }),
    );
    const after = await hits(origin);
    const load = (after.storm - before.storm) / stormCalls;
    return { value: load, extra: load - 1 };
  };
  const plain: Sample[] = [];
  const hedged: Sample[] = [];
  const unbudgeted: Sample[] = [];
  const budgeted: Sample[] = [];
  const outcomes = await interleave(
    [
      contender('fanout Session', () => [], tail, origin, plain),
      contender(
        'fanout Session + Hedging (p95, 5 % budget)',
        () => [new Hedging({ percentile: 0.95, delay: delayMs * 2 })],
        tail,
        origin,
        hedged,
      ),
      contender('fanout Session, retry 2', () => [], storm, origin, unbudgeted),
      contender(
        'fanout Session, retry 2 + RetryBudget (10 %)',
        () => [new RetryBudget()],
        storm,
        origin,
        budgeted,
      ),
    ],
    rounds,
  );
  const [plainOutcome, hedgedOutcome, unbudgetedOutcome, budgetedOutcome] = outcomes as [
    Outcome<number>,
    Outcome<number>,
    Outcome<number>,
    Outcome<number>,
  ];
  const extra = (samples: readonly Sample[]) =>
    `${percent(median(samples.map((sample) => sample.extra)))} extra requests`;
  const plainP99 = median(plain.map((sample) => sample.value));
  const tailNote = `${requests} GETs, ${concurrency} in flight, 2 % take ${delayMs * 20} ms instead of ${delayMs}`;
  return [
    rowOf('W5 tail p99', plainOutcome, 'ms', undefined, tailNote),
    rowOf(
      'W5 tail p99',
      hedgedOutcome,
      'ms',
      (summary) => ({ value: plainP99 / summary.median, to: 'shorter than unhedged' }),
      `${extra(hedged)} (goal: p99 ÷ 5 for ≤ 5 %)`,
    ),
    rowOf(
      'W5 503 storm',
      unbudgetedOutcome,
      '× load',
      undefined,
      `${stormCalls} calls; requests received ÷ calls; ${extra(unbudgeted)}`,
    ),
    rowOf(
      'W5 503 storm',
      budgetedOutcome,
      '× load',
      undefined,
      `${extra(budgeted)} (goal: ≤ 1.1 × with the budget)`,
    ),
  ];
}
