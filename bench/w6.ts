import {
  type Client,
  fanoutFuturesSessionH2,
  fanoutSessionH2,
  gotH2,
  type SecureClientFactory,
  secureClients,
  undiciH2,
} from './clients.ts';
import { fanOut } from './fan-out.ts';
import { type H2Backend, type H2Stats, startH2Backend } from './h2-backend-process.ts';
import { warm } from './node-contender.ts';
import { type Contender, interleave, message, type Outcome } from './rounds.ts';
import { median } from './stats.ts';
import { type Row, rowOf } from './table.ts';
import { throughput } from './throughput.ts';

export interface W6Config {
  /** GETs of /fast per round, at each of `inFlight`. */
  readonly total: number;
  /**
   * GETs of /fast each client of a throughput group sends once it is open and warmed from cold,
   * before its first round: enough for V8 to optimise the client's code (and, for the first
   * client, the backend's), so that no client's first round measures its JIT warm-up.
   */
  readonly warmup: number;
  /** The requests in flight of the throughput part, one group of rounds each (64 and 100). */
  readonly inFlight: readonly number[];
  /** GETs of /delay?ms=`delayMs` fired at once in the fan-out part. */
  readonly fanOut: number;
  readonly delayMs: number;
  readonly rounds: number;
}

/** The connections fanout over HTTP/2 must open: its default of one session per origin. */
const CONFIGURED_CONNECTIONS = 1;
const GOAL_VS_UNDICI = 1.3;
const GOAL_VS_GOT = 3;
const GOAL_FAN_OUT = 1.15;
const fanoutH2 = new Set([fanoutSessionH2.name, fanoutFuturesSessionH2.name]);

/**
 * The connections one client opened, as the backend counted them (from cold, and per round), and
 * the requests of it that failed.
 */
interface Tally {
  /** Opened while the client was opened and warmed: `limit` requests at once at a fresh pool. */
  cold?: H2Stats;
  /** Opened during each round's measured part, after that round's warm-up. */
  readonly rounds: H2Stats[];
  /** Requests that failed, in the warm-ups and the rounds, and the first one's error. */
  failed: number;
  firstFailure?: string;
  /** Of `failed`, those before the first round (the warm-up from cold and the JIT warm-up). */
  failedCold?: number;
}

/**
 * `client` with a failed GET counted in `tally` (and resolved) instead of ending the client's
 * run: got over HTTP/2 loses requests to sessions it closes itself (got#1285), and W6 reports how
 * many rather than no figure at all. Every W6 client goes through it alike.
 */
function counting(client: Client, tally: Tally): Client {
  const failed = (error: unknown) => {
    tally.failed++;
    tally.firstFailure ??= message(error);
  };
  return {
    name: client.name,
    get: (path) => Promise.resolve(client.get(path)).then(undefined, failed),
    close: () => client.close(),
  };
}

/**
 * The failures part of a row's note: "failed: 192 from cold, 0 later (…)" (a failed
 * request counts as not done), or undefined for none.
 */
function failures(tally: Tally): string | undefined {
  if (tally.failed === 0) return undefined;
  const cold = tally.failedCold ?? tally.failed;
  return `failed: ${cold} from cold, ${tally.failed - cold} later (first: ${tally.firstFailure})`;
}

function minus(after: H2Stats, before: H2Stats): H2Stats {
  return {
    accepted: after.accepted - before.accepted,
    h2: after.h2 - before.h2,
    http1: after.http1 - before.http1,
  };
}

/** "1 h2", "64 HTTP/1.1", "3 h2 + 1 HTTP/1.1", or the bare count when none finished TLS. */
function described(stats: H2Stats): string {
  const parts = [
    stats.h2 > 0 ? `${stats.h2} h2` : '',
    stats.http1 > 0 ? `${stats.http1} HTTP/1.1` : '',
  ].filter((part) => part !== '');
  return parts.length === 0 ? String(stats.accepted) : parts.join(' + ');
}

/** The connections part of a row's note, e.g. "connections: 1 h2 from cold, 0 per round (max 0)". */
function connections(tally: Tally): string | undefined {
  if (tally.cold === undefined) return undefined;
  const perRound = tally.rounds.map((stats) => stats.accepted);
  const rounds =
    perRound.length === 0 ? '' : `, ${median(perRound)} per round (max ${Math.max(...perRound)})`;
  return `connections: ${described(tally.cold)} from cold${rounds}`;
}

/** How one round is measured, and its figure corrected for the requests that failed in it. */
interface Measure {
  run(client: Client): Promise<number>;
  /** The figure of a round in which `failed` requests failed. */
  corrected(value: number, failed: number): number;
}

/**
 * A W6 client as a contender: opened with the backend's CA and warmed (from cold, then `warmup`
 * GETs more for the JIT), then before each round warmed again (between two rounds the other
 * clients run for seconds, longer than an idle connection lives) and measured. The connections
 * the backend accepted while the client opened and first warmed up, and during each measured
 * part, and its failed requests, are noted in `tally`. Rounds run one contender at a time, so the
 * backend's counts are that client's alone.
 */
