import { Agent, get } from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { drawLatencies } from '../examples/storefront/catalog.ts';
import { criticalPath, serialTime } from '../examples/storefront/critical-path.ts';
import { MODES, type Mode } from '../examples/storefront/layout.ts';
import { needsOf, SECTIONS } from '../examples/storefront/sections.ts';
import { startStorefront } from '../examples/storefront/server.ts';
import { startServices } from '../examples/storefront/services.ts';
import { type Contender, interleave, type Outcome } from './rounds.ts';
import { format, type Row, rowOf } from './table.ts';

export interface W4Config {
  /** Multiplies the demo's service latencies (1: as `npm start` serves them). */
  readonly scale: number;
  readonly rounds: number;
  /** Page views per mode before the measured rounds (pools and JIT warm). */
  readonly warmViews: number;
}

/** One page view as the client saw it, in ms from sending the request. */
interface View {
  readonly firstByte: number;
  readonly total: number;
  /** Whether the first byte arrived before the slowest service had answered this view. */
  readonly beforeSlowest: boolean;
}

/**
 * Fetches `url` and times its first body byte and its end; `slowestAnswered` tells when (in
 * `performance.now()` time) the slowest service last answered.
 */
function view(url: string, agent: Agent, slowestAnswered: () => number): Promise<View> {
  return new Promise((resolve, reject) => {
    const sent = performance.now();
    let firstByteAt: number | undefined;
    get(url, { agent }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`GET ${url}: HTTP ${response.statusCode}`));
        return;
      }
      response.on('data', () => {
        firstByteAt ??= performance.now();
      });
      response.on('end', () => {
        const end = performance.now();
        const first = firstByteAt ?? end;
        resolve({
          firstByte: first - sent,
          total: end - sent,
          beforeSlowest: first < slowestAnswered(),
        });
      });
      response.on('error', reject);
    }).on('error', reject);
  });
}

/**
 * W4 page: the demo storefront's home page (≈30 sections over ≈30 simulated services with
 * fixed-seed lognormal latencies) in each mode — serial, parallel, streamed — against its
 * services on loopback. Time to first byte and to the last, each ÷ the critical path of the
 * service latencies through the sections' dependency edges (serial is bound by their sum).
 * Whether the first byte leaves before the slowest service answers is counted per round.
 * Services, storefront and client share this process.
 */
export async function w4(config: W4Config): Promise<Row[]> {
  const latencies = drawLatencies({ scale: config.scale });
  const path = criticalPath(latencies, needsOf(SECTIONS));
  const sum = serialTime(latencies);
  const [slowest] = [...latencies].reduce((a, b) => (b[1] > a[1] ? b : a));
  // While the slowest service's answer of the view in flight is outstanding, +Infinity.
  let slowestAnsweredAt = Number.POSITIVE_INFINITY;
  const services = await startServices({
    latencies,
    onAnswer: (service, at) => {
      if (service === slowest) slowestAnsweredAt = at;
    },
  });
  const storefront = await startStorefront({ services: services.origin });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const contender = (mode: Mode): Contender<View> => ({
    name: mode,
    async start() {
      const measure = () => {
        slowestAnsweredAt = Number.POSITIVE_INFINITY;
        return view(`${storefront.url}?mode=${mode}`, agent, () => slowestAnsweredAt);
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
    await services.close();
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
