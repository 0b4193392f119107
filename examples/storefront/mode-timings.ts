import type { Mode, ViewTiming } from './layout.ts';

/** What one mode's views have measured so far in this process. */
export interface ModeRecord {
  /** Views served in this mode. */
  readonly views: number;
  /** The server-side times of the last of them. */
  readonly last: ViewTiming;
}

/**
 * The last view's timings per mode, measured in this process, so every page can set its own
 * beside the other modes'.
 */
export class ModeTimings {
  /** Only modes with at least one view served have an entry. */
  readonly #records = new Map<Mode, ModeRecord>();

  /** Notes a view of `mode` that took `timing`. */
  record(mode: Mode, timing: ViewTiming): void {
    const views = (this.#records.get(mode)?.views ?? 0) + 1;
    this.#records.set(mode, { views, last: timing });
  }

  /** What `mode` has measured, if it served a view yet. */
  get(mode: Mode): ModeRecord | undefined {
    return this.#records.get(mode);
  }
}
