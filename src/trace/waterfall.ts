import type { Exhaustive } from '../core/exhaustive.ts';
import { checkKnownOptions, fail, type KnownOptions, knownOptions } from '../core/validate.ts';
import { cacheOutcomeOf } from './cache-outcome.ts';
import type { AttemptRecord, RequestRecord } from './request-record.ts';
import type { Trace } from './trace.ts';
import { type Unsent, unsentRequests } from './unsent.ts';
import { BAR_OUTCOMES, type BarOutcome, requestOutcome } from './waterfall-outcome.ts';

/** Options of the SVG waterfall, {@link Trace.waterfall}. */
export interface WaterfallOptions {
  /** Width of the chart in CSS pixels, labels included. @default 1100 */
  width?: number;
}

/** What {@link waterfall} reads of a trace. */
export type WaterfallSource = Pick<
  Trace,
  'name' | 'startedAt' | 'wallTime' | 'requests' | 'summary' | 'sections' | 'skips'
>;

/** A coloured span of a row; `queued` is the call's, the others belong to one attempt. */
type Phase = 'queued' | 'limited' | 'connect' | 'wait' | 'receive';

interface Segment {
  readonly phase: Phase;
  readonly from: number;
  readonly to: number;
  /** 1-based attempt number; 0 for the call's own queued phase. */
  readonly attempt: number;
}

const DEFAULTS: Required<WaterfallOptions> = { width: 1100 };
/** `trace.waterfall(options)`. @internal */
export const WATERFALL_OPTIONS: KnownOptions = knownOptions('waterfall options', {
  width: true,
} satisfies Exhaustive<WaterfallOptions, true>);
const MIN_WIDTH = 480;

// Geometry of the SVG, in CSS pixels.
const LABEL_WIDTH = 340;
const RIGHT_PAD = 28;
const AXIS_HEIGHT = 30;
const ROW_HEIGHT = 26;
// The bar spans the call and shows its outcome (tint and outline); its phases sit inside it.
const BAR_HEIGHT = 16;
const PHASE_INSET = 2;
// Narrowest bar of a request never sent, so a skip at one instant is still seen.
const MIN_UNSENT_WIDTH = 8;
// Characters of the path that fit the label column (12px monospace, ~7.3px a character).
const PATH_CHARS = 30;

const PHASE_NAMES: Record<Phase, string> = {
  queued: 'queued',
  limited: 'rate limit',
  connect: 'connect',
  wait: 'wait (TTFB)',
  receive: 'receive',
};

const OUTCOME_NAMES = Object.fromEntries(BAR_OUTCOMES) as Record<BarOutcome, string>;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** `text` safe inside HTML or SVG text and attribute values. */
function escapeHTML(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] as string);
}

const round = (value: number) => Math.round(value * 100) / 100;
const ms = (value: number) => value.toFixed(1);
const optionalMs = (value: number | undefined) => (value === undefined ? '–' : ms(value));

