import { fileURLToPath } from 'node:url';
import { type ClientFactory, isolatedClients, nodeClients, undiciRequest } from './clients.ts';
import { nodeContender } from './node-contender.ts';
import { run } from './processes.ts';
import { pythonContender, requestsFutures } from './python.ts';
import { type Contender, interleave } from './rounds.ts';
import { type Row, rowOf } from './table.ts';
import { throughput } from './throughput.ts';
import { wrkContender } from './wrk.ts';

export interface W2Config {
  readonly total: number;
  readonly concurrency: number;
  readonly rounds: number;
  /** requests-futures does ~1,400 req/s here: fewer requests per round keep the run short. */
  readonly pythonTotal: number;
  readonly wrkSeconds: number;
  /** The tracing cost's rounds: pairs of blocks (untraced, traced) of `costBlock` requests. */
  readonly costPairs: number;
  readonly costBlock: number;
}

const CHILD = fileURLToPath(new URL('./w2-child.ts', import.meta.url));
const COST_CHILD = fileURLToPath(new URL('./tracing-cost-child.ts', import.meta.url));

/** A client measured in a fresh process each round (see bench/w2-child.ts). */
function isolated(factory: ClientFactory, origin: string, config: W2Config): Contender<number> {
  return {
    name: `${factory.name}, own process`,
    async start() {
      return {
        async measure() {
          const args = ['--import', 'tsx', CHILD, factory.id, '--origin', origin];
          const sizes = [
            '--total',
            String(config.total),
            '--concurrency',
            String(config.concurrency),
          ];
          return Number(await run(process.execPath, [...args, ...sizes]));
        },
        close: async () => {},
      };
    },
  };
}

/** What W2 measures the cost of, in bench/tracing-cost-child.ts. */
type Cost = 'bind' | 'async-context';

const COST_NAMES: Record<Cost, string> = {
  bind: 'FuturesSession with trace.bind vs without (one process, alternating blocks)',
  'async-context':
    'FuturesSession with an AsyncLocalStorage entered vs none (Node 20: what trace.run adds)',
};

/**
 * A cost in % of the FuturesSession's req/s: a fresh process per round drives one session with
 * the cost off and on in alternating blocks (bench/tracing-cost-child.ts), so the two are measured
 * side by side on the same pool, JIT and heap. Apart, in processes of their own, a difference of a
 * few % is lost in how much one process differs from the next on a shared machine.
 */
function costContender(cost: Cost, origin: string, config: W2Config): Contender<number> {
  return {
    name: COST_NAMES[cost],
    async start() {
      return {
        async measure() {
          const sizes = [
            ['--origin', origin],
            ['--pairs', String(config.costPairs)],
            ['--block', String(config.costBlock)],
            ['--concurrency', String(config.concurrency)],
          ].flat();
          const args = ['--import', 'tsx', COST_CHILD, cost, ...sizes];
          return Number(await run(process.execPath, args));
        },
        close: async () => {},
      };
    },
  };
}

/**
 * W2 throughput: `total` GETs of /fast with `concurrency` in flight, req/s and ÷ undici.request.
 * Every Node client runs the same loop (bench/throughput.ts: `concurrency` async loops, each
 * awaiting one `get` after the other), the FuturesSession included, with `maxWorkers` =
 * `concurrency` so its queue stays empty. requests-futures gets all its requests submitted at
 * once to 8 and to `concurrency` workers, the natural way to use it.
 */
export async function w2(origin: string, config: W2Config): Promise<Row[]> {
  const { total, concurrency, rounds, pythonTotal } = config;
  const contenders: Contender<number>[] = [
    ...nodeClients.map((factory) =>
      nodeContender(factory, origin, concurrency, (client) =>
        throughput(client, '/fast', total, concurrency),
      ),
    ),
    ...[8, concurrency].map((workers) =>
      pythonContender(
        workers,
        async () => (await requestsFutures(origin, 'w2', pythonTotal, workers)).rps as number,
      ),
    ),
    wrkContender(origin, concurrency, config.wrkSeconds),
    ...isolatedClients.map((factory) => isolated(factory, origin, config)),
  ];
  const outcomes = await interleave(contenders, rounds);
  const costs = await interleave(
    [costContender('bind', origin, config), costContender('async-context', origin, config)],
    rounds,
  );
  const reference = outcomes.find((outcome) => outcome.name === undiciRequest.name);
  const referenceMedian =
    reference && reference.samples.length > 0
      ? rowOf('', reference, '').summary?.median
      : undefined;
  const throughputRows = outcomes.map((outcome) => {
    const python = outcome.name.startsWith('requests-futures');
    return rowOf(
      'W2 throughput',
      outcome,
      'req/s',
      (summary) =>
        referenceMedian === undefined
          ? undefined
          : { value: summary.median / referenceMedian, to: undiciRequest.name },
      python && pythonTotal !== total
        ? `${pythonTotal.toLocaleString('en-US')} requests per round`
        : undefined,
    );
  });
  const costNote = `${config.costPairs} pairs of ${config.costBlock.toLocaleString('en-US')}-request blocks per round`;
  const costRows = costs.map((outcome, index) =>
    rowOf(
      'W2 tracing cost',
      outcome,
      '%',
      undefined,
      index === 0 ? `goal ≤ 5 %; ${costNote}` : costNote,
    ),
  );
  return [...throughputRows, ...costRows];
}
