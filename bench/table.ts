import type { Outcome } from './rounds.ts';
import { type Summary, summarize } from './stats.ts';

/** One line of the results table (and of `--json`). */
export interface Row {
  readonly workload: string;
  readonly client: string;
  /** The unit of `summary`: "ms", "req/s" or "MB". */
  readonly unit: string;
  readonly summary?: Summary;
  /** W1: median ÷ the 50 ms limit; W2: median ÷ undici.request's; W3: bytes per request. */
  readonly ratio?: { readonly value: number; readonly to: string };
  /** How many samples (rounds) the summary is over. */
  readonly rounds?: number;
  /** Why there is no figure ("not installed: …", an error), or what else to know. */
  readonly note?: string;
}

function number(value: number, unit: string): string {
  if (unit === 'req/s') return Math.round(value).toLocaleString('en-US');
  return value.toFixed(1);
}

function ratio(row: Row): string {
  if (row.ratio === undefined) return '';
  const { value, to } = row.ratio;
  if (to === 'B/request') return `${Math.round(value).toLocaleString('en-US')} B/request`;
  return `${value.toFixed(2)} × ${to}`;
}

/** The markdown table: workload, client, median, min–max, ratio, note. */
export function format(rows: readonly Row[]): string {
  const header = ['workload', 'client', 'median', 'min–max', 'ratio', 'note'];
  const lines = rows.map((row) => [
    row.workload,
    row.client,
    row.summary ? `${number(row.summary.median, row.unit)} ${row.unit}` : '—',
    row.summary ? `${number(row.summary.min, row.unit)}–${number(row.summary.max, row.unit)}` : '',
    ratio(row),
    (row.note ?? '').replaceAll('|', '\\|'),
  ]);
  const table = [header, header.map(() => '---'), ...lines];
  return table.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** The row of one outcome: its samples summarised (if any), the ratio computed from the summary. */
export function rowOf(
  workload: string,
  outcome: Outcome<number>,
  unit: string,
  ratio?: (summary: Summary) => { value: number; to: string } | undefined,
  note?: string,
): Row {
  const notes = [note, outcome.note].filter((text) => text).join('; ');
  const base = { workload, client: outcome.name, unit, ...(notes ? { note: notes } : {}) };
  if (outcome.samples.length === 0) return base;
  const summary = summarize(outcome.samples);
  const computed = ratio?.(summary);
  return {
    ...base,
    summary,
    rounds: outcome.samples.length,
    ...(computed ? { ratio: computed } : {}),
  };
}
