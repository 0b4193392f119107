import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../examples/storefront/random.ts';
import { type BeforeRetryState, FuturesSession } from '../src/index.ts';
import { type OpenConnections, type SoakBackend, startSoakBackend } from './soak-backend.ts';
import { type FaultOrigin, faultAt } from './soak-faults.ts';
import { outcomeOf, Tally } from './soak-tally.ts';

// `npm run soak` — 200,000 GETs through one FuturesSession against a loopback backend in its own
// process (bench/soak-server.ts) that injects faults: resets mid-body, 503s, answers past the
// headers and body timeouts, refused connections, bad chunked framing, content-lengths longer
// and shorter than the body (bench/soak-faults.ts has the mix). A seeded PRNG (mulberry32,
// `--seed`) picks each request's fault, so a run's sequence of requests can be replayed; the
// session's retry jitter and the scheduling of the two processes are not seeded.
// The session keeps its default retries (2 for GET), so the retry path is soaked too.
// Checks, each printed and each making the exit code 1 when violated:
//   every future settles (a watchdog gives up after STALL_MS without progress); every failure is
//   a typed FanoutError and every 200 carries the exact body; each fault ends in the outcome it
//   is meant to produce, unless one of the request's attempts met a timeout its fault does not
//   inject (a late answer on a busy machine: counted in its own column, see soak-tally.ts); no unhandledRejection, uncaughtException or FanoutWarning (such as
//   FANOUT_UNRETRIEVED: every future is awaited); client sockets and the servers' connections
//   back to their baseline after close(); heap after gc within HEAP_SLACK_MB of the baseline
//   taken after the warm-up.
// Options: --requests N (200000), --seed S (13), --workers N (64), --window N (512 requests
// awaited at once, so the executor's queue is never empty), --warmup N (5000).

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '200000' },
    seed: { type: 'string', default: '13' },
    workers: { type: 'string', default: '64' },
    window: { type: 'string', default: '512' },
    warmup: { type: 'string', default: '5000' },
  },
});

function count(name: keyof typeof args): number {
  const value = Number(args[name]);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`Expected --${name} to be an integer >= 0, got ${args[name]}`);
  }
  return value;
}

const REQUESTS = count('requests');
const SEED = count('seed');
const WORKERS = count('workers');
const WINDOW = count('window');
const WARMUP = count('warmup');
/** The session's timeouts: short, so answers past them are cheap to wait out. */
const TIMEOUT = { connect: 1_000, headers: 100, body: 100, total: 10_000 } as const;
/** A run without a single settled request for this long has futures that never settle. */
const STALL_MS = 30_000;
/** How far the heap after gc may end above the baseline. */
const HEAP_SLACK_MB = 5;
/** How long close() gets to bring sockets and connections back to their baseline. */
const DRAIN_MS = 5_000;
const MB = 1024 * 1024;

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
const gc = globalThis.gc;

const violations: string[] = [];
const warnings = new Map<string, number>();
process.on('unhandledRejection', (reason) =>
  violations.push(`unhandledRejection: ${String(reason)}`),
);
process.on('uncaughtException', (error) => violations.push(`uncaughtException: ${error.stack}`));
process.on('warning', (warning) => {
  const key = `${warning.name} ${(warning as { code?: string }).code ?? ''}`.trim();
  warnings.set(key, (warnings.get(key) ?? 0) + 1);
});

/** Client TCP sockets open in this process. */
function clientSockets(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
}

/** heapUsed after a few collections (with a turn of the event loop between, for finalizers). */
async function settledHeap(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc();
    await sleep(50);
  }
  return process.memoryUsage().heapUsed;
}

/**
 * Sends `requests` GETs, `WINDOW` awaited at once, each with the fault `random` picks, and counts
 * their outcomes. Returns how many never settled (0 unless the watchdog gave up).
 */
async function drive(
  session: FuturesSession,
  origins: Readonly<Record<FaultOrigin, string>>,
  requests: number,
  random: () => number,
  tally: Tally,
  label: string,
): Promise<number> {
  let started = 0;
  let settled = 0;
  const loop = async (): Promise<void> => {
    while (started < requests) {
      const fault = faultAt(random());
      const url = `${origins[fault.origin]}${fault.path}?n=${label}${started++}`;
      const future = session.get(url);
      let outcome: string;
      let error: unknown;
      try {
        outcome = outcomeOf({ response: await future });
      } catch (thrown) {
        [outcome, error] = [outcomeOf({ error: thrown }), thrown];
      }
      tally.add(fault, outcome, retried.get(url) ?? [], error);
      retried.delete(url);
      settled++;
    }
  };
  const loops = Promise.all(Array.from({ length: Math.min(WINDOW, requests) }, loop));
  let watchdog: NodeJS.Timeout | undefined;
  const stalled = new Promise<void>((resolve) => {
    let seen = -1;
    let since = performance.now();
    watchdog = setInterval(() => {
      if (settled !== seen) [seen, since] = [settled, performance.now()];
      else if (performance.now() - since > STALL_MS) resolve();
    }, 1_000);
  });
  try {
    await Promise.race([loops, stalled]);
  } finally {
    clearInterval(watchdog);
  }
  return started - settled;
}