/** The path and query of a URL, or the whole string when it does not parse. */
function pathAndQuery(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

/** The status code (and how a cache answered), or the error code, or how the call ended. */
function resultOf(record: RequestRecord): string {
  const cache = cacheOutcomeOf(record);
  if (record.status !== undefined)
    return cache === undefined ? String(record.status) : `${record.status} ${cache}`;
  return record.errorCode ?? record.outcome;
}

/** The tick step (1, 2 or 5 × 10ⁿ ms) that puts about eight ticks across `span`. */
function tickStep(span: number): number {
  const rough = span / 8;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((value) => value >= rough);
  return step ?? 10 * power;
}

function segmentsOf(record: RequestRecord): Segment[] {
  const segments: Segment[] = [];
  const started = record.startedAt ?? record.attempts[0]?.startedAt;
  if (started !== undefined && started > record.queuedAt) {
    segments.push({ phase: 'queued', from: record.queuedAt, to: started, attempt: 0 });
  }
  record.attempts.forEach((attempt, index) => {
    const number = index + 1;
    const { limitedAt, connectStart, connectEnd, sentAt, firstByteAt, endedAt } = attempt;
    if (limitedAt !== undefined) {
      segments.push({ phase: 'limited', from: limitedAt, to: attempt.startedAt, attempt: number });
    }
    if (connectStart !== undefined && connectEnd !== undefined) {
      segments.push({ phase: 'connect', from: connectStart, to: connectEnd, attempt: number });
    }
    const waitEnd = firstByteAt ?? endedAt;
    if (sentAt !== undefined && waitEnd !== undefined) {
      segments.push({ phase: 'wait', from: sentAt, to: waitEnd, attempt: number });
    }
    if (firstByteAt !== undefined && endedAt !== undefined) {
      segments.push({ phase: 'receive', from: firstByteAt, to: endedAt, attempt: number });
    }
  });
  return segments;
}

function describeAttempt(attempt: AttemptRecord, number: number): string {
  const parts = [`attempt ${number}: started ${ms(attempt.startedAt)}`];
  if (attempt.limitedAt !== undefined) parts.push(`rate limit from ${ms(attempt.limitedAt)}`);
  if (attempt.connectStart !== undefined && attempt.connectEnd !== undefined) {
    parts.push(`connect ${ms(attempt.connectStart)}–${ms(attempt.connectEnd)}`);
  }
  if (attempt.sentAt !== undefined) parts.push(`sent ${ms(attempt.sentAt)}`);
  if (attempt.firstByteAt !== undefined) parts.push(`first byte ${ms(attempt.firstByteAt)}`);
  if (attempt.endedAt !== undefined) parts.push(`ended ${ms(attempt.endedAt)} ms`);
  const result = attempt.status ?? attempt.errorCode;
  if (result !== undefined) parts.push(String(result));
  const connection = connectionOf(attempt);
  if (connection !== undefined) parts.push(connection);
  return parts.join(', ');
}

// What an attempt went out on: `HTTP/2 session 1 stream 3 (reused)`, or a socket's reuse.
function connectionOf(attempt: AttemptRecord): string | undefined {
  if (attempt.reused === undefined) return undefined;
  const reuse = attempt.reused ? 'reused' : 'new';
  if (attempt.connectionId === undefined) return `${reuse} socket`;
  return `HTTP/2 session ${attempt.connectionId} stream ${attempt.streamId} (${reuse})`;
}

/** The hover text of a row: everything the trace knows about the call. */
function describeRequest(record: RequestRecord, isCritical: boolean, end: number): string {
  const lines = [
    `#${record.id} ${record.method} ${record.url}`,
    [
      OUTCOME_NAMES[requestOutcome(record)],
      resultOf(record),
      `${record.bytes} B`,
      ...(isCritical ? ['critical path'] : []),
    ].join(' · '),
    `queued ${ms(record.queuedAt)} → started ${optionalMs(record.startedAt)} → resolved ` +
      `${optionalMs(record.resolvedAt)} ms (${ms(end - record.queuedAt)} ms)`,
  ];
  if (record.rateLimited > 0) lines.push(`rate limit ${ms(record.rateLimited)} ms`);
  if (record.askedAt !== undefined) {
    lines.push(`consumer blocked ${ms(record.blocked)} ms (asked at ${ms(record.askedAt)} ms)`);
  }
  record.attempts.forEach((attempt, index) => {
    lines.push(describeAttempt(attempt, index + 1));
  });
  return lines.join('\n');
}

/** Where things go on the chart: times to x coordinates and widths, rows to y. */
interface Geometry {
  readonly width: number;
  readonly x: (time: number) => number;
  readonly w: (from: number, to: number) => number;
  /** The top of the bar of the row at `index`. */
  readonly barY: (index: number) => number;
}

function rowTop(index: number): number {
  return AXIS_HEIGHT + index * ROW_HEIGHT;
}

/** The row's hover title, background, and label and result columns. */
function rowText(
  index: number,
  width: number,
  text: { label: string; result: string; title: string },
): string {
  const top = rowTop(index);
  const middle = top + ROW_HEIGHT / 2;
  const { label, result, title } = text;
  return (
    `<title>${escapeHTML(title)}</title>` +
    `<rect class="row-bg" x="0" y="${top}" width="${width}" height="${ROW_HEIGHT}"/>` +
    `<text class="label" x="12" y="${middle}">${label}</text>` +
    `<text class="result" x="${LABEL_WIDTH - 6}" y="${middle}">${escapeHTML(result)}</text>`
  );
}

function requestRow(
  record: RequestRecord,
  index: number,
  geometry: Geometry,
  isCritical: boolean,
  end: number,
): string {
  const { x, w } = geometry;
  const barY = geometry.barY(index);
  const top = rowTop(index);
  const outcome = requestOutcome(record);
  const failed = outcome === 'http-error' || outcome === 'error' || outcome === 'cancelled';
  const classes = [
    'row',
    `outcome-${outcome}`,
    ...(isCritical ? ['critical'] : []),
    ...(failed ? ['failed'] : []),
  ];
  const phaseBox = (from: number, to: number) =>
    `x="${x(from)}" y="${barY + PHASE_INSET}" width="${w(from, to)}" height="${BAR_HEIGHT - 2 * PHASE_INSET}"`;
  const phases = segmentsOf(record).map(
    (segment) =>
      `<rect class="phase phase-${segment.phase}" ${phaseBox(segment.from, segment.to)}><title>#${record.id}${segment.attempt > 1 ? ` attempt ${segment.attempt}` : ''} ` +
      `${PHASE_NAMES[segment.phase]}: ${ms(segment.from)} → ${ms(segment.to)} ms ` +
      `(${ms(segment.to - segment.from)} ms)</title></rect>`,
  );
  const blocked =
    record.askedAt !== undefined && record.blocked > 0
      ? `<rect class="blocked" x="${x(record.askedAt)}" y="${barY - 2}" ` +
        `width="${Math.max(1, w(record.askedAt, end))}" height="${BAR_HEIGHT + 4}">` +
        `<title>#${record.id} consumer blocked ${ms(record.blocked)} ms</title></rect>`
      : '';
  const errorMark = failed
    ? `<rect class="error-mark" x="${x(end) - 1}" y="${barY - 3}" width="3" height="${BAR_HEIGHT + 6}"/>`
    : '';
  // Drawn last, just outside the bar, so neither the blocked overlay nor the outcome hides it.
  const outline = isCritical
    ? `<rect class="critical-outline" x="${x(record.queuedAt) - 2}" y="${barY - 2}" ` +
      `width="${w(record.queuedAt, end) + 4}" height="${BAR_HEIGHT + 4}" rx="3"/>`
    : '';
  const label =
    `<tspan class="id">#${record.id}</tspan> <tspan class="method">${escapeHTML(record.method)}</tspan> ` +
    escapeHTML(truncate(pathAndQuery(record.url), PATH_CHARS));
  return (
    `<g class="${classes.join(' ')}" data-request-id="${record.id}" data-outcome="${outcome}">` +
    rowText(index, geometry.width, {
      label,
      result: resultOf(record),
      title: describeRequest(record, isCritical, end),
    }) +
    (isCritical
      ? `<rect class="critical-mark" x="0" y="${top + 3}" width="4" height="${ROW_HEIGHT - 6}"/>`
      : '') +
    `<rect class="bar" x="${x(record.queuedAt)}" y="${barY}" width="${w(record.queuedAt, end)}" height="${BAR_HEIGHT}" rx="2"/>` +
    `${phases.join('')}${blocked}${errorMark}${outline}</g>`
  );
}

/** A placeholder row for a request never sent: an empty, outlined bar and the reason. */
function unsentRow(unsent: Unsent, index: number, geometry: Geometry, wallTime: number): string {
  const { x, w } = geometry;
  const to = unsent.to ?? (unsent.outcome === 'pending' ? wallTime : unsent.from);
  const width = Math.max(MIN_UNSENT_WIDTH, w(unsent.from, to));
  const label = `<tspan class="id">–</tspan> ${escapeHTML(truncate(unsent.label, PATH_CHARS + 4))}`;
  const title = `${unsent.detail} (${OUTCOME_NAMES[unsent.outcome]}, at ${ms(unsent.from)} ms)`;
  return (
    `<g class="row unsent outcome-${unsent.outcome}" data-unsent="${index}" data-outcome="${unsent.outcome}">` +
    rowText(index, geometry.width, { label, result: unsent.outcome, title }) +
    `<rect class="bar" x="${x(unsent.from)}" y="${geometry.barY(index)}" width="${width}" height="${BAR_HEIGHT}" rx="2"/></g>`
  );
}

function requestTableRow(record: RequestRecord, isCritical: boolean, end: number): string {
  const last = record.attempts.at(-1);
  return (
    `<tr class="outcome-${requestOutcome(record)}${isCritical ? ' critical' : ''}"><th scope="row">${record.id}</th>` +
    `<td class="url">${escapeHTML(record.method)} ${escapeHTML(record.url)}</td>` +
    `<td>${escapeHTML(resultOf(record))}</td><td>${ms(record.queuedAt)}</td>` +
    `<td>${optionalMs(record.startedAt)}</td><td>${optionalMs(last?.firstByteAt)}</td>` +
    `<td>${optionalMs(record.resolvedAt)}</td><td>${ms(end - record.queuedAt)}</td>` +
    `<td>${ms(record.blocked)}</td><td>${record.attempts.length}</td>` +
    `<td>${isCritical ? 'yes' : ''}</td></tr>`
  );
}

function unsentTableRow(unsent: Unsent): string {
  return (
    `<tr class="unsent outcome-${unsent.outcome}"><th scope="row">–</th>` +
    `<td class="url">${escapeHTML(unsent.detail)}</td><td>${unsent.outcome}</td>` +
    `<td>${ms(unsent.from)}</td><td>–</td><td>–</td><td>${optionalMs(unsent.to)}</td>` +
    `<td>–</td><td>0.0</td><td>0</td><td></td></tr>`
  );
}

/** The header's sums, each named as the sum it is: waits that overlap each count in full. */
function sums(trace: WaterfallSource, blocked: number, unsent: number): string {
  const parts = [
    `${trace.requests.length} requests${unsent > 0 ? ` (and ${unsent} never sent)` : ''}`,
    `<span class="sum" id="blocked-requests">consumer blocked, summed over requests <b>${ms(blocked)} ms</b></span>`,
  ];
  if (trace.sections.length > 0) {
    const sections = trace.sections.reduce((sum, section) => sum + section.blocked, 0);
    parts.push(
      `<span class="sum" id="blocked-sections">rendering blocked, summed over ${trace.sections.length} sections <b>${ms(sections)} ms</b></span>`,
    );
  }
  return parts.join(' · ');
}

const LEGEND_OUTCOMES = BAR_OUTCOMES.map(
  ([outcome, name]) =>
    `<li data-outcome="${outcome}"><span class="swatch so-${outcome}"></span>${name}</li>`,
).join('\n');

/**
 * A self-contained HTML page (no scripts, no external resources) that draws the trace as a
 * waterfall: one row per request, its bar tinted and outlined by how it ended (2xx/3xx, 4xx/5xx,
 * error, cancelled, still running) with its phases (queued, connect, wait for the first byte,
 * receive) per attempt inside, the consumer's blocked time hatched over the bar, the critical
 * path outlined, a time axis in ms, a legend, and a table with the same timings for screen readers
 * and copying. Requests never sent get a placeholder row each (`skipped`, or `cancelled`): the
 * flow steps that never ran, and the trace's {@link Trace.recordSkip} records. Outcomes are told
 * apart by more than colour: each row's result column says it (`503`, an error code, `skipped`),
 * its title starts with it, and cancelled and skipped bars are dashed and dotted.
 *
 * Blocked times in the header are sums over requests (and over page sections): waits that overlap
 * each count, so a sum can exceed the wall time, and the header says so.
 *
 * Every name and URL is HTML-escaped; URLs are the trace's redacted ones. Stable hooks for tests
 * and styling: each request's row is a `g.row[data-request-id][data-outcome]` (plus `.critical`
 * on the critical path) holding a `.bar`, `.phase-queued`, `.phase-connect`, `.phase-wait`,
 * `.phase-receive` and `.blocked` elements; each placeholder a `g.row.unsent[data-outcome]`; the
 * legend is `ul.legend-outcomes` and `ul.legend-phases`.
 *
 * @example
 * <!-- fragment: `renderHomePage` is the app's own work
 * declare function renderHomePage(): Promise<void>;
 * -->
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * import { Trace } from 'fanout';
 *
 * const trace = new Trace({ name: 'home page' });
 * await trace.run(renderHomePage);
 * trace.end();
 * await writeFile('waterfall.html', trace.waterfall({ width: 1280 })); // calls waterfall(trace, …)
 * ```
 */
export function waterfall(trace: WaterfallSource, options: WaterfallOptions = {}): string {
  checkKnownOptions(options, WATERFALL_OPTIONS);
  const { width } = { ...DEFAULTS, ...options };
  if (typeof width !== 'number' || !Number.isFinite(width) || width < MIN_WIDTH) {
    fail('width', `a finite number >= ${MIN_WIDTH}`, width);
  }
  const summary = trace.summary();
  const records = trace.requests;
  const unsent = unsentRequests(summary.flows, trace.skips);
  const critical = new Set(summary.criticalPath.map((request) => request.id));
  const wallTime = summary.wallTime;
  const endOf = (record: RequestRecord) => record.resolvedAt ?? wallTime;
  const span = Math.max(
    wallTime,
    ...records.map(endOf),
    ...records.flatMap((record) => record.attempts.map((attempt) => attempt.endedAt ?? 0)),
    ...unsent.map((item) => item.to ?? item.from),
    0.001,
  );
  const chartLeft = LABEL_WIDTH + 8;
  const scale = (width - chartLeft - RIGHT_PAD) / span;
  const x = (time: number) => round(chartLeft + time * scale);
  const geometry: Geometry = {
    width,
    x,
    w: (from, to) => round(Math.max(0, (to - from) * scale)),
    barY: (index) => rowTop(index) + (ROW_HEIGHT - BAR_HEIGHT) / 2,
  };
  const rowCount = records.length + unsent.length;
  const height = AXIS_HEIGHT + rowCount * ROW_HEIGHT + 8;

  const step = tickStep(span);
  const ticks: string[] = [];
  for (let time = 0; time <= span + step * 1e-9; time += step) {
    const label = `${Number(time.toFixed(6))} ms`;
    ticks.push(
      `<line class="grid" x1="${x(time)}" x2="${x(time)}" y1="${AXIS_HEIGHT - 6}" y2="${height}"/>` +
        `<text class="tick" x="${x(time)}" y="${AXIS_HEIGHT - 12}">${label}</text>`,
    );
  }

  const rows = [
    ...records.map((record, index) =>
      requestRow(record, index, geometry, critical.has(record.id), endOf(record)),
    ),
    ...unsent.map((item, index) => unsentRow(item, records.length + index, geometry, wallTime)),
  ];
  const tableRows = [
    ...records.map((record) => requestTableRow(record, critical.has(record.id), endOf(record))),
    ...unsent.map(unsentTableRow),
  ];

  const name = escapeHTML(trace.name);
  const path = summary.criticalPath.map((request) => `#${request.id}`).join(' → ') || '–';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${name} · waterfall</title>
<style>
:root { --queued: #94a3b8; --limited: #c084fc; --connect: #f59e0b; --wait: #38bdf8; --receive: #1d4ed8;
  --blocked: #334155; --critical: #7c3aed; --muted: #64748b;
  --success: #15803d; --http-error: #dc2626; --error: #9f1239; --cancelled: #6b7280;
  --skipped: #a16207; --pending: #0369a1; color-scheme: light; }
body { font: 14px/1.4 system-ui, sans-serif; color: #0f172a; margin: 24px; width: ${width}px; }
h1 { font-size: 20px; margin: 0 0 4px; }
.meta { color: var(--muted); margin: 0 0 4px; }
.meta b { color: #0f172a; }
.note { color: var(--muted); margin: 0 0 12px; font-size: 12px; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; list-style: none; padding: 0; margin: 0 0 8px; font-size: 12px; }
.legend li { display: flex; align-items: center; gap: 6px; }
.legend .legend-title { font-weight: 600; }
.swatch { display: inline-block; width: 18px; height: 10px; border-radius: 2px; box-sizing: border-box; }
.sw-queued { background: var(--queued); } .sw-limited { background: var(--limited); }
.sw-connect { background: var(--connect); }
.sw-wait { background: var(--wait); } .sw-receive { background: var(--receive); }
.sw-other { background: #f1f5f9; border: 1px solid #cbd5e1; }
.sw-end { border-left: 2px dashed #0f172a; width: 2px; height: 14px; border-radius: 0; }
.sw-blocked { border: 1px dashed var(--blocked);
  background: repeating-linear-gradient(45deg, #33415570 0 2px, transparent 2px 5px); }
.sw-critical { border: 2px solid var(--critical); height: 8px; width: 16px; }
.so-success { background: #dcfce7; border: 2px solid var(--success); }
.so-http-error { background: #fee2e2; border: 2px solid var(--http-error); }
.so-error { background: #ffe4e6; border: 2px solid var(--error); box-shadow: inset -3px 0 var(--error); }
.so-cancelled { background: #f3f4f6; border: 2px dashed var(--cancelled); }
.so-skipped { background: #fefce8; border: 2px dotted var(--skipped); }
.so-pending { background: #e0f2fe; border: 2px dashed var(--pending); }
svg { display: block; font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
.grid { stroke: #e2e8f0; } .tick { fill: var(--muted); text-anchor: middle; font-size: 11px; }
.wall { stroke: #0f172a; stroke-dasharray: 4 3; }
.row-bg { fill: transparent; } .row:nth-of-type(even) .row-bg { fill: #f8fafc; }
.row:hover .row-bg { fill: #eef2ff; }
.label, .result { dominant-baseline: central; } .label { fill: #0f172a; }
.id { fill: var(--muted); } .method { font-weight: 600; }
.result { text-anchor: end; } .failed .result, .unsent .result { font-weight: 600; }
.bar { stroke-width: 2; }
.outcome-success .bar { fill: #dcfce7; stroke: var(--success); } .outcome-success .result { fill: var(--success); }
.outcome-http-error .bar { fill: #fee2e2; stroke: var(--http-error); } .outcome-http-error .result { fill: var(--http-error); }
.outcome-error .bar { fill: #ffe4e6; stroke: var(--error); } .outcome-error .result { fill: var(--error); }
.outcome-cancelled .bar { fill: #f3f4f6; stroke: var(--cancelled); stroke-dasharray: 5 3; } .outcome-cancelled .result { fill: var(--cancelled); }
.outcome-skipped .bar { fill: #fefce8; stroke: var(--skipped); stroke-dasharray: 2 2; } .outcome-skipped .result { fill: var(--skipped); }
.outcome-pending .bar { fill: #e0f2fe; stroke: var(--pending); stroke-dasharray: 8 3; } .outcome-pending .result { fill: var(--pending); }
.unsent .label { font-style: italic; }
.critical-outline { fill: none; stroke: var(--critical); stroke-width: 2; }
.critical .label { font-weight: 600; } .critical-mark { fill: var(--critical); }
.phase-queued { fill: var(--queued); } .phase-limited { fill: var(--limited); }
.phase-connect { fill: var(--connect); }
.phase-wait { fill: var(--wait); } .phase-receive { fill: var(--receive); }
.blocked { fill: url(#hatch); stroke: var(--blocked); stroke-dasharray: 3 2; }
.error-mark { fill: var(--http-error); } .outcome-error .error-mark { fill: var(--error); }
.outcome-cancelled .error-mark { fill: var(--cancelled); }
table { border-collapse: collapse; margin-top: 24px; min-width: 100%; font-size: 12px; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; margin-bottom: 6px; }
th, td { padding: 3px 10px; border-bottom: 1px solid #e2e8f0; text-align: right; }
.url, thead th:nth-child(2) { text-align: left; overflow-wrap: anywhere; max-width: 520px; }
thead th { white-space: nowrap; vertical-align: bottom; }
tr.critical th { box-shadow: inset 3px 0 var(--critical); }
</style>
</head>
<body>
<header>
<h1>${name}</h1>
<p class="meta">Wall time <b>${ms(wallTime)} ms</b> · ${sums(trace, summary.blocked, unsent.length)} · critical path ${path} · started <time datetime="${trace.startedAt.toISOString()}">${trace.startedAt.toISOString()}</time></p>
<p class="note" id="sums-note">Blocked times are sums: waits that overlap each count in full, so a sum can exceed the wall time. The wall time is the one duration of the whole.</p>
</header>
<ul class="legend legend-outcomes" aria-label="Outcome: the bar's tint and outline, and the result column">
<li class="legend-title">Outcome (bar and result):</li>
${LEGEND_OUTCOMES}
</ul>
<ul class="legend legend-phases" aria-label="Phases inside the bar">
<li class="legend-title">Phases:</li>
<li><span class="swatch sw-queued"></span>queued</li>
<li><span class="swatch sw-limited"></span>rate limit</li>
<li><span class="swatch sw-connect"></span>connect</li>
<li><span class="swatch sw-wait"></span>wait (TTFB)</li>
<li><span class="swatch sw-receive"></span>receive</li>
<li><span class="swatch sw-other"></span>other (dispatch, retry backoff)</li>
<li><span class="swatch sw-blocked"></span>consumer blocked</li>
<li><span class="swatch sw-critical"></span>critical path</li>
<li><span class="swatch sw-end"></span>end of trace</li>
</ul>
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Waterfall of ${records.length} requests${unsent.length > 0 ? ` and ${unsent.length} never sent` : ''}; the table below lists the same timings">
<defs><pattern id="hatch" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="2" height="5" fill="#334155" fill-opacity="0.45"/></pattern></defs>
<g class="axis">${ticks.join('')}</g>
<g class="rows">${rows.join('')}</g>
<line class="wall" x1="${x(wallTime)}" x2="${x(wallTime)}" y1="${AXIS_HEIGHT - 6}" y2="${height}"><title>end of trace: ${ms(wallTime)} ms</title></line>
</svg>
<table>
<caption>Requests (times in ms since the trace began)</caption>
<thead><tr><th scope="col">#</th><th scope="col">Request</th><th scope="col">Result</th><th scope="col">Queued</th><th scope="col">Started</th><th scope="col">First byte</th><th scope="col">Resolved</th><th scope="col">Total</th><th scope="col">Blocked</th><th scope="col">Attempts</th><th scope="col">Critical path</th></tr></thead>
<tbody>
${tableRows.join('\n')}
</tbody>
</table>
</body>
</html>
`;
}
