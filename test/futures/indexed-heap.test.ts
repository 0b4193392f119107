import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IndexedHeap } from '../../src/futures/indexed-heap.ts';

interface Item {
  value: number;
  heapIndex: number;
}

/** A small deterministic generator (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('pops in order after random pushes, removals and updates', () => {
  const next = random(42);
  const heap = new IndexedHeap<Item>((a, b) => a.value < b.value);
  const inside = new Set<Item>();
  for (let step = 0; step < 5_000; step++) {
    const roll = next();
    const members = [...inside];
    const pick = members[Math.floor(next() * members.length)];
    if (roll < 0.5 || pick === undefined) {
      const item = { value: Math.floor(next() * 1000), heapIndex: -1 };
      heap.push(item);
      inside.add(item);
    } else if (roll < 0.75) {
      heap.remove(pick);
      inside.delete(pick);
      assert.equal(pick.heapIndex, -1);
    } else {
      pick.value = Math.floor(next() * 1000);
      heap.update(pick);
    }
    assert.equal(heap.size, inside.size);
  }
  const popped: number[] = [];
  for (let item = heap.pop(); item !== undefined; item = heap.pop()) popped.push(item.value);
  assert.deepEqual(
    popped,
    [...inside].map((item) => item.value).sort((a, b) => a - b),
  );
  assert.equal(heap.peek(), undefined);
});
