import { fileURLToPath } from 'node:url';
import { FuturesSession } from '../src/index.ts';
import {
  type GraphStep,
  graph,
  idealCriticalPath,
  many,
  runners,
  type Work,
} from './flow-graph.ts';
import { run } from './processes.ts';
import { interleave, message, type Outcome } from './rounds.ts';
import { summarize } from './stats.ts';
import { type Row, rowOf } from './table.ts';

// Flows: the graph of bench/flow-graph.ts (20 steps in 5 levels of 4), as a fanout flow and as
// hand-written Promise code. Two questions:
//   (a) critical path: over /delay?ms=N (N from the graph's delays), does a flow finish within
//       1.10 × the longest chain of delays? Measured here, the two runners round after round.
//   (b) machinery cost: the client's CPU time per step, flow ÷ hand-written Promise code, over
//       /fast (each step a request), and over tiny steps that return a resolved promise (the
//       flow's own work laid bare; no request to amortise it). Measured in a fresh process
//       (bench/flow-cost-child.ts) in alternating blocks; the ratio is the median of each pair's
//       own ratio: the CPU time per step drifts by a third over a run on a shared machine, two
//       neighbouring blocks much less.

export interface FlowBenchConfig {
  /** (a) Flows measured per round, one after another. */
  readonly criticalFlows: number;
  /** (a) Rounds. */
  readonly rounds: number;
  /** (b) Flows over /fast per block, `concurrency` at once. */
  readonly fastFlows: number;
  readonly concurrency: number;
  /** (b) Flows of tiny steps per block, one at a time. */
  readonly tinyFlows: number;
  /** (b) Pairs of blocks (flow, Promise code) of each kind. */
  readonly costPairs: number;
}

const COST_CHILD = fileURLToPath(new URL('./flow-cost-child.ts', import.meta.url));

/**
 * The row of `outcome`, and for the flow its cost against `baseline`: the median of the ratios of
 * the samples taken side by side (their range in the note).
 */
function ratioRow(
  workload: string,
  outcome: Outcome<number>,
  unit: string,
  baseline: Outcome<number>,
): Row {
  if (outcome === baseline) return rowOf(workload, outcome, unit);
  const pairs = Math.min(outcome.samples.length, baseline.samples.length);
  const ratios = outcome.samples
    .slice(0, pairs)
    .map((sample, round) => sample / (baseline.samples[round] as number));
  if (ratios.length === 0) return rowOf(workload, outcome, unit);
  const { median, min, max } = summarize(ratios);
  return rowOf(
    workload,
    outcome,
    unit,
    () => ({ value: median, to: 'hand-written Promise.all' }),
    `median of ${pairs} pairs' own ratios (${min.toFixed(2)}–${max.toFixed(2)}); own process, alternating blocks`,
  );
}

/** (a) Wall time per flow over /delay, each runner on its own warmed FuturesSession. */
async function criticalPaths(origin: string, config: FlowBenchConfig): Promise<Outcome<number>[]> {
  return interleave(
    runners.map(([name, runner]) => ({
      name: `${name} (FuturesSession)`,
      async start() {
        const session = new FuturesSession({ baseURL: origin, maxWorkers: 64 });
        const delayed: Work = (step: GraphStep) => session.get(`/delay?ms=${step.delay}`);
        await many(runner, () => session.get('/fast'), 20, 1);
        return {
          async measure() {
            const started = performance.now();
            for (let i = 0; i < config.criticalFlows; i++) await runner(delayed);
            return (performance.now() - started) / config.criticalFlows;
          },
          close: () => session.close(),
        };
      },
    })),
    config.rounds,
  );
}

/** (b) The CPU time per step of every block, per runner, from a fresh process. */
async function costs(
  origin: string,
  config: FlowBenchConfig,
): Promise<{ fast: Outcome<number>[]; tiny: Outcome<number>[] }> {
  const fast = runners.map(
    ([name]): Outcome<number> => ({ name: `${name} (FuturesSession)`, samples: [] }),
  );
  const tiny = runners.map(([name]): Outcome<number> => ({ name, samples: [] }));
  try {
    const args = [
      ['--origin', origin],
      ['--pairs', String(config.costPairs)],
      ['--fast-flows', String(config.fastFlows)],
      ['--tiny-flows', String(config.tinyFlows)],
      ['--concurrency', String(config.concurrency)],
    ].flat();
    const output = await run(process.execPath, ['--import', 'tsx', COST_CHILD, ...args]);
    const samples = JSON.parse(output) as { fast: number[][]; tiny: number[][] };
    for (const [index, outcome] of fast.entries())
      outcome.samples.push(...(samples.fast[index] ?? []));
    for (const [index, outcome] of tiny.entries())
      outcome.samples.push(...(samples.tiny[index] ?? []));
  } catch (error) {
    for (const outcome of [...fast, ...tiny]) outcome.note = `failed: ${message(error)}`;
  }
  return { fast, tiny };
}

/** The flow workloads: (a) wall time ÷ critical path over /delay, (b) CPU per step ÷ Promise code. */
export async function flowBench(origin: string, config: FlowBenchConfig): Promise<Row[]> {
  const ideal = idealCriticalPath();
  const critical = await criticalPaths(origin, config);
  const { fast, tiny } = await costs(origin, config);
  return [
    ...critical.map((outcome) =>
      rowOf(
        'Flow critical path',
        outcome,
        'ms',
        (summary) => ({ value: summary.median / ideal, to: `${ideal} ms critical path` }),
        `${graph.length} steps in 5 levels over /delay; ${config.criticalFlows} flows per round`,
      ),
    ),
    ...fast.map((outcome) =>
      ratioRow('Flow cost, /fast steps', outcome, 'µs CPU/step', fast[1] as Outcome<number>),
    ),
    ...tiny.map((outcome) =>
      ratioRow('Flow cost, tiny steps', outcome, 'ns CPU/step', tiny[1] as Outcome<number>),
    ),
  ];
}