/** Waits up to DRAIN_MS for the client's sockets and the backend's connections to close. */
async function drained(
  backend: SoakBackend,
  baseline: number,
): Promise<{ sockets: number; server: OpenConnections }> {
  const until = performance.now() + DRAIN_MS;
  for (;;) {
    const sockets = clientSockets();
    const server = await backend.openConnections();
    const done = sockets <= baseline && server.http === 0 && server.raw === 0;
    if (done || performance.now() > until) return { sockets, server };
    await sleep(50);
  }
}

/** The outcome of each retried attempt of the requests in flight, by URL (unique per request). */
const retried = new Map<string, string[]>();

/** Notes what the attempt being retried ended in (a session `beforeRetry` hook). */
function recordRetry({ request, response, error }: BeforeRetryState): void {
  const outcome = response === undefined ? outcomeOf({ error }) : String(response.status);
  const outcomes = retried.get(request.url);
  if (outcomes === undefined) retried.set(request.url, [outcome]);
  else outcomes.push(outcome);
}

const random = mulberry32(SEED);
const backend = await startSoakBackend();
const socketsBefore = clientSockets();
const session = new FuturesSession({
  maxWorkers: WORKERS,
  timeout: TIMEOUT,
  hooks: { beforeRetry: [recordRetry] },
});

await drive(session, backend.origins, WARMUP, random, new Tally(), 'warmup-');
const heapBefore = await settledHeap();

const tally = new Tally();
const started = performance.now();
const unsettled = await drive(session, backend.origins, REQUESTS, random, tally, '');
const wallMs = performance.now() - started;
if (unsettled > 0)
  violations.push(`${unsettled} futures never settled (none did for ${STALL_MS} ms)`);

const heapAfter = await settledHeap();
await session.close({ cancelPending: unsettled > 0 });
const after = await drained(backend, socketsBefore);
await settledHeap(); // collects what close() let go of, so FANOUT_UNRETRIEVED would show now
await backend.stop();

violations.push(...tally.violations());
if (retried.size > unsettled) violations.push(`harness: ${retried.size} retry records left over`);
if (tally.total !== REQUESTS - unsettled) {
  violations.push(`${tally.total} outcomes counted for ${REQUESTS - unsettled} settled requests`);
}
for (const [warning, times] of warnings) {
  if (warning.startsWith('FanoutWarning')) violations.push(`${times} × warning ${warning}`);
}
if (after.sockets > socketsBefore) {
  violations.push(`client sockets: ${after.sockets} open after close(), ${socketsBefore} before`);
}
if (after.server.http + after.server.raw > 0) {
  violations.push(`backend connections still open after close(): ${JSON.stringify(after.server)}`);
}
const heapGrowthMB = (heapAfter - heapBefore) / MB;
if (heapGrowthMB > HEAP_SLACK_MB) {
  violations.push(`heap after gc grew by ${heapGrowthMB.toFixed(1)} MB (allowed ${HEAP_SLACK_MB})`);
}

const seconds = wallMs / 1000;
const rssPeakMB = (process.resourceUsage().maxRSS * 1024) / MB;
console.log(`soak: seed ${SEED}, ${WORKERS} workers, ${WINDOW} awaited at once, timeouts ${JSON.stringify(TIMEOUT)}, retry: the session's default (2 for GET); ${WARMUP.toLocaleString('en-US')} warm-up requests first
requests      ${REQUESTS.toLocaleString('en-US')}
wall time     ${seconds.toFixed(1)} s
throughput    ${Math.round(REQUESTS / seconds).toLocaleString('en-US')} req/s
retries       ${tally.retries.toLocaleString('en-US')} (attempts after the first)
sockets       client ${socketsBefore} before, ${after.sockets} after close(); backend ${after.server.http + after.server.raw} open after close()
heap after gc ${(heapBefore / MB).toFixed(1)} MB after warm-up, ${(heapAfter / MB).toFixed(1)} MB after the run (${heapGrowthMB >= 0 ? '+' : ''}${heapGrowthMB.toFixed(1)} MB)
RSS peak      ${rssPeakMB.toFixed(0)} MB
warnings      ${warnings.size === 0 ? 'none' : [...warnings].map(([w, n]) => `${n} × ${w}`).join(', ')}

${tally.table()}
`);
if (violations.length === 0) {
  console.log('soak: no violations');
} else {
  console.log(`soak: ${violations.length} violation(s):\n- ${violations.join('\n- ')}`);
  process.exitCode = 1;
}
