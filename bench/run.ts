import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { adaptive } from './adaptive.ts';
import { startBackend } from './backend-process.ts';
import { flowBench } from './flow.ts';
import { format, type Row } from './table.ts';
import { w1 } from './w1.ts';
import { w2 } from './w2.ts';
import { w3 } from './w3.ts';
import { w4, w4Config } from './w4.ts';
import { w5 } from './w5.ts';
import { w6 } from './w6.ts';

// `npm run bench` — fanout against its peers, side by side in one run (see ../shared/BENCHMARKS.md):
//   W1 fan-out     100 GETs of /delay?ms=50 at once, wall time ÷ 50 ms
//   W2 throughput  20,000 GETs of /fast, 64 in flight, req/s ÷ undici.request
//   W3 memory      100,000 GETs of /fast queued at once to 64 workers, peak RSS per request
//   W4 page        the demo storefront in each mode: first and last byte ÷ the critical path
//   W5 tail/storm  p99 with and without hedging (2 % of answers 20 × slower), and the load a
//                  503 storm causes with retries, with and without a retry budget
//   W6 HTTP/2      one origin over TLS (h2 and HTTP/1.1 by ALPN): 1,000 GETs of /fast at 64 and
//                  at 100 in flight, req/s ÷ undici allowH2, and 100 GETs of /delay?ms=50 at once,
//                  wall time ÷ 50 ms; with the connections each client opened
//   Flow           a flow of 20 steps in 5 levels: wall time ÷ its critical path over /delay, and
//                  its CPU per step ÷ hand-written Promise code (over /fast, and tiny steps)
//   Adaptive       a backend whose latency rises past a knee (16 workers), 128 callers: the
//                  limit a fixed maxPerOrigin, AIMD and the gradient limit settle at ÷ the knee
// Peers: undici.request, a bare dispatch floor, fetch, node-fetch, axios, got, Python's
// requests-futures and wrk; a peer missing or failing gets a note in its row, never fails the run.
// Each client is warmed first; rounds are interleaved across clients; median and min–max.
// `--quick` is a smoke run of about two minutes (CI runs it so the suite never rots; no timing
// is asserted). `--json` prints machine-readable results instead of the table. `--only w5` (or
// `w1,w3`, …) runs only those workloads.

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const quick = args.quick === true;

const W1 = { count: 100, delayMs: 50, rounds: quick ? 1 : 5 };
const W2 = {
  total: quick ? 2_000 : 20_000,
  concurrency: 64,
  rounds: quick ? 1 : 5,
  pythonTotal: quick ? 1_000 : 5_000,
  wrkSeconds: quick ? 1 : 3,
  costPairs: quick ? 3 : 60,
  costBlock: quick ? 1_000 : 2_000,
};
const W3 = {
  total: quick ? 10_000 : 100_000,
  limit: 64,
  rounds: quick ? 1 : 5,
  leakRuns: quick ? 3 : 10,
  pythonTotal: quick ? 2_000 : 10_000,
};

const W4 = w4Config(quick);
const W5 = {
  requests: quick ? 500 : 2_000,
  warmup: quick ? 100 : 500,
  delayMs: 5,
  concurrency: 16,
  stormCalls: quick ? 200 : 1_000,
  rounds: quick ? 1 : 5,
};
const W6 = {
  total: 1_000,
  warmup: quick ? 2_000 : 3_000,
  inFlight: [64, 100],
  fanOut: 100,
  delayMs: 50,
  rounds: quick ? 1 : 5,
};
const ADAPTIVE = {
  knee: 16,
  baseMs: 20,
  users: 128,
  seconds: quick ? 2 : 6,
  rounds: quick ? 1 : 3,
};
const FLOW = {
  criticalFlows: quick ? 2 : 5,
  fastFlows: quick ? 50 : 100,
  concurrency: 8,
  tinyFlows: quick ? 500 : 2_000,
  rounds: quick ? 1 : 5,
  costPairs: quick ? 5 : 60,
};
const only = args.only === undefined ? undefined : new Set(args.only.toLowerCase().split(','));
const runs = (name: string) => only === undefined || only.has(name);

const started = performance.now();
const backend = await startBackend();
let rows: Row[];
try {
  rows = [
    ...(runs('w1') ? await w1(backend.origin, W1) : []),
    ...(runs('w2') ? await w2(backend.origin, W2) : []),
    ...(runs('w3') ? await w3(backend.origin, W3) : []),
    ...(runs('w4') ? await w4(W4) : []),
    ...(runs('w5') ? await w5(backend.origin, W5) : []),
    ...(runs('w6') ? await w6(W6) : []),
    ...(runs('flow') ? await flowBench(backend.origin, FLOW) : []),
    ...(runs('adaptive') ? await adaptive(backend.origin, ADAPTIVE) : []),
  ];
} finally {
  await backend.stop();
}
const seconds = (performance.now() - started) / 1000;
const machine = `${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${cpus().length} cores${quick ? ' · --quick' : ''} · ${seconds.toFixed(0)} s`;
if (args.json) {
  const config = { quick, W1, W2, W3, W4, W5, W6, FLOW, ADAPTIVE };
  process.stdout.write(`${JSON.stringify({ machine, config, rows }, null, 2)}\n`);
} else process.stdout.write(`${machine}\n\n${format(rows)}\n`);
