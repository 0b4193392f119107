import { spawn } from 'node:child_process';
import { Agent, get } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { drawLatencies } from '../examples/storefront/catalog.ts';
import { criticalPath, serialTime } from '../examples/storefront/critical-path.ts';
import { MODES, type Mode } from '../examples/storefront/layout.ts';
import { needsOf, SECTIONS } from '../examples/storefront/sections.ts';
import { startStorefront } from '../examples/storefront/server.ts';
import { type Backend, served } from './backend-process.ts';
import { type Contender, interleave, type Outcome } from './rounds.ts';
import { format, type Row, rowOf } from './table.ts';

export interface W4Config {
  /** Multiplies the demo's service latencies (1: as `npm start` serves them). */
  readonly scale: number;
  readonly rounds: number;
  /** Page views per mode before the measured rounds (pools and JIT warm). */
  readonly warmViews: number;
}

/** One page view as the client saw it, in ms since the epoch. */
interface Timing {
  readonly sent: number;
  readonly firstByteAt: number;
  readonly endAt: number;
}

/** One measured view, in ms from sending the request. */
interface View {
  readonly firstByte: number;
  readonly total: number;
  /** Whether the first byte arrived before the slowest service had answered this view. */
  readonly beforeSlowest: boolean;
}

/** Ms since the epoch, as precise as `performance.now()`: one clock across processes. */
const epoch = () => performance.timeOrigin + performance.now();

/** Fetches `url` (a 200 page) and times its first body byte and its end. */
function fetchPage(url: string, agent: Agent): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const sent = epoch();
    let firstByteAt: number | undefined;
    get(url, { agent }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`GET ${url}: HTTP ${response.statusCode}`));
        return;
      }
      response.on('data', () => {
        firstByteAt ??= epoch();
      });
      response.on('end', () => {
        const endAt = epoch();
        resolve({ sent, firstByteAt: firstByteAt ?? endAt, endAt });
      });
      response.on('error', reject);
    }).on('error', reject);
  });
}

/**
 * When the slowest service answered, as its process reports it (IPC may deliver a report after
 * the page that waited for it has ended, so {@link after} waits for it).
 */
class SlowestAnswers {
  /** Every report, in ms since the epoch, in arrival order. */
  readonly #times: number[] = [];
  /** Callers of `after` waiting for a report later than their time. */
  #waiters: { readonly time: number; readonly resolve: (at: number) => void }[] = [];

  report(at: number): void {
    this.#times.push(at);
    const ready = this.#waiters.filter((waiter) => at >= waiter.time);
    this.#waiters = this.#waiters.filter((waiter) => at < waiter.time);
    for (const waiter of ready) waiter.resolve(at);
  }

  /** The first answer at or after `time` (ms since the epoch). */
  after(time: number): Promise<number> {
    const known = this.#times.find((at) => at >= time);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve) => this.#waiters.push({ time, resolve }));
  }
}

/** Starts bench/w4-services.ts; `onSlowestAnswer` is told each time the slowest service answers. */
async function startServicesProcess(
  scale: number,
  onSlowestAnswer: (at: number) => void,
): Promise<Backend> {
  const script = fileURLToPath(new URL('./w4-services.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, String(scale)], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  child.on('message', (message: { at: number }) => onSlowestAnswer(message.at));
  return served(child, 'W4 services');
}

/**
 * W4 page: the demo storefront's home page (≈30 sections over ≈30 simulated services with
 * fixed-seed lognormal latencies) in each mode — serial, parallel, streamed — against its
 * services on loopback. Time to first byte and to the last, each ÷ the critical path of the
 * service latencies through the sections' dependency edges (serial is bound by their sum).
 * Whether the first byte arrives before the slowest service answers is counted per round. The
 * services run in their own process; the storefront and the client share this one.
 */
export async function w4(config: W4Config): Promise<Row[]> {
  const latencies = drawLatencies({ scale: config.scale });
  const path = criticalPath(latencies, needsOf(SECTIONS));
  const sum = serialTime(latencies);
  const [slowest] = [...latencies].reduce((a, b) => (b[1] > a[1] ? b : a));
  const answers = new SlowestAnswers();
  const services = await startServicesProcess(config.scale, (at) => answers.report(at));
  const storefront = await startStorefront({ services: services.origin });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const contender = (mode: Mode): Contender<View> => ({
    name: mode,
    async start() {
      const measure = async (): Promise<View> => {
        const { sent, firstByteAt, endAt } = await fetchPage(
          `${storefront.url}?mode=${mode}`,
          agent,
        );
        const slowestAt = await answers.after(sent);
        return {
          firstByte: firstByteAt - sent,
          total: endAt - sent,
          beforeSlowest: firstByteAt < slowestAt,
        };
      };
      for (let index = 0; index < config.warmViews; index++) await measure();
      return { measure, close: async () => {} };
    },
  });
  let outcomes: Outcome<View>[];
  try {
    outcomes = await interleave(MODES.map(contender), config.rounds);
  } finally {
    agent.destroy();
    await storefront.close();
    await services.stop();
  }
  const to = `critical path ${path.ms.toFixed(0)} ms`;
  const ratio = (median: number) => ({ value: median / path.ms, to });
  return outcomes.flatMap((outcome) => {
    const of = (pick: (sample: View) => number): Outcome<number> => ({
      name: outcome.name,
      samples: outcome.samples.map(pick),
      ...(outcome.note === undefined ? {} : { note: outcome.note }),
    });
    const early = outcome.samples.filter((sample) => sample.beforeSlowest).length;
    const firstNote = `before the slowest service (${slowest}) answered in ${early}/${outcome.samples.length} rounds`;
    const totalNote =
      outcome.name === 'serial' ? `sum of latencies ${sum.toFixed(0)} ms` : undefined;
    return [
      rowOf(
        'W4 page',
        { ...of((sample) => sample.total), name: `${outcome.name}: total` },
        'ms',
        (summary) => ratio(summary.median),
        totalNote,
      ),
      rowOf(
        'W4 page',
        { ...of((sample) => sample.firstByte), name: `${outcome.name}: first byte` },
        'ms',
        (summary) => ratio(summary.median),
        firstNote,
      ),
    ];
  });
}

/** The W4 settings of a full run, or of `--quick`. */
export function w4Config(quick: boolean): W4Config {
  return quick ? { scale: 0.25, rounds: 1, warmViews: 1 } : { scale: 1, rounds: 5, warmViews: 3 };
}

// Run alone: `npx tsx bench/w4.ts [--quick]` prints W4's rows.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  process.stdout.write(`${format(await w4(w4Config(values.quick === true)))}\n`);
}
