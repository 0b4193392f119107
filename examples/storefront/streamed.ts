/**
 * `?mode=streamed`: the page composer (`definePage`) over the same sections. Every section's
 * request starts at once (those that need another's answer the moment it is there); the shell goes
 * out at once with a placeholder per section, and each section streams in the moment its data is
 * ready (out of order), moved into place by a one-line script. A section late past its deadline
 * or failed renders its fallback.
 */
import { definePage, type FuturesSession, html, type Page } from '../../src/index.ts';
import { foot, frame, head } from './layout.ts';
import type { ModeTimings } from './mode-timings.ts';
import type { Input, Inputs, StoreSection } from './sections.ts';

/** One streamed view: what its layout shows, and when its bytes went out. */
export interface StreamedView {
  /** The link to this view's waterfall. */
  readonly waterfall: string;
  /** `performance.now()` when the request arrived. */
  readonly arrived: number;
  /** `performance.now()` when the shell was composed, just before the first byte. */
  firstByteAt?: number;
}

/** Options of {@link storefrontPage}. */
export interface StorefrontPageOptions {
  readonly session: FuturesSession;
  /** Ms from the view's start after which a section not ready renders its fallback. */
  readonly deadline: number;
  /** Where each view's times are noted, and read for the footer's comparison of the modes. */
  readonly timings: ModeTimings;
}

/** The storefront home page for the composer: one section per entry of `sections`. */
export function storefrontPage(
  sections: readonly StoreSection[],
  options: StorefrontPageOptions,
): Page<StreamedView, Record<string, unknown>> {
  // The sections come from a list: their names and data types are known at run time only.
  let page = definePage<StreamedView, Record<string, unknown>>({
    name: 'storefront',
    session: options.session,
    mode: 'out-of-order',
    deadline: options.deadline,
    head: (view) => {
      view.firstByteAt = performance.now();
      return head('streamed', view.waterfall);
    },
    tail: (view) => {
      const now = performance.now();
      const timing = {
        firstByte: (view.firstByteAt ?? now) - view.arrived,
        total: now - view.arrived,
      };
      options.timings.record('streamed', timing);
      return foot({
        mode: 'streamed',
        timing,
        waterfall: view.waterfall,
        timings: options.timings,
      });
    },
  });
  for (const section of sections) {
    page = page.section(section.name, {
      after: section.needs,
      data: (deps, { json }) => {
        const input: Input = (name) => deps[name] as Inputs[typeof name];
        const params = section.query(input);
        return json(`/api/${section.name}`, params ? { params } : {});
      },
      render: (data) => frame(section, section.render(data), 'ok'),
      fallback: () => frame(section, section.fallback, 'fallback'),
      placeholder: html`<section class="${section.wide ? 'wide loading' : 'loading'}" data-placeholder="${section.name}"><h2>${section.title}</h2><p class="muted">Loading…</p></section>`,
    });
  }
  return page;
}
