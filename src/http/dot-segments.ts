/**
 * Dot segments in the path a caller joins to a `baseURL`, resolved as WHATWG URL resolves them but
 * with the base path as the root: `..` may remove only segments the joined path itself added.
 *
 * @internal
 */

/**
 * Whether `input` may hold a dot segment (or a tab, which WHATWG URL strips, so `.\t.` reads as
 * `..`): a segment that starts with `.` or `%2e`. A cheap test that is sometimes wrong the safe
 * way (`.well-known`, a dot in the query): a path it passes is resolved by
 * {@link resolveDotSegments}, which changes nothing that is not a dot segment.
 */
export const MAY_HOLD_DOT_SEGMENT = /(?:^|[/\\])(?:\.|%2e)|\t/i;

// `.` and `%2e` in any case, as WHATWG URL reads a path segment.
const SINGLE_DOT = /^(?:\.|%2e)$/i;
const DOUBLE_DOT = /^(?:\.|%2e){2}$/i;
// Where a path ends: its query or fragment (kept as they are; dot segments there are data).
const PATH_END = /[?#]/;

/**
 * `relative` (a path that starts with `/`, query and fragment included) with its dot segments
 * resolved: `.` removed, `..` removing the segment before it, `/` and `\` both separating segments
 * and a trailing dot segment leaving a trailing `/`, as WHATWG URL does for http(s). Returns
 * `undefined` when a `..` would remove a segment `relative` does not have, i.e. climb above the
 * path it is joined to.
 *
 * @example
 * <!-- fragment: internal: the module is not exported from `fanout`
 * import { resolveDotSegments } from '#src/http/dot-segments';
 * -->
 * ```ts
 * resolveDotSegments('/a/./b/../c?x=/../y'); // '/a/c?x=/../y'
 * resolveDotSegments('/a/../../c'); // undefined
 * ```
 */
export function resolveDotSegments(relative: string): string | undefined {
  const end = relative.search(PATH_END);
  const path = end === -1 ? relative : relative.slice(0, end);
  const rest = end === -1 ? '' : relative.slice(end);
  const segments = path.slice(1).split(/[/\\]/);
  const resolved: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = (segments[i] as string).replaceAll('\t', '');
    const isLast = i === segments.length - 1;
    if (DOUBLE_DOT.test(segment)) {
      if (resolved.pop() === undefined) return undefined;
      if (isLast) resolved.push('');
    } else if (SINGLE_DOT.test(segment)) {
      if (isLast) resolved.push('');
    } else {
      resolved.push(segment);
    }
  }
  return `/${resolved.join('/')}${rest}`;
}
