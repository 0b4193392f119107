import { parseArgs } from 'node:util';
import { FuturesSession } from '../src/index.ts';
import { alternate } from './alternate.ts';
import { graph, many, runners, type Work } from './flow-graph.ts';

// The flow machinery's cost, in a fresh process:
//   node --import tsx bench/flow-cost-child.ts --origin http://127.0.0.1:PORT --pairs 60
//     --fast-flows 100 --tiny-flows 2000 --concurrency 8
// Fresh, because the bench's own process has entered an AsyncLocalStorage by then (the traced
// page of W4): Node then runs a hook for every promise, which weighs on promise-heavy code (the
// hand-written baseline) more than on the flow's, and would flatter the flow.
// The flow and the hand-written Promise code run in alternating blocks, `pairs` pairs, in the
// order flow-code, code-flow, … so that a machine getting faster or slower weighs on both alike:
// first over /fast (each step a request on one warmed FuturesSession, `concurrency` graphs at a
// time, `fast-flows` graphs a block), then over tiny steps (a resolved promise each, one graph at
// a time, `tiny-flows` graphs a block). Prints JSON: the CPU time per step of every block, in µs
// (/fast) and ns (tiny), per runner in the order of `runners`, pair by pair.

const { values } = parseArgs({
  options: {
    origin: { type: 'string' },
    pairs: { type: 'string', default: '60' },
    'fast-flows': { type: 'string', default: '100' },
    'tiny-flows': { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '8' },
  },
});
const { origin } = values;
if (!origin?.startsWith('http://127.')) throw new Error('--origin: a loopback origin');
const pairs = Number(values.pairs);
const fastFlows = Number(values['fast-flows']);
const tinyFlows = Number(values['tiny-flows']);
const concurrency = Number(values.concurrency);

const session = new FuturesSession({ baseURL: origin, maxWorkers: 64 });
const fastWork: Work = () => session.get('/fast');
const tinyWork: Work = (step) => Promise.resolve(step.delay);

/** CPU time of this process (user + system) per step of `flows` graphs, in µs. */
async function cpuPerStep(runIt: () => Promise<void>, flows: number): Promise<number> {
  const before = process.cpuUsage();
  await runIt();
  const spent = process.cpuUsage(before);
  return (spent.user + spent.system) / (flows * graph.length);
}

/** `pairs` pairs of blocks of the two runners (see `alternate`); µs per step × `scale`. */
async function pairsOf(work: Work, flows: number, atOnce: number, scale: number) {
  const block = async (side: 0 | 1) => {
    const runner = (runners[side] as (typeof runners)[number])[1];
    return (await cpuPerStep(() => many(runner, work, flows, atOnce), flows)) * scale;
  };
  // Warm both (the JIT, and the pool to as many sockets as the blocks use), unmeasured.
  await alternate(3, block);
  return alternate(pairs, block);
}

const fast = await pairsOf(fastWork, fastFlows, concurrency, 1);
const tiny = await pairsOf(tinyWork, tinyFlows, 1, 1_000);
await session.close();
process.stdout.write(`${JSON.stringify({ fast, tiny })}\n`);
