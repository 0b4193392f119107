import { FanoutError } from './fanout-error.ts';

/**
 * A page or section definition that cannot work: a duplicate or malformed section name, a
 * dependency on a section not defined before, a `render` that is not a function, an unknown
 * option value. Thrown when the page is defined, never while it is served.
 */
export class PageDefinitionError extends FanoutError {
  override name = 'PageDefinitionError';
  override readonly code = 'FANOUT_PAGE_DEFINITION' as const;
}
