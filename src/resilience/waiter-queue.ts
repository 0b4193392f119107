/** One entry of a {@link WaiterQueue}: it leaves the queue once `isDone` is set. */
export interface Queued {
  /** Set once it is granted or removed. */
  isDone: boolean;
}

/**
 * A first-in-first-out queue of waiters that may leave from anywhere: a waiter that is removed is
 * only marked done (O(1)), and skipped when the head reaches it. The array is compacted once the
 * skipped part is most of it, so a long-lived queue does not grow without bound.
 *
 * @internal
 */
export class WaiterQueue<W extends Queued> {
  /** The waiters, first in first out from `#head`; a done waiter stays until the head passes it. */
  readonly #items: W[] = [];
  // The index of the first waiter in #items that may still be live.
  #head = 0;
  // Live (not done) waiters in #items.
  #size = 0;

  /** Waiters still waiting. */
  get size(): number {
    return this.#size;
  }

  push(waiter: W): void {
    this.#items.push(waiter);
    this.#size++;
  }

  /** Marks `waiter` done and takes it out of the count; whether it was still waiting. */
  remove(waiter: W): boolean {
    if (waiter.isDone) return false;
    waiter.isDone = true;
    this.#size--;
    return true;
  }

  /** Takes the first live waiter off the head and marks it done (the queue is not empty). */
  shift(): W {
    for (;;) {
      const waiter = this.#items[this.#head++] as W;
      if (waiter.isDone) continue;
      waiter.isDone = true;
      this.#size--;
      return waiter;
    }
  }

  /** The first live waiter, left in place; undefined when none waits. */
  peek(): W | undefined {
    while (this.#head < this.#items.length) {
      const waiter = this.#items[this.#head] as W;
      if (!waiter.isDone) return waiter;
      this.#head++;
    }
    return undefined;
  }

  /** Drops the waiters the head has passed once they are most of the array. */
  compact(): void {
    if (this.#size === 0) {
      this.#items.length = 0;
      this.#head = 0;
    } else if (this.#head > 64 && this.#head * 2 > this.#items.length) {
      this.#items.splice(0, this.#head);
      this.#head = 0;
    }
  }
}
