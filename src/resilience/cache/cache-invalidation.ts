import { redactURL } from '../../core/redact.ts';
import { checkKnownOptions, fail, ownItems, ownOptions } from '../../core/validate.ts';
import { CACHE_INVALIDATION_OPTIONS } from '../known-options.ts';
import { checkTags } from './cache-tags.ts';

/** What {@link HttpCache.invalidate} forgets: the entries of some URLs, of some tags, or both. */
export interface CacheInvalidation {
  /** Absolute URLs whose stored GET and HEAD responses (every variant) go. @default [] */
  urls?: readonly (string | URL)[];
  /** Tags (see the cache's `tags` option) whose entries go. @default [] */
  tags?: readonly string[];
}

/** A {@link CacheInvalidation} checked: URLs as `href`s, tags sorted and deduplicated. @internal */
export interface Invalidation {
  readonly urls: readonly string[];
  readonly tags: readonly string[];
}

/**
 * Checks an invalidation.
 * @throws {InvalidOptionError} for anything but an object of URL and tag arrays.
 */
export function checkInvalidation(given: CacheInvalidation): Invalidation {
  if (typeof given !== 'object' || given === null) fail('invalidation', 'an object', given);
  const options = ownOptions(given, 'invalidation');
  checkKnownOptions(options, CACHE_INVALIDATION_OPTIONS);
  const tags = options.tags === undefined ? [] : checkTags('`tags`', options.tags);
  return { urls: urlsOf(options.urls), tags };
}

function urlsOf(urls: unknown): readonly string[] {
  if (urls === undefined) return [];
  if (!Array.isArray(urls)) fail('urls', 'an array of absolute URLs', urls);
  return ownItems(urls, 'urls').map((url) => {
    const parsed = typeof url === 'string' ? URL.parse(url) : url instanceof URL ? url : null;
    if (parsed === null) {
      fail('urls', 'absolute URLs', typeof url === 'string' ? redactURL(url) : url);
    }
    return parsed.href;
  });
}
