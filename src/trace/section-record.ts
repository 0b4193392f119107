/** How a page section rendered: with its data, or its fallback after a timeout or an error. */
export type SectionOutcome = 'ok' | 'timeout' | 'error';

/**
 * One section of a page rendered in a trace: when its data was started and ready, when rendering
 * wanted it, and how long rendering was blocked waiting for it. Times are milliseconds since the
 * trace began, like a {@link RequestRecord}'s.
 */
export interface SectionRecord {
  /** The page's name. */
  readonly page: string;
  /** The section's name. */
  readonly name: string;
  /** Whether the section rendered its data or its fallback, and why. */
  readonly outcome: SectionOutcome;
  /** Whether the section was primary (settled the page's status). */
  readonly primary: boolean;
  /** The section's `data` was called (after its dependencies' data); the page's start if it never was. */
  readonly startedAt: number;
  /** The data was ready, failed, or its deadline passed. */
  readonly readyAt: number;
  /** Rendering wanted the section (it was next in order, or the shell had gone out). */
  readonly wantedAt: number;
  /** The section's HTML was handed to the stream. */
  readonly flushedAt: number;
  /** How long rendering waited for the data: `max(0, readyAt - wantedAt)`. */
  readonly blocked: number;
}
