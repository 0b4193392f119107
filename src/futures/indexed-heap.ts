/**
 * A binary heap whose items know their own position, so any item — not just the first — can be
 * removed or re-ordered in O(log n). The executor needs that to take a cancelled task out of the
 * middle of its queue. An item may sit in two heaps at once when each keeps its position in a
 * field of its own (`heapIndex` by default; the queue's heap of due times uses `dueIndex`).
 *
 * @internal
 */

/** An item of an {@link IndexedHeap}: `heapIndex` is its slot, or -1 while it is in no heap. */
export interface HeapItem {
  heapIndex: number;
}

/**
 * A min-heap by `before`: `peek()` is an item that no other item comes `before`. Each item keeps
 * its slot in its field named `S`: -1 while it is in no heap of that field.
 */
export class IndexedHeap<T extends Record<S, number>, S extends string = 'heapIndex'> {
  /** The heap array: no item comes `before` its parent; `items[i][slot] === i`. */
  readonly #items: T[] = [];
  /** Whether `a` must come out before `b`; a strict order. */
  readonly #before: (a: T, b: T) => boolean;
  /** The name of the field where an item keeps its slot in this heap. */
  readonly #slot: S;

  constructor(before: (a: T, b: T) => boolean, slot: S = 'heapIndex' as S) {
    this.#before = before;
    this.#slot = slot;
  }

  get size(): number {
    return this.#items.length;
  }

  /** The first item, or `undefined` when empty. */
  peek(): T | undefined {
    return this.#items[0];
  }

  /** Adds an item that is in no heap. */
  push(item: T): void {
    const index = this.#items.length;
    this.#items.push(item);
    this.#up(index);
  }

  /** Takes out the first item, or returns `undefined` when empty. */
  pop(): T | undefined {
    const first = this.#items[0];
    if (first !== undefined) this.remove(first);
    return first;
  }

  /** Takes out an item of this heap. */
  remove(item: T): void {
    const index = item[this.#slot];
    const last = this.#items.pop() as T;
    this.#setSlot(item, -1);
    if (last === item) return;
    this.#place(last, index);
    this.update(last);
  }

  /** Restores the order after what `before` says about `item` has changed. */
  update(item: T): void {
    this.#up(item[this.#slot]);
    this.#down(item[this.#slot]);
  }

  /** Every item, in no particular order. */
  values(): readonly T[] {
    return this.#items;
  }

  #up(index: number): void {
    const item = this.#at(index);
    let slot = index;
    while (slot > 0) {
      const parentSlot = (slot - 1) >> 1;
      const parent = this.#at(parentSlot);
      if (!this.#before(item, parent)) break;
      this.#place(parent, slot);
      slot = parentSlot;
    }
    this.#place(item, slot);
  }

  #down(index: number): void {
    const item = this.#at(index);
    const size = this.#items.length;
    let slot = index;
    for (;;) {
      let child = 2 * slot + 1;
      if (child >= size) break;
      if (child + 1 < size && this.#before(this.#at(child + 1), this.#at(child))) child += 1;
      const first = this.#at(child);
      if (!this.#before(first, item)) break;
      this.#place(first, slot);
      slot = child;
    }
    this.#place(item, slot);
  }

  #at(index: number): T {
    return this.#items[index] as T;
  }

  #place(item: T, index: number): void {
    this.#items[index] = item;
    this.#setSlot(item, index);
  }

  #setSlot(item: T, index: number): void {
    (item as Record<S, number>)[this.#slot] = index;
  }
}
