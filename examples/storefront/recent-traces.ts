import type { Trace } from '../../src/index.ts';

/**
 * The traces of the most recent page views, by id, so each page can link to its own waterfall.
 * Bounded: adding one beyond `capacity` forgets the oldest.
 */
export class RecentTraces {
  readonly capacity: number;
  /** Insertion-ordered: the first entry is the oldest; never more than `capacity` entries. */
  readonly #traces = new Map<string, Trace>();
  /** The id of the next trace added. */
  #next = 1;

  constructor(capacity = 50) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) {
      throw new RangeError(`Expected \`capacity\` to be an integer >= 1, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  /** Keeps `trace` and returns its id. */
  add(trace: Trace): string {
    const id = String(this.#next++);
    this.#traces.set(id, trace);
    if (this.#traces.size > this.capacity) {
      const oldest = this.#traces.keys().next().value as string;
      this.#traces.delete(oldest);
    }
    return id;
  }

  /** The trace with this id, if it is still kept. */
  get(id: string): Trace | undefined {
    return this.#traces.get(id);
  }

  get size(): number {
    return this.#traces.size;
  }
}
