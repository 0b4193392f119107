import { checkKnownOptions, describe, fail, ownItems, ownOptions } from '../../core/validate.ts';
import { InvalidOptionError } from '../../errors/invalid-option-error.ts';
import { CACHE_TAG_OPTIONS } from '../known-options.ts';

/** What a tag function of the cache is shown of a response it is about to store. */
export interface TaggedResponse {
  /** The response status. */
  readonly status: number;
  /** The response headers, names in lower case. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The URL of the request it answers. */
  readonly url: string;
}

/**
 * Where the HTTP cache reads the tags of a response it stores, for
 * {@link HttpCache.invalidate | `invalidate({ tags })`}: a response header whose value lists them
 * separated by commas or spaces (`Cache-Tag: product-42, catalog`, `Surrogate-Key: a b`), or a
 * function of the response.
 */
export type CacheTagSource =
  | {
      /** The response header listing the tags (commas or spaces), e.g. `cache-tag`. */
      readonly header: string;
    }
  | ((response: TaggedResponse) => readonly string[]);

/** The tags of one response: sorted, deduplicated, never empty strings. @internal */
export type TagReader = (response: TaggedResponse) => readonly string[];

/**
 * Checks the cache's `tags` option and gives the reader it describes.
 * @throws {InvalidOptionError} when it is neither `{ header }` nor a function.
 */
export function tagReader(option: CacheTagSource): TagReader {
  if (typeof option === 'function') {
    return (response) => checkTags('the tags option function', option(response));
  }
  if (typeof option !== 'object' || option === null) {
    fail('tags', '{ header: string } or a function (response) => string[]', option);
  }
  const options = ownOptions(option, 'tags');
  checkKnownOptions(options, CACHE_TAG_OPTIONS);
  const { header } = options;
  if (typeof header !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) {
    fail('tags.header', 'a header name', header);
  }
  const name = header.toLowerCase();
  return (response) => splitTags(response.headers[name]);
}

/** The tags listed in a header value: separated by commas or whitespace, in every line. */
export function splitTags(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  const text = typeof value === 'string' ? value : value.join(',');
  return normalise(text.split(/[\s,]+/));
}

/**
 * The tags of an invalidation or of a tag function's answer, checked: an array of non-empty
 * strings.
 * @throws {InvalidOptionError} naming `name` and what it got.
 */
export function checkTags(name: string, tags: unknown): readonly string[] {
  if (!Array.isArray(tags)) {
    throw new InvalidOptionError(
      `Expected ${name} to give an array of tags, got ${describe(tags)}`,
    );
  }
  const items = ownItems(tags, name);
  for (const tag of items) {
    if (typeof tag !== 'string' || tag === '') {
      throw new InvalidOptionError(
        `Expected ${name} to hold non-empty strings, got ${describe(tag)}`,
      );
    }
  }
  return normalise(items as string[]);
}

function normalise(tags: readonly string[]): readonly string[] {
  return [...new Set(tags.filter((tag) => tag !== ''))].sort();
}
