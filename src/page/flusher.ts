import type { SectionRun } from './section-run.ts';

/**
 * What a streaming mode needs from the rendering: the sections' runs in page order, and a way to
 * say when rendering wanted a section and to turn a settled one into HTML (which records its
 * timings). Each mode only decides the order and the markup around sections.
 */
export interface Flusher {
  /** Every section's run, in page order. */
  readonly runs: readonly SectionRun[];
  /** Marks `run` as wanted by rendering now (unless it was wanted earlier). */
  want(run: SectionRun): void;
  /** The HTML of a settled section; records its timings. */
  flush(run: SectionRun): string;
}
