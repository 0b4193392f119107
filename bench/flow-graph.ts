import { type Flow, flow } from '../src/index.ts';

// The flow workloads' graph: 20 steps in 5 levels of 4; each step below the first level depends
// on two steps of the level above. It runs as a fanout flow and as hand-written Promise code.

const LEVELS = 5;
const WIDTH = 4;
/** The delay of step `i` of a level, in ms: varied so that one chain is the longest. */
const DELAYS = [20, 25, 30, 20];

export interface GraphStep {
  readonly name: string;
  readonly after: readonly string[];
  readonly delay: number;
}

export const graph: GraphStep[] = [];
for (let level = 0; level < LEVELS; level++) {
  for (let i = 0; i < WIDTH; i++) {
    const after = level === 0 ? [] : [`s${level - 1}_${i}`, `s${level - 1}_${(i + 1) % WIDTH}`];
    graph.push({ name: `s${level}_${i}`, after, delay: DELAYS[i] as number });
  }
}

/** The longest chain of delays through the graph: the least wall time any scheduler can reach. */
export function idealCriticalPath(): number {
  const finish = new Map<string, number>();
  for (const step of graph) {
    const start = Math.max(0, ...step.after.map((name) => finish.get(name) as number));
    finish.set(step.name, start + step.delay);
  }
  return Math.max(...finish.values());
}

/** A step's work: given the step, returns its value (a Future, a promise). */
export type Work = (step: GraphStep) => PromiseLike<unknown>;

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

export type Runner = (work: Work) => Promise<void>;

/** The two ways to run the graph, by name: the flow first, then its baseline. */
export const runners: readonly [string, Runner][] = [
  ['fanout flow', runFlow],
  ['hand-written Promise.all', runPromises],
];

/** Runs `count` graphs, `concurrency` at a time. */
export async function many(runner: Runner, work: Work, count: number, concurrency: number) {
  let left = count;
  const worker = async () => {
    while (left-- > 0) await runner(work);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
