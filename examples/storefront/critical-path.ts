/**
 * The shortest time a page can take when each of its requests starts the moment the requests it
 * needs have answered: the longest chain of latencies through the dependency edges.
 */

/** A chain of services and its length in ms. */
export interface CriticalPath {
  /** Sum of the latencies along the chain. */
  readonly ms: number;
  /** The services of the chain, first to last (`['user', 'cart', 'shipping']`). */
  readonly chain: readonly string[];
}

/**
 * The critical path of requests with these `latencies` (ms per name) when each waits for the
 * requests named in `needs[name]`. Every name of `needs` must have a latency; the edges must not
 * form a cycle.
 */
export function criticalPath(
  latencies: ReadonlyMap<string, number>,
  needs: ReadonlyMap<string, readonly string[]>,
): CriticalPath {
  const finished = new Map<string, CriticalPath>();
  const visiting = new Set<string>();
  const finish = (name: string): CriticalPath => {
    const known = finished.get(name);
    if (known !== undefined) return known;
    const latency = latencies.get(name);
    if (latency === undefined) throw new RangeError(`No latency for ${name}`);
    if (visiting.has(name)) throw new RangeError(`Dependency cycle through ${name}`);
    visiting.add(name);
    let before: CriticalPath = { ms: 0, chain: [] };
    for (const need of needs.get(name) ?? []) {
      const path = finish(need);
      if (path.ms > before.ms) before = path;
    }
    visiting.delete(name);
    const path = { ms: before.ms + latency, chain: [...before.chain, name] };
    finished.set(name, path);
    return path;
  };
  let longest: CriticalPath = { ms: 0, chain: [] };
  for (const name of latencies.keys()) {
    const path = finish(name);
    if (path.ms > longest.ms) longest = path;
  }
  return longest;
}

/** The time of the same requests one after another: the sum of their latencies. */
export function serialTime(latencies: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const latency of latencies.values()) sum += latency;
  return sum;
}
