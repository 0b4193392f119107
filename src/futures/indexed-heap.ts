/**
 * A binary heap whose items know their own position, so any item — not just the first — can be
 * removed or re-ordered in O(log n). The executor needs that to take a cancelled task out of the
 * middle of its queue.
 *
 * @internal
 */

/** An item of an {@link IndexedHeap}: `heapIndex` is its slot, or -1 while it is in no heap. */
export interface HeapItem {
  heapIndex: number;
}

/** A min-heap by `before`: `peek()` is an item that no other item comes `before`. */
export class IndexedHeap<T extends HeapItem> {
  /** The heap array: no item comes `before` its parent; `items[i].heapIndex === i`. */
  readonly #items: T[] = [];
  /** Whether `a` must come out before `b`; a strict order. */
  readonly #before: (a: T, b: T) => boolean;

  constructor(before: (a: T, b: T) => boolean) {
    this.#before = before;
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
    item.heapIndex = this.#items.length;
    this.#items.push(item);
    this.#up(item.heapIndex);
  }

  /** Takes out the first item, or returns `undefined` when empty. */
  pop(): T | undefined {
    const first = this.#items[0];
    if (first !== undefined) this.remove(first);
    return first;
  }

  /** Takes out an item of this heap. */
  remove(item: T): void {
    const index = item.heapIndex;
    const last = this.#items.pop() as T;
    item.heapIndex = -1;
    if (last === item) return;
    this.#place(last, index);
    this.update(last);
  }

  /** Restores the order after what `before` says about `item` has changed. */
  update(item: T): void {
    this.#up(item.heapIndex);
    this.#down(item.heapIndex);
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
    item.heapIndex = index;
  }
}
