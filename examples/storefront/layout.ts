/**
 * The page around the sections: the document head and style, the bar that switches modes and
 * links to this view's waterfall, what this mode shows, each section's frame, and the footer with
 * this view's timings beside every mode's last.
 */
import { type HTML, html, raw } from '../../src/index.ts';
import type { ModeTimings } from './mode-timings.ts';
import type { StoreSection } from './sections.ts';

/** How the page is composed (see docs/DEMO.md). */
export type Mode = 'serial' | 'parallel' | 'streamed';

/** The modes, in the order the bar shows them. */
export const MODES: readonly Mode[] = ['serial', 'parallel', 'streamed'];

/** What a mode does, and what to look for on its page and in its waterfall. */
interface Guide {
  readonly title: string;
  readonly how: string;
  readonly lookFor: string;
}

const GUIDES: Record<Mode, Guide> = {
  serial: {
    title: 'Serial: one request after another',
    how: 'A plain Session awaits each service before it calls the next, and sends the page once the last has answered.',
    lookFor:
      'The page arrives all at once, after about the sum of all the latencies; its waterfall is a staircase.',
  },
  parallel: {
    title: 'Parallel: every request at once, the page at the end',
    how: "A FuturesSession and a flow fire every request at once (one that needs another's answer the moment it is there), then render the sections in order; nothing is sent before the last is ready.",
    lookFor:
      'The page still arrives all at once, but after about the critical path (the slowest chain of services); its waterfall bars start together.',
  },
  streamed: {
    title: 'Streamed: the shell at once, each section when it is ready',
    how: 'The page composer sends the shell with a placeholder per section at once, then streams each section the moment its data is ready, in any order; one still waiting at the deadline shows its fallback.',
    lookFor:
      'The first sections show long before the slowest service answers (first byte at once); the last byte comes after about the critical path.',
  },
};

const STYLE = `
body{margin:0;font:15px/1.4 system-ui,sans-serif;background:#f4f1ea;color:#222}
.bar{display:flex;gap:1em;align-items:center;padding:.5em 1em;background:#222;color:#eee;font-size:13px}
.bar a{color:#9cf}.bar a[aria-current]{color:#fff;font-weight:bold;text-decoration:none}
main{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:10px;padding:10px}
section{background:#fff;border-radius:6px;padding:.4em .9em;box-shadow:0 1px 2px #0002}
section.wide{grid-column:1/-1}section h2{font-size:13px;text-transform:uppercase;color:#777;margin:.3em 0}
section[data-state=fallback]{background:#fff6e0}section.wide h2{display:none}section.loading{opacity:.5}
ul{margin:.2em 0;padding-left:1.2em}blockquote{margin:.3em 0}.muted{color:#777}.brand{font-size:20px}
nav a{margin-right:.6em}footer{padding:.5em 1em 2em;color:#555;font-size:13px}
.explain{margin:10px 10px 0;padding:.6em .9em;background:#fff;border-left:4px solid #36c;border-radius:6px}
.explain p{margin:.2em 0}.explain strong{font-size:16px}
#timings{border-collapse:collapse;margin:.6em 0;background:#fff;font-variant-numeric:tabular-nums}
#timings caption{text-align:left;font-weight:bold;color:#222;padding-bottom:.3em}
#timings th,#timings td{padding:.2em .8em;border-bottom:1px solid #ddd;text-align:right}
#timings th:first-child{text-align:left}#timings tr[aria-current] th,#timings tr[aria-current] td{background:#eef3ff;font-weight:bold}
`;

// Fills in the browser's own view of the response once it has loaded (Navigation Timing).
const BROWSER_TIMING = `addEventListener('load',function(){var n=performance.getEntriesByType('navigation')[0];if(!n)return;document.getElementById('browser-timing').textContent='browser: first byte '+Math.round(n.responseStart-n.startTime)+' ms, last byte '+Math.round(n.responseEnd-n.startTime)+' ms';});`;

/** The document up to the opening of the grid of sections, with what this mode shows. */
export function head(mode: Mode, waterfall: string): string {
  const guide = GUIDES[mode];
  const links = MODES.map((each) =>
    each === mode
      ? html`<a href="?mode=${each}" aria-current="page">${each}</a>`
      : html`<a href="?mode=${each}">${each}</a>`,
  );
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<link rel="icon" href="data:,"><title>Analytical Goods (${mode})</title><style>${raw(STYLE)}</style></head>
<body><div class="bar"><span>mode:</span> ${links}
<a id="waterfall" href="${waterfall}">waterfall of this view</a></div>
<div class="explain" id="mode-explain" data-mode="${mode}"><p><strong>${guide.title}</strong></p>
<p>${guide.how}</p><p>${guide.lookFor} <a href="#timings">Every mode's timings, measured here</a> · <a href="${waterfall}">this view's waterfall</a></p></div>
<main>`.toString();
}

/** One section's frame around its content (or its fallback). */
export function frame(section: StoreSection, content: HTML, state: 'ok' | 'fallback'): HTML {
  return html`<section data-section="${section.name}" data-state="${state}" class="${section.wide ? 'wide' : ''}"><h2>${section.title}</h2>${content}</section>`;
}

/** Server-side times of one view, in ms from the request's arrival. */
export interface ViewTiming {
  readonly firstByte: number;
  readonly total: number;
}

/** What the footer shows: this view and its times, and every mode's. */
export interface Footing {
  readonly mode: Mode;
  readonly timing: ViewTiming;
  readonly waterfall: string;
  /** Every mode's last view, this one's included (record it first). */
  readonly timings: ModeTimings;
}

/** The table of every mode's last view, this one's marked. */
function comparison(current: Mode, timings: ModeTimings): HTML {
  const rows = MODES.map((mode) => {
    const record = timings.get(mode);
    const name =
      mode === current
        ? html`<th scope="row">${mode} (this view)</th>`
        : html`<th scope="row"><a href="?mode=${mode}">${mode}</a></th>`;
    const cells =
      record === undefined
        ? html`<td>0</td><td colspan="2">not measured yet: open it</td>`
        : html`<td>${record.views}</td><td>${record.last.firstByte.toFixed(1)}</td><td>${record.last.total.toFixed(1)}</td>`;
    return mode === current
      ? html`<tr data-mode="${mode}" aria-current="true">${name}${cells}</tr>`
      : html`<tr data-mode="${mode}">${name}${cells}</tr>`;
  });
  return html`<table id="timings"><caption>Every mode's last view, measured in this process (server side, ms from the request's arrival)</caption>
<thead><tr><th scope="col">mode</th><th scope="col">views</th><th scope="col">first byte</th><th scope="col">last byte</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}

/** The end of the document: the grid closed, the footer with the timings. */
export function foot({ mode, timing, waterfall, timings }: Footing): string {
  return html`</main><footer>${comparison(mode, timings)}<span id="server-timing">server: first byte ${timing.firstByte.toFixed(1)} ms, last byte ${timing.total.toFixed(1)} ms</span> · <span id="browser-timing"></span> · <a href="${waterfall}">waterfall</a></footer>
<script>${raw(BROWSER_TIMING)}</script></body></html>`.toString();
}
