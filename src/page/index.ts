/**
 * The public surface of the page layer. Deliberately left out: the section runs, the streaming
 * modes, the template scanner and the validators, which are not API.
 */

export { escapeHTML, HTML, html, isHTML, raw } from './html.ts';
export { definePage, Page, type RenderedPage } from './page.ts';
export type { LayoutPart, PageOptions, StreamMode } from './page-options.ts';
export {
  type PageHead,
  PageRendering,
  type PipeOptions,
  type RenderOptions,
  type RenderSettings,
} from './rendering.ts';
export type {
  FailureReason,
  LatePolicy,
  Markup,
  SectionContext,
  SectionDefinition,
  SectionFailure,
} from './section.ts';
export { pageServerTiming, type SectionTiming } from './server-timing.ts';
