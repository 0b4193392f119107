import { parseArgs } from 'node:util';
import { FuturesSession } from '../src/index.ts';
import { boundGet } from './clients/fanout-futures-session.ts';
import type { Client } from './clients/types.ts';
import { median } from './stats.ts';
import { throughput } from './throughput.ts';

// One round of W2's tracing cost in a fresh process:
//   node --import tsx bench/tracing-cost-child.ts --origin http://127.0.0.1:PORT
//     --pairs 20 --block 2000 --concurrency 64
// One FuturesSession is driven by W2's loop in blocks of `block` requests, alternately as it is
// and through `trace.bind` views (a new trace every 30 requests): `pairs` pairs, in the order
// untraced-traced, traced-untraced, … so that a machine getting faster or slower during the round
// weighs on both alike. Prints the cost: the median over the pairs of the req/s the traced block
// lost against its untraced partner, in % (the median, so that a pause of the shared machine in one
// block does not decide it).

const { values } = parseArgs({
  options: {
    origin: { type: 'string' },
    pairs: { type: 'string', default: '20' },
    block: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '64' },
  },
});
if (!values.origin?.startsWith('http://127.')) throw new Error('--origin: a loopback origin');
const pairs = Number(values.pairs);
const block = Number(values.block);
const concurrency = Number(values.concurrency);

const session = new FuturesSession({ baseURL: values.origin, maxWorkers: concurrency });
const close = () => session.close();
const untraced: Client = { name: 'untraced', get: (path) => session.get(path), close };
const traced: Client = { name: 'trace.bind', get: boundGet(session), close };

// The time one block of `client` takes, in ms.
async function timeBlock(client: Client): Promise<number> {
  const started = performance.now();
  await throughput(client, '/fast', block, concurrency);
  return performance.now() - started;
}

// Warm pool and JIT for both variants first (unmeasured).
for (const client of [untraced, traced]) await throughput(client, '/fast', block * 5, concurrency);
// Per pair: how much longer the traced block took than the untraced one, in %.
const costs: number[] = [];
for (let pair = 0; pair < pairs; pair++) {
  const tracedFirst = pair % 2 === 1;
  const first = await timeBlock(tracedFirst ? traced : untraced);
  const second = await timeBlock(tracedFirst ? untraced : traced);
  const [tracedMs, untracedMs] = tracedFirst ? [first, second] : [second, first];
  costs.push((1 - untracedMs / tracedMs) * 100);
}
await session.close();
process.stdout.write(`${median(costs)}\n`);
