/**
 * Two counts over a sliding time window (requests and retries; attempts and failures), kept in
 * `slots` buckets so old events fall out in steps of `window / slots` ms. Pure logic: the caller
 * passes the time, so tests need no clock.
 *
 * @internal
 */
export class SlidingCounts {
  /** The window's length in ms. */
  readonly window: number;
  readonly #slotLength: number;
  // Per bucket, the first and the second count; bucket `#head` is the current one.
  readonly #first: number[];
  readonly #second: number[];
  #head = 0;
  // The time the current bucket began (a multiple of #slotLength).
  #headStart = Number.NEGATIVE_INFINITY;
  // The sums over all buckets, kept in step with them.
  #firstSum = 0;
  #secondSum = 0;

  constructor(window: number, slots = 10) {
    this.window = window;
    this.#slotLength = window / slots;
    this.#first = new Array<number>(slots).fill(0);
    this.#second = new Array<number>(slots).fill(0);
  }

  /** Events of the first kind in the window ending at `now`. */
  first(now: number): number {
    this.#advance(now);
    return this.#firstSum;
  }

  /** Events of the second kind in the window ending at `now`. */
  second(now: number): number {
    this.#advance(now);
    return this.#secondSum;
  }

  /** Counts one event of the first kind at `now`. */
  addFirst(now: number): void {
    this.#advance(now);
    this.#first[this.#head] = (this.#first[this.#head] ?? 0) + 1;
    this.#firstSum++;
  }

  /** Counts one event of the second kind at `now`. */
  addSecond(now: number): void {
    this.#advance(now);
    this.#second[this.#head] = (this.#second[this.#head] ?? 0) + 1;
    this.#secondSum++;
  }

  /** Forgets everything. */
  clear(): void {
    this.#first.fill(0);
    this.#second.fill(0);
    this.#firstSum = 0;
    this.#secondSum = 0;
  }

  // Moves the head to the bucket of `now`, emptying the buckets that fell out of the window.
  #advance(now: number): void {
    const start = Math.floor(now / this.#slotLength) * this.#slotLength;
    if (start <= this.#headStart) return;
    const slots = this.#first.length;
    const steps = Math.min(slots, Math.round((start - this.#headStart) / this.#slotLength));
    for (let i = 0; i < steps; i++) {
      this.#head = (this.#head + 1) % slots;
      this.#firstSum -= this.#first[this.#head] ?? 0;
      this.#secondSum -= this.#second[this.#head] ?? 0;
      this.#first[this.#head] = 0;
      this.#second[this.#head] = 0;
    }
    this.#headStart = start;
  }
}
