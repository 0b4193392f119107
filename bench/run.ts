import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { startBackend } from './backend-process.ts';
import { bareDispatch, type ClientFactory, fanoutSession, undiciRequest } from './clients.ts';
import { type Summary, summarize } from './stats.ts';
import { throughput } from './throughput.ts';

// `npm run bench` — fanout against its peers, side by side in one run (see ../shared/BENCHMARKS.md).
// `--quick` is a smoke run of a few seconds (CI runs it so the suite never rots; no timing is
// asserted). `--json` prints machine-readable results instead of the table.

interface Row {
  readonly workload: string;
  readonly client: string;
  readonly unit: string;
  readonly summary?: Summary;
  /** The median divided by the reference's median, and what the reference is. */
  readonly ratio?: { value: number; to: string };
  readonly note?: string;
}

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const quick = args.quick === true;

const W2 = { total: quick ? 2_000 : 20_000, concurrency: 64, rounds: quick ? 1 : 5 };

async function w2(origin: string, factories: readonly ClientFactory[]): Promise<Row[]> {
  const available: ClientFactory[] = [];
  const rows: Row[] = [];
  for (const factory of factories) {
    const why = await factory.unavailable?.();
    if (why === undefined) available.push(factory);
    else rows.push({ workload: 'W2 throughput', client: factory.name, unit: 'req/s', note: why });
  }
  const clients = await Promise.all(
    available.map((factory) => factory.open(origin, W2.concurrency)),
  );
  for (const client of clients)
    await throughput(client, '/fast', W2.concurrency * 4, W2.concurrency);
  const samples = new Map(clients.map((client) => [client.name, [] as number[]]));
  for (let round = 0; round < W2.rounds; round++) {
    // Interleaved rounds: drift on a shared machine hits every client alike.
    for (const client of clients) {
      samples.get(client.name)?.push(await throughput(client, '/fast', W2.total, W2.concurrency));
    }
  }
  await Promise.all(clients.map((client) => client.close()));
  const reference = summarize(samples.get(undiciRequest.name) ?? [1]).median;
  for (const [client, values] of samples) {
    const summary = summarize(values);
    rows.push({
      workload: 'W2 throughput',
      client,
      unit: 'req/s',
      summary,
      ratio: { value: summary.median / reference, to: 'undici.request' },
    });
  }
  return rows;
}

function format(rows: readonly Row[]): string {
  const header = ['workload', 'client', 'median', 'min–max', 'ratio'];
  const lines = rows.map((row) => [
    row.workload,
    row.client,
    row.summary ? `${Math.round(row.summary.median).toLocaleString('en-US')} ${row.unit}` : '—',
    row.summary
      ? `${Math.round(row.summary.min).toLocaleString('en-US')}–${Math.round(row.summary.max).toLocaleString('en-US')}`
      : (row.note ?? ''),
    row.ratio ? `${row.ratio.value.toFixed(2)} × ${row.ratio.to}` : '',
  ]);
  const table = [header, header.map(() => '---'), ...lines];
  return table.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

const backend = await startBackend();
try {
  const rows = await w2(backend.origin, [undiciRequest, bareDispatch, fanoutSession]);
  const machine = `${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${cpus().length} cores${quick ? ' · --quick' : ''}`;
  if (args.json) process.stdout.write(`${JSON.stringify({ machine, rows }, null, 2)}\n`);
  else process.stdout.write(`${machine}\n\n${format(rows)}\n`);
} finally {
  await backend.stop();
}
