/**
 * The page around the sections: the document head and style, the bar that switches modes and
 * links to this view's waterfall, each section's frame, and the footer with the timings.
 */
import { type HTML, html, raw } from '../../src/index.ts';
import type { StoreSection } from './sections.ts';

/** How the page is composed (see docs/DEMO.md). */
export type Mode = 'serial' | 'parallel' | 'streamed';

/** The modes, in the order the bar shows them. */
export const MODES: readonly Mode[] = ['serial', 'parallel', 'streamed'];

const EXPLAIN: Record<Mode, string> = {
  serial: 'Session: one request after another, the page sent at the end.',
  parallel:
    'FuturesSession and a flow: every request fired at once (a dependent one as soon as its input is there), the page sent at the end.',
  streamed: 'The page composer: the shell at once, each section streamed the moment it is ready.',
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
`;

// Fills in the browser's own view of the response once it has loaded (Navigation Timing).
const BROWSER_TIMING = `addEventListener('load',function(){var n=performance.getEntriesByType('navigation')[0];if(!n)return;document.getElementById('browser-timing').textContent='browser: first byte '+Math.round(n.responseStart-n.startTime)+' ms, last byte '+Math.round(n.responseEnd-n.startTime)+' ms';});`;

/** The document up to the opening of the grid of sections. */
export function head(mode: Mode, waterfall: string): string {
  const links = MODES.map((each) =>
    each === mode
      ? html`<a href="?mode=${each}" aria-current="page">${each}</a>`
      : html`<a href="?mode=${each}">${each}</a>`,
  );
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<link rel="icon" href="data:,"><title>Analytical Goods (${mode})</title><style>${raw(STYLE)}</style></head>
<body><div class="bar"><span>mode:</span> ${links} <span class="muted">${EXPLAIN[mode]}</span>
<a id="waterfall" href="${waterfall}">waterfall of this view</a></div>
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

/** The end of the document: the grid closed, the footer with the timings. */
export function foot(timing: ViewTiming, waterfall: string): string {
  return html`</main><footer><span id="server-timing">server: first byte ${timing.firstByte.toFixed(1)} ms, last byte ${timing.total.toFixed(1)} ms</span> · <span id="browser-timing"></span> · <a href="${waterfall}">waterfall</a></footer>
<script>${raw(BROWSER_TIMING)}</script></body></html>`.toString();
}
