import { parseArgs } from 'node:util';
import { isolatedClients } from './clients.ts';
import { warm } from './node-contender.ts';
import { throughput } from './throughput.ts';

// One W2 round in a fresh process: node --import tsx bench/w2-child.ts <client id>
//   --origin http://127.0.0.1:PORT --total 20000 --concurrency 64
// For clients that change the whole process: tracing enters an AsyncLocalStorage, after which
// Node runs promise hooks for every promise in the process; measured in-process, every client
// after it would pay for them too. Prints the req/s.

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    origin: { type: 'string' },
    total: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '64' },
  },
});
const factory = isolatedClients.find((client) => client.id === positionals[0]);
if (factory === undefined) throw new Error(`unknown client: ${positionals[0]}`);
if (!values.origin?.startsWith('http://127.')) throw new Error('--origin: a loopback origin');
const concurrency = Number(values.concurrency);
const client = await factory.open(values.origin, concurrency);
await warm(client, concurrency);
// A fresh process runs cold code: one unmeasured round of the same size first, for the JIT.
await throughput(client, '/fast', Number(values.total), concurrency);
const rps = await throughput(client, '/fast', Number(values.total), concurrency);
await client.close();
process.stdout.write(`${rps}\n`);
