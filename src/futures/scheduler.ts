/**
 * The executor's queue, without futures, timers or I/O: it decides which queued entry runs next
 * under two limits, `maxWorkers` in all and `perKey` per key.
 *
 * The model: every key has a *lane*, a heap of its queued entries (higher `priority` first, then
 * first in, first out). A lane is *ready* when it has queued entries and fewer than `perKey` of
 * its entries are running. The ready lanes sit in a second heap ordered by their first entry, so
 * the next entry to run is the first entry of the first ready lane. A saturated lane is simply not
 * ready, so it never blocks entries of other keys queued behind it. Entries without a key share a
 * lane that has no `perKey` limit, and so do all entries when `perKey` is `Infinity` (keys make no
 * difference then, and a crawl of many hosts costs no lane per host). A key's limit may also
 * come from a function, asked when its lane is created and changed at run time with
 * {@link Scheduler.setLimit}. Every operation is O(log n).
 *
 * An entry may also have a *due* time, by which it must have left the queue. The queued entries
 * that have one sit in a third heap, by due time, so the executor needs one timer for the whole
 * queue — armed at {@link Scheduler.nextDue} — and takes out with {@link Scheduler.takeExpired}
 * whatever is due when it fires. Entries without a due time are not in that heap at all.
 *
 * @internal
 */

import { type HeapItem, IndexedHeap } from './indexed-heap.ts';

/** What the scheduler needs of a queued task. */
export interface Entry extends HeapItem {
  /** Higher runs first. */
  readonly priority: number;
  /** The lane; entries without a key are only bounded by `maxWorkers`. */
  readonly key: string | undefined;
  /** Arrival order, set by {@link Scheduler.enqueue}: first in, first out within a priority. */
  seq: number;
  /**
   * The `performance.now()` time by which the entry must have left the queue, or `undefined`
   * when it may wait as long as it takes. It must not change while the entry is queued.
   */
  readonly due: number | undefined;
  /** Slot in the heap of due times; -1 when not in it (no due time, or not queued). */
  dueIndex: number;
}

/** The entries of one key: queued ones in a heap, running ones counted. */
interface Lane<E extends Entry> extends HeapItem {
  readonly key: string | undefined;
  limit: number;
  readonly queued: IndexedHeap<E>;
  active: number;
}

function runsBefore(a: Entry, b: Entry): boolean {
  return a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq);
}

/** Due sooner; only entries that have a due time are compared. */
function isDueBefore(a: Entry, b: Entry): boolean {
  return (a.due as number) < (b.due as number);
}

/** Lanes compare by their first queued entry; only lanes with queued entries are compared. */
function laneRunsBefore<E extends Entry>(a: Lane<E>, b: Lane<E>): boolean {
  return runsBefore(a.queued.peek() as E, b.queued.peek() as E);
}

/** Queues entries and hands out the next one allowed to run. */
export class Scheduler<E extends Entry> {
  /** At most this many entries run at once. */
  readonly #maxWorkers: number;
  /** At most this many entries of one key run at once (`Infinity`: no limit), or the key's limit. */
  readonly #perKey: number | ((key: string) => number);
  /** The lanes that have queued or running entries; a lane with neither is deleted. */
  readonly #lanes = new Map<string | undefined, Lane<E>>();
  /** Exactly the lanes with queued entries and `active < limit`, by their first entry. */
  readonly #ready = new IndexedHeap<Lane<E>>(laneRunsBefore);
  /** Exactly the queued entries that have a due time, soonest first. */
  readonly #due = new IndexedHeap<E, 'dueIndex'>(isDueBefore, 'dueIndex');
  /** Entries handed out by `take()` and not yet `release()`d; never above `#maxWorkers`. */
  #active = 0;
  /** Entries enqueued and not yet taken or withdrawn. */
  #queued = 0;
  /** The next arrival number. */
  #seq = 0;

  constructor(maxWorkers: number, perKey: number | ((key: string) => number)) {
    this.#maxWorkers = maxWorkers;
    this.#perKey = perKey;
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#queued;
  }

  /** Whether an entry with `key` could start now: a worker is free and its key is not saturated. */
  hasRoomFor(key: string | undefined): boolean {
    const lane = this.#lanes.get(this.#laneKey(key));
    return this.#active < this.#maxWorkers && (lane === undefined || lane.active < lane.limit);
  }

