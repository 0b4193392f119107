import { parseArgs } from 'node:util';
import { Future } from '../src/index.ts';
import { type Client, clientById } from './clients.ts';
import { warm } from './node-contender.ts';
import { drain } from './promise-queue.ts';

// W3 in a fresh process: node --expose-gc --import tsx bench/w3-child.ts <client id>
//   --origin http://127.0.0.1:PORT --total 100000 --limit 64 --runs 1
// Opens the client with `limit`, warms it, takes the idle RSS baseline (after gc), then `runs`
// times submits `total` GETs of /fast at once and waits for all, sampling RSS every millisecond.
// Prints { baseline, runs: [{ peak, heap, after, ms }] } as JSON (bytes; heap is heapUsed right
// after the submission over the idle heapUsed, after is the RSS once all finished and gc ran).

export interface W3Run {
  readonly peak: number;
  readonly heap: number;
  readonly after: number;
  readonly ms: number;
}

export interface W3Result {
  readonly baseline: number;
  readonly runs: W3Run[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    origin: { type: 'string' },
    total: { type: 'string', default: '100000' },
    limit: { type: 'string', default: '64' },
    runs: { type: 'string', default: '1' },
  },
});
const factory = clientById(positionals[0] ?? '');
if (factory === undefined) throw new Error(`unknown client: ${positionals[0]}`);
if (!values.origin?.startsWith('http://127.')) throw new Error('--origin: a loopback origin');
const total = Number(values.total);
const limit = Number(values.limit);

async function settle(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Submits `total` requests at once; calls `submitted` once they are all queued. */
async function submitAll(client: Client, total: number, submitted: () => void): Promise<void> {
  if (client.queues) {
    // The client is an executor: every request goes to it now, each dropped once settled. A
    // future is watched the concurrent.futures way, with a done callback (requests-futures' W3
    // does the same with add_done_callback): a `then` per queued future would add a promise
    // pair to each entry of the queue, measuring the harness rather than the queue.
    await new Promise<void>((resolve, reject) => {
      let left = total;
      const done = () => {
        if (--left === 0) resolve();
      };
      const settled = (future: Future<unknown>) =>
        future.exception().then((error) => (error === undefined ? done() : reject(error)), reject);
      for (let i = 0; i < total; i++) {
        const request = client.get('/fast');
        if (request instanceof Future) request.addDoneCallback(settled);
        else request.then(done, reject);
      }
      submitted();
    });
    return;
  }
  // The bare promise queue: `total` thunks in an array, `limit` runners.
  const thunks = Array.from({ length: total }, () => () => client.get('/fast'));
  const drained = drain(thunks, limit);
  submitted();
  await drained;
}

const client = await factory.open(values.origin, limit);
await warm(client, limit);
// A small queued run too, so its code is compiled and its pools sized before the baseline.
await submitAll(client, Math.min(total, 2_000), () => {});
await settle();
const baseline = process.memoryUsage.rss();
const runs: W3Run[] = [];
for (let run = 0; run < Number(values.runs); run++) {
  await settle();
  const heapIdle = process.memoryUsage().heapUsed;
  let peak = process.memoryUsage.rss();
  let heap = 0;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage.rss());
  };
  const sampler = setInterval(sample, 1);
  const started = performance.now();
  await submitAll(client, total, () => {
    heap = process.memoryUsage().heapUsed - heapIdle;
    sample();
  });
  const ms = performance.now() - started;
  clearInterval(sampler);
  sample();
  await settle();
  runs.push({ peak, heap, after: process.memoryUsage.rss(), ms });
}
await client.close();
process.stdout.write(`${JSON.stringify({ baseline, runs } satisfies W3Result)}\n`);