function counted(
  factory: SecureClientFactory,
  backend: H2Backend,
  limit: number,
  warmup: number,
  { run, corrected }: Measure,
  tally: Tally,
): Contender<number> {
  const { ca, origin } = backend;
  const unavailable = factory.unavailable;
  return {
    name: factory.name,
    unavailable: unavailable && (() => unavailable(ca)),
    async start() {
      const before = await backend.stats();
      const client = counting(await factory.open(origin, limit, ca), tally);
      await warm(client, limit);
      tally.cold = minus(await backend.stats(), before);
      await throughput(client, '/fast', warmup, limit);
      tally.failedCold = tally.failed;
      return {
        async measure() {
          await warm(client, limit);
          const start = await backend.stats();
          const failedBefore = tally.failed;
          const value = await run(client);
          tally.rounds.push(minus(await backend.stats(), start));
          return corrected(value, tally.failed - failedBefore);
        },
        close: () => client.close(),
      };
    },
  };
}

/**
 * Every W6 client through `rounds` interleaved rounds of `measure` at `limit` in flight, each
 * warmed first with `warmup` GETs more than its warm-up from cold.
 */
async function group(
  backend: H2Backend,
  limit: number,
  { rounds, warmup }: { rounds: number; warmup: number },
  measure: Measure,
) {
  const tallies = secureClients.map((): Tally => ({ rounds: [], failed: 0 }));
  const contenders = secureClients.map((factory, index) =>
    counted(factory, backend, limit, warmup, measure, tallies[index] as Tally),
  );
  const outcomes = await interleave(contenders, rounds);
  return outcomes.map((outcome, index) => ({ outcome, tally: tallies[index] as Tally }));
}

const medianOf = (outcome: Outcome<number> | undefined) =>
  outcome && outcome.samples.length > 0 ? median(outcome.samples) : undefined;

/** The connections part of the goal of fanout's HTTP/2 rows: "1 connection". */
const connectionGoal = `${CONFIGURED_CONNECTIONS} connection`;

async function throughputRows(backend: H2Backend, config: W6Config, limit: number): Promise<Row[]> {
  const { total } = config;
  const results = await group(backend, limit, config, {
    run: (client) => throughput(client, '/fast', total, limit),
    // Requests per second done: the failed ones are not.
    corrected: (rate, failed) => (rate * (total - failed)) / total,
  });
  const find = (name: string) => results.find((result) => result.outcome.name === name)?.outcome;
  const undici = medianOf(find(undiciH2.name));
  const got = medianOf(find(gotH2.name));
  return results.map(({ outcome, tally }) => {
    const rate = medianOf(outcome);
    const vsGot =
      rate !== undefined && got !== undefined ? ` (here ${(rate / got).toFixed(2)} ×)` : '';
    const goal = fanoutH2.has(outcome.name)
      ? `goal ≥ ${GOAL_VS_UNDICI} × undici allowH2, ≥ ${GOAL_VS_GOT} × got${vsGot}, ${connectionGoal}`
      : undefined;
    const note = [connections(tally), failures(tally), goal]
      .filter((part) => part !== undefined)
      .join('; ');
    return rowOf(
      `W6 h2 req/s (${limit} in flight)`,
      outcome,
      'req/s',
      (summary) =>
        undici === undefined ? undefined : { value: summary.median / undici, to: 'undici allowH2' },
      note,
    );
  });
}

async function fanOutRows(backend: H2Backend, config: W6Config): Promise<Row[]> {
  const { fanOut: count, delayMs, rounds } = config;
  const path = `/delay?ms=${delayMs}`;
  // No JIT warm-up: the throughput groups before it ran the code, and with one the first client's
  // fan-out read slower in three quick runs on a loaded machine (not understood yet).
  const results = await group(
    backend,
    count,
    { rounds, warmup: 0 },
    {
      run: (client) => fanOut(client, path, count),
      // The wall time stands; the note says how many failed.
      corrected: (wall) => wall,
    },
  );
  return results.map(({ outcome, tally }) => {
    const goal = fanoutH2.has(outcome.name)
      ? `goal ≤ ${GOAL_FAN_OUT} ×, ${connectionGoal}`
      : undefined;
    const note = [connections(tally), failures(tally), goal]
      .filter((part) => part !== undefined)
      .join('; ');
    return rowOf(
      `W6 h2 fan-out (${count} × ${delayMs} ms)`,
      outcome,
      'ms',
      (summary) => ({ value: summary.median / delayMs, to: `${delayMs} ms limit` }),
      note,
    );
  });
}

/**
 * W6 HTTP/2: one origin over TLS (bench/h2-backend.ts, in its own process, HTTP/2 and HTTP/1.1 by
 * ALPN), and every client of {@link secureClients}:
 *
 * - `total` GETs of /fast at each of `inFlight` requests in flight: req/s ÷ undici with
 *   `allowH2` (goal for fanout over HTTP/2: ≥ 1.3 ×, and ≥ 3 × got);
 * - `fanOut` GETs of /delay?ms=`delayMs` fired at once: wall time ÷ `delayMs` (goal ≤ 1.15 ×).
 *
 * Each row notes the connections the backend accepted from that client: from cold (opening it
 * and its warm-up, `limit` requests at once at a fresh pool) and per round (its measured part,
 * after a warm-up like the first). fanout's goal is its configured number, one. In the throughput
 * groups every client then sends `warmup` GETs before its first round, so that no round measures
 * V8 optimising the code of the client or, for the first one, of the backend.
 */
export async function w6(config: W6Config): Promise<Row[]> {
  const backend = await startH2Backend();
  try {
    const rows: Row[] = [];
    for (const limit of config.inFlight)
      rows.push(...(await throughputRows(backend, config, limit)));
    rows.push(...(await fanOutRows(backend, config)));
    return rows;
  } finally {
    await backend.stop();
  }
}