  /** How many entries of `key` run now. */
  activeOf(key: string): number {
    return this.#lanes.get(this.#laneKey(key))?.active ?? 0;
  }

  /**
   * Changes the limit of `key` (from a limit function) at once: a higher one makes queued entries
   * ready, a lower one lets running entries finish. Call {@link take} afterwards.
   */
  setLimit(key: string, limit: number): void {
    const lane = this.#lanes.get(this.#laneKey(key));
    if (lane === undefined || lane.limit === limit) return;
    lane.limit = limit;
    this.#refresh(lane);
  }

  /** Queues an entry. Call {@link take} afterwards to learn what may run. */
  enqueue(entry: E): void {
    entry.seq = this.#seq++;
    const lane = this.#laneOf(this.#laneKey(entry.key));
    lane.queued.push(entry);
    if (entry.due !== undefined) this.#due.push(entry);
    this.#queued++;
    this.#refresh(lane);
  }

  /** Takes the next entry allowed to run, counting it as active; `undefined` if none may run. */
  take(): E | undefined {
    if (this.#active >= this.#maxWorkers) return undefined;
    const lane = this.#ready.peek();
    const entry = lane?.queued.pop();
    if (lane === undefined || entry === undefined) return undefined;
    if (entry.dueIndex >= 0) this.#due.remove(entry);
    lane.active++;
    this.#active++;
    this.#queued--;
    this.#refresh(lane);
    return entry;
  }

  /** Takes a queued entry out of the queue; `false` if it was not queued. */
  withdraw(entry: E): boolean {
    const lane = this.#lanes.get(this.#laneKey(entry.key));
    if (lane === undefined || entry.heapIndex < 0) return false;
    lane.queued.remove(entry);
    if (entry.dueIndex >= 0) this.#due.remove(entry);
    this.#queued--;
    this.#refresh(lane);
    return true;
  }

  /** The soonest due time among the queued entries; `undefined` when none has one. */
  nextDue(): number | undefined {
    return this.#due.peek()?.due;
  }

  /**
   * Takes out of the queue the queued entry due soonest, if it is due by `now` (it is not counted
   * as active: it never runs); `undefined` when none is.
   */
  takeExpired(now: number): E | undefined {
    const entry = this.#due.peek();
    if (entry === undefined || (entry.due as number) > now) return undefined;
    this.withdraw(entry);
    return entry;
  }

  /** Records that a taken entry has stopped running. */
  release(entry: E): void {
    const lane = this.#lanes.get(this.#laneKey(entry.key));
    if (lane === undefined) return;
    lane.active--;
    this.#active--;
    this.#refresh(lane);
  }

  /** A copy of the queued entries, in no particular order. */
  queuedEntries(): E[] {
    return [...this.#lanes.values()].flatMap((lane) => [...lane.queued.values()]);
  }

  /** The lane of a key: its own, or the shared unlimited one when keys make no difference. */
  #laneKey(key: string | undefined): string | undefined {
    return this.#perKey === Number.POSITIVE_INFINITY ? undefined : key;
  }

  #laneOf(key: string | undefined): Lane<E> {
    let lane = this.#lanes.get(key);
    if (lane === undefined) {
      const perKey = this.#perKey;
      const limit =
        key === undefined
          ? Number.POSITIVE_INFINITY
          : typeof perKey === 'number'
            ? perKey
            : perKey(key);
      lane = { key, limit, queued: new IndexedHeap<E>(runsBefore), active: 0, heapIndex: -1 };
      this.#lanes.set(key, lane);
    }
    return lane;
  }

  /** Puts a lane where it belongs after a change: in or out of `#ready`, kept or deleted. */
  #refresh(lane: Lane<E>): void {
    const isReady = lane.queued.size > 0 && lane.active < lane.limit;
    if (isReady && lane.heapIndex < 0) this.#ready.push(lane);
    else if (isReady) this.#ready.update(lane);
    else if (lane.heapIndex >= 0) this.#ready.remove(lane);
    if (lane.queued.size === 0 && lane.active === 0) this.#lanes.delete(lane.key);
  }
}
