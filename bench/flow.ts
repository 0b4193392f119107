import { type Flow, FuturesSession, flow } from '../src/index.ts';
import { type Contender, interleave, type Outcome } from './rounds.ts';
import { summarize } from './stats.ts';
import { type Row, rowOf } from './table.ts';

// Flows: one graph of 20 steps in 5 levels of 4; each step below the first level depends on two
// steps of the level above. Two questions:
//   (a) critical path: over /delay?ms=N (N from `delays`), does a flow finish within 1.10 × the
//       longest chain of delays? Hand-written Promise code runs the same graph alongside.
//   (b) machinery cost: the client's CPU time per step, flow ÷ hand-written Promise code, over
//       /fast (each step a request), and over tiny steps that return a resolved promise (the
//       flow's own work laid bare; no request to amortise it). Both run in every round, one
//       right after the other, and the ratio is the median of the rounds' own ratios: this
//       process's CPU time per step drifts by a third between rounds on a shared machine, a
//       round's pair much less.

export interface FlowBenchConfig {
  /** (a) Flows measured per round, one after another. */
  readonly criticalFlows: number;
  /** (b) Flows over /fast per round, `concurrency` at once. */
  readonly fastFlows: number;
  readonly concurrency: number;
  /** (b) Flows of tiny steps per round. */
  readonly tinyFlows: number;
  /** (a) Rounds. */
  readonly rounds: number;
  /** (b) Rounds: pairs of samples (flow, then Promise code). */
  readonly costRounds: number;
}

const LEVELS = 5;
const WIDTH = 4;
/** The delay of step `i` of a level, in ms: varied so that one chain is the longest. */
const DELAYS = [20, 25, 30, 20];

interface GraphStep {
  readonly name: string;
  readonly after: readonly string[];
  readonly delay: number;
}

const graph: GraphStep[] = [];
for (let level = 0; level < LEVELS; level++) {
  for (let i = 0; i < WIDTH; i++) {
    const after = level === 0 ? [] : [`s${level - 1}_${i}`, `s${level - 1}_${(i + 1) % WIDTH}`];
    graph.push({ name: `s${level}_${i}`, after, delay: DELAYS[i] as number });
  }
}

/** The longest chain of delays through the graph: the least wall time any scheduler can reach. */
function idealCriticalPath(): number {
  const finish = new Map<string, number>();
  for (const step of graph) {
    const start = Math.max(0, ...step.after.map((name) => finish.get(name) as number));
    finish.set(step.name, start + step.delay);
  }
  return Math.max(...finish.values());
}

/** A step's work: given the step, returns its value (a Future, a promise). */
type Work = (step: GraphStep) => PromiseLike<unknown>;

// The graph is built step by step from data, so the names are not literal types: a loose view of
// the definition (the typed builder is proven by test/flow/types.test.ts).
interface LooseDefinition {
  step(name: string, after: readonly string[], run: () => PromiseLike<unknown>): LooseDefinition;
  start(): Flow<Record<string, unknown>>;
}

/** The graph as a flow; defined per run, as a handler closing over its request would. */
async function runFlow(work: Work): Promise<void> {
  let definition = flow({ name: 'bench' }) as unknown as LooseDefinition;
  for (const step of graph) definition = definition.step(step.name, step.after, () => work(step));
  await definition.start().onDone();
}

/** The same graph as hand-written Promise code: each step waits for `Promise.all` of its inputs. */
async function runPromises(work: Work): Promise<void> {
  const results = new Map<string, PromiseLike<unknown>>();
  for (const step of graph) {
    const result =
      step.after.length === 0
        ? work(step)
        : Promise.all(step.after.map((name) => results.get(name))).then(() => work(step));
    results.set(step.name, result);
  }
  await Promise.all(results.values());
}

type Runner = (work: Work) => Promise<void>;
const runners: readonly [string, Runner][] = [
  ['fanout flow', runFlow],
  ['hand-written Promise.all', runPromises],
];

/** Runs `count` flows, `concurrency` at a time. */
async function many(runner: Runner, work: Work, count: number, concurrency: number) {
  let left = count;
  const worker = async () => {
    while (left-- > 0) await runner(work);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * CPU time of this process (user + system), in µs, spent in `fn`. `fn` runs once unmeasured
 * first: the previous contender's garbage and this one's code are dealt with before the clock
 * starts, so the order of the contenders does not tilt the ratio.
 */
async function cpuTime(fn: () => Promise<void>): Promise<number> {
  await fn();
  const before = process.cpuUsage();
  await fn();
  const spent = process.cpuUsage(before);
  return spent.user + spent.system;
}

/** A contender on its own warmed FuturesSession; `measure` gives one sample per round. */
function sessionContender(
  name: string,
  runner: Runner,
  concurrency: number,
  origin: string,
  measure: (session: FuturesSession) => Promise<number>,
): Contender<number> {
  return {
    name,
    async start() {
      const session = new FuturesSession({ baseURL: origin, maxWorkers: 64 });
      // Warms this runner's code, and the pool to as many sockets as the measurement uses.
      await many(runner, () => session.get('/fast'), 20 * concurrency, concurrency);
      return { measure: () => measure(session), close: () => session.close() };
    },
  };
}

/**
 * The row of `outcome`, and for the flow its cost against `baseline`: the median of the ratios of
 * the samples taken in the same round (their range in the note).
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
    `median of ${pairs} rounds' own ratios (${min.toFixed(2)}–${max.toFixed(2)})`,
  );
}

/** The flow workloads: (a) wall time ÷ critical path over /delay, (b) CPU per step ÷ Promise code. */
export async function flowBench(origin: string, config: FlowBenchConfig): Promise<Row[]> {
  const ideal = idealCriticalPath();
  const delayed: Work = (step) => sessionOf(step).get(`/delay?ms=${step.delay}`);
  // `sessionOf` is set per contender before its runs (each has its own session).
  let current: FuturesSession | undefined;
  const sessionOf = (_step: GraphStep) => current as FuturesSession;

  const critical = await interleave(
    runners.map(([name, runner]) =>
      sessionContender(`${name} (FuturesSession)`, runner, 1, origin, async (session) => {
        current = session;
        const started = performance.now();
        for (let i = 0; i < config.criticalFlows; i++) await runner(delayed);
        return (performance.now() - started) / config.criticalFlows;
      }),
    ),
    config.rounds,
  );
  const steps = config.fastFlows * graph.length;
  const fast = await interleave(
    runners.map(([name, runner]) =>
      sessionContender(
        `${name} (FuturesSession)`,
        runner,
        config.concurrency,
        origin,
        async (session) => {
          const work: Work = () => session.get('/fast');
          return (
            (await cpuTime(() => many(runner, work, config.fastFlows, config.concurrency))) / steps
          );
        },
      ),
    ),
    config.costRounds,
  );
  const tinySteps = config.tinyFlows * graph.length;
  const tiny = await interleave(
    runners.map(
      ([name, runner]): Contender<number> => ({
        name,
        async start() {
          const work: Work = (step) => Promise.resolve(step.delay);
          await many(runner, work, 500, 1);
          return {
            measure: async () =>
              ((await cpuTime(() => many(runner, work, config.tinyFlows, 1))) * 1_000) / tinySteps,
            close: async () => {},
          };
        },
      }),
    ),
    config.costRounds,
  );
  return [
    ...critical.map((outcome) =>
      rowOf(
        'Flow critical path',
        outcome,
        'ms',
        (summary) => ({ value: summary.median / ideal, to: `${ideal} ms critical path` }),
        `20 steps in 5 levels over /delay; ${config.criticalFlows} flows per round`,
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
