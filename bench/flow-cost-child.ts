import { parseArgs } from 'node:util';
import { FuturesSession } from '../src/index.ts';
import { graph, many, runners, type Work } from './flow-graph.ts';

// The flow machinery's cost, in a fresh process:
//   node --import tsx bench/flow-cost-child.ts --origin http://127.0.0.1:PORT --rounds 15
//     --fast-flows 500 --tiny-flows 5000 --concurrency 8
// Fresh, because the bench's own process has entered an AsyncLocalStorage by then (the traced
// page of W4): Node then runs a hook for every promise, which weighs on promise-heavy code (the
// hand-written baseline) more than on the flow's, and would flatter the flow. Each round runs the
// flow, then the hand-written Promise code: first over /fast (each step a request on one warmed
// FuturesSession per runner, `concurrency` graphs at a time), then over tiny steps (a resolved
// promise each, one graph at a time). Prints JSON: the CPU time per step of every round, in µs
// (/fast) and ns (tiny), per runner, in the order of `runners`.

const { values } = parseArgs({
  options: {
    origin: { type: 'string' },
    rounds: { type: 'string', default: '15' },
    'fast-flows': { type: 'string', default: '500' },
    'tiny-flows': { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '8' },
  },
});
const { origin } = values;
if (!origin?.startsWith('http://127.')) throw new Error('--origin: a loopback origin');
const rounds = Number(values.rounds);
const fastFlows = Number(values['fast-flows']);
const tinyFlows = Number(values['tiny-flows']);
const concurrency = Number(values.concurrency);

/**
 * CPU time of this process (user + system), in µs, spent in `fn`. `fn` runs once unmeasured
 * first: the other runner's garbage and this one's code are dealt with before the clock starts,
 * so the order of the runners does not tilt the ratio.
 */
async function cpuTime(fn: () => Promise<void>): Promise<number> {
  await fn();
  const before = process.cpuUsage();
  await fn();
  const spent = process.cpuUsage(before);
  return spent.user + spent.system;
}

const tinyWork: Work = (step) => Promise.resolve(step.delay);
const sessions = runners.map(() => new FuturesSession({ baseURL: origin, maxWorkers: 64 }));
const fastWork = sessions.map(
  (session): Work =>
    () =>
      session.get('/fast'),
);
// Warm each runner's code, and its pool to as many sockets as the measurement uses.
for (const [index, [, runner]] of runners.entries()) {
  await many(runner, fastWork[index] as Work, 20 * concurrency, concurrency);
  await many(runner, tinyWork, 500, 1);
}

// The /fast rounds, then the tiny ones: a /fast sample's garbage stays out of the tiny samples.
const fast: number[][] = runners.map(() => []);
for (let round = 0; round < rounds; round++) {
  for (const [index, [, runner]] of runners.entries()) {
    const work = fastWork[index] as Work;
    const cpu = await cpuTime(() => many(runner, work, fastFlows, concurrency));
    fast[index]?.push(cpu / (fastFlows * graph.length));
  }
}
const tiny: number[][] = runners.map(() => []);
for (let round = 0; round < rounds; round++) {
  for (const [index, [, runner]] of runners.entries()) {
    const cpu = await cpuTime(() => many(runner, tinyWork, tinyFlows, 1));
    tiny[index]?.push((cpu * 1_000) / (tinyFlows * graph.length));
  }
}
for (const session of sessions) await session.close();
process.stdout.write(`${JSON.stringify({ fast, tiny })}\n`);
