import { AsyncLocalStorage } from 'node:async_hooks';
import { parseArgs } from 'node:util';
import { FuturesSession } from '../src/index.ts';
import { alternate } from './alternate.ts';
import { boundGet } from './clients/fanout-futures-session.ts';
import type { Client } from './clients/types.ts';
import { median } from './stats.ts';
import { throughput } from './throughput.ts';

// One round of a W2 cost in a fresh process:
//   node --import tsx bench/tracing-cost-child.ts bind|async-context --origin http://127.0.0.1:PORT
//     --pairs 60 --block 2000 --concurrency 64
// One FuturesSession is driven by W2's loop in blocks of `block` requests, alternately as it is
// and with the cost on: `bind`, through `trace.bind` views (a new trace every 30 requests);
// `async-context`, with an AsyncLocalStorage unrelated to fanout entered for the block (Node's own
// price for async context, which `trace.run` pays on top of the recording). `pairs` pairs, in the
// order off-on, on-off, … so that a machine getting faster or slower during the round weighs on
// both alike. Prints the cost: the median over the pairs of the req/s the block with the cost on
// lost against its partner, in % (the median, so that a pause of the shared machine in one block
// does not decide it).

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    origin: { type: 'string' },
    pairs: { type: 'string', default: '60' },
    block: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '64' },
  },
});
const [cost] = positionals;
if (cost !== 'bind' && cost !== 'async-context') throw new Error('bind or async-context');
if (!values.origin?.startsWith('http://127.')) throw new Error('--origin: a loopback origin');
const pairs = Number(values.pairs);
const block = Number(values.block);
const concurrency = Number(values.concurrency);

const session = new FuturesSession({ baseURL: values.origin, maxWorkers: concurrency });
const close = () => session.close();
const off: Client = { name: 'off', get: (path) => session.get(path), close };
// With the cost on: through trace.bind views, or the same gets in an AsyncLocalStorage context (no
// Trace is made then, so tracing is not installed at all).
const on: Client = { name: cost, get: cost === 'bind' ? boundGet(session) : off.get, close };
const storage = new AsyncLocalStorage<number>();

// The time one block of `client` takes, in ms.
async function timeBlock(client: Client): Promise<number> {
  const inContext = client === on && cost === 'async-context';
  if (inContext) storage.enterWith(1);
  const started = performance.now();
  await throughput(client, '/fast', block, concurrency);
  const spent = performance.now() - started;
  // The last store disabled turns Node's promise hooks off again.
  if (inContext) storage.disable();
  return spent;
}

// Warm pool and JIT both ways first (unmeasured).
for (const client of [off, on]) {
  for (let round = 0; round < 5; round++) await timeBlock(client);
}
// Per pair: how much of the req/s the block with the cost on lost against its partner, in %.
const [offMs, onMs] = await alternate(pairs, (side) => timeBlock(side === 0 ? off : on));
const costs = offMs.map((ms, pair) => (1 - ms / (onMs[pair] as number)) * 100);
await session.close();
process.stdout.write(`${median(costs)}\n`);
