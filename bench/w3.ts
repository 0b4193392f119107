import { fileURLToPath } from 'node:url';
import { type ClientFactory, memoryClients, undiciRequest } from './clients.ts';
import { run } from './processes.ts';
import { pythonContender, requestsFutures } from './python.ts';
import { type Contender, interleave, type Outcome } from './rounds.ts';
import { summarize } from './stats.ts';
import { type Row, rowOf } from './table.ts';
import type { W3Result } from './w3-child.ts';

export interface W3Config {
  readonly total: number;
  readonly limit: number;
  readonly rounds: number;
  /** Runs in the first round's process, to show RSS comes back to the baseline every time. */
  readonly leakRuns: number;
  /** requests-futures does ~1,400 req/s here: 100,000 would take over a minute per round. */
  readonly pythonTotal: number;
}

const CHILD = fileURLToPath(new URL('./w3-child.ts', import.meta.url));
const MB = 1e6;

/** The peer W3 compares against: undici.request behind the bare promise queue. */
function nameOf(factory: ClientFactory): string {
  return factory === undiciRequest ? 'promise queue over undici.request' : factory.name;
}

function nodeMemory(factory: ClientFactory, origin: string, config: W3Config): Contender<W3Result> {
  return {
    name: nameOf(factory),
    unavailable: factory.unavailable,
    async start() {
      return {
        // A fresh process per round; the first one also does the leak runs.
        async measure(round) {
          const runs = round === 0 ? config.leakRuns : 1;
          const args = ['--expose-gc', '--import', 'tsx', CHILD, factory.id, '--origin', origin];
          const options = ['--total', String(config.total), '--limit', String(config.limit)];
          const stdout = await run(process.execPath, [...args, ...options, '--runs', String(runs)]);
          return JSON.parse(stdout) as W3Result;
        },
        close: async () => {},
      };
    },
  };
}

function pythonMemory(origin: string, workers: number, total: number): Contender<W3Result> {
  return pythonContender(workers, async () => {
    const { baseline, peak, after } = await requestsFutures(origin, 'w3', total, workers);
    return {
      baseline: baseline as number,
      runs: [{ peak: peak as number, heap: Number.NaN, after: after as number, ms: Number.NaN }],
    };
  });
}

function rowsOf(outcome: Outcome<W3Result>, total: number, note?: string): Row[] {
  const first = outcome.samples.map((sample) => ({
    baseline: sample.baseline,
    run: sample.runs[0],
  }));
  const peaks: Outcome<number> = {
    name: outcome.name,
    samples: first.map(({ baseline, run }) => ((run?.peak ?? Number.NaN) - baseline) / MB),
    ...(outcome.note === undefined ? {} : { note: outcome.note }),
  };
  const heaps = first.map(({ run }) => run?.heap ?? Number.NaN).filter(Number.isFinite);
  const afters = first.map(({ baseline, run }) => ((run?.after ?? Number.NaN) - baseline) / MB);
  const notes = [note];
  if (heaps.length > 0)
    notes.push(
      `heap at submit ${Math.round(summarize(heaps).median / total).toLocaleString('en-US')} B/request`,
    );
  if (afters.length > 0) notes.push(`RSS after gc ${signed(summarize(afters).median)} MB`);
  const rows = [
    rowOf(
      'W3 memory',
      peaks,
      'MB',
      (summary) => ({ value: (summary.median * MB) / total, to: 'B/request' }),
      notes.filter(Boolean).join('; '),
    ),
  ];
  const leak = outcome.samples[0];
  if (leak !== undefined && leak.runs.length > 1) {
    const after = leak.runs.map((run) => (run.after - leak.baseline) / MB);
    rows.push(
      rowOf(
        `W3 RSS after gc, ${leak.runs.length} runs`,
        { name: outcome.name, samples: after },
        'MB',
        undefined,
        `run 1 ${signed(after[0] as number)} MB → run ${after.length} ${signed(after.at(-1) as number)} MB over the baseline`,
      ),
    );
  }
  return rows;
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;
}

/**
 * W3 memory: `total` GETs of /fast submitted at once to a client bounded to `limit` in flight,
 * each in a fresh process (bench/w3-child.ts; requests_futures.py for Python). Peak RSS over the
 * idle baseline in MB, and ÷ `total` in bytes per queued request; RSS after completion and gc.
 */
export async function w3(origin: string, config: W3Config): Promise<Row[]> {
  const contenders = [
    ...memoryClients.map((factory) => nodeMemory(factory, origin, config)),
    ...[8, config.limit].map((workers) => pythonMemory(origin, workers, config.pythonTotal)),
  ];
  const outcomes = await interleave(contenders, config.rounds);
  return outcomes.flatMap((outcome, index) => {
    const python = index >= memoryClients.length;
    const total = python ? config.pythonTotal : config.total;
    const note =
      python && config.pythonTotal !== config.total
        ? `${config.pythonTotal.toLocaleString('en-US')} requests`
        : undefined;
    return rowsOf(outcome, total, note);
  });
}
