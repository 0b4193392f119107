import { FanoutError, type FanoutErrorOptions } from './fanout-error.ts';

/** Options of {@link SectionDependencyError}. */
export interface SectionDependencyErrorOptions extends FanoutErrorOptions {
  /** The section whose data could not be computed. */
  section: string;
  /** The section it depends on, whose data failed or was late. */
  dependency: string;
}

/**
 * A section's data could not be computed because the data of a section it depends on failed or
 * was late. `cause` is that section's error.
 */
export class SectionDependencyError extends FanoutError {
  override name = 'SectionDependencyError';
  override readonly code: string = 'FANOUT_SECTION_DEPENDENCY';
  /** The section whose data could not be computed. */
  readonly section: string;
  /** The section it depends on. */
  readonly dependency: string;

  constructor(options: SectionDependencyErrorOptions) {
    super(
      `Section "${options.section}" has no data: its dependency "${options.dependency}" failed`,
      options,
    );
    this.section = options.section;
    this.dependency = options.dependency;
  }
}
