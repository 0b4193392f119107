import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidOptionError } from '../../src/index.ts';
import { MemoryStore } from '../../src/resilience/cache/memory-store.ts';

const bytes = (length: number, fill = 1) => new Uint8Array(length).fill(fill);

test('MemoryStore keeps a value for its TTL on the injected clock', async () => {
  let now = 1_000;
  const store = new MemoryStore({ now: () => now });
  await store.set('a', bytes(3), 500);
  assert.deepEqual(await store.get('a'), bytes(3));
  now += 499;
  assert.deepEqual(await store.get('a'), bytes(3));
  now += 1;
  assert.equal(await store.get('a'), undefined);
  assert.equal(store.size, 0);
  assert.equal(store.bytes, 0);
  await store.set('b', bytes(1), 0);
  assert.equal(await store.get('b'), undefined);
});

test('MemoryStore evicts the least recently used entry past maxEntries', async () => {
  const store = new MemoryStore({ maxEntries: 2 });
  await store.set('a', bytes(1), 60_000);
  await store.set('b', bytes(1), 60_000);
  await store.get('a'); // a is now the most recently used
  await store.set('c', bytes(1), 60_000);
  assert.equal(await store.get('b'), undefined);
  assert.ok(await store.get('a'));
  assert.ok(await store.get('c'));
  assert.equal(store.size, 2);
});

test('MemoryStore stays within maxBytes (keys count) and skips a value larger than all of it', async () => {
  const store = new MemoryStore({ maxBytes: 100 });
  await store.set('k1', bytes(40), 60_000);
  await store.set('k2', bytes(40), 60_000);
  assert.equal(store.bytes, 84);
  await store.set('k3', bytes(40), 60_000);
  assert.equal(await store.get('k1'), undefined);
  assert.ok(store.bytes <= 100);
  await store.set('huge', bytes(200), 60_000);
  assert.equal(await store.get('huge'), undefined);
  assert.ok(await store.get('k3'));
  // Replacing a key counts its bytes once.
  await store.set('k3', bytes(10), 60_000);
  assert.equal(store.bytes, 42 + 12);
  await store.delete('k3');
  await store.delete('absent');
  assert.equal(store.bytes, 42);
  store.clear();
  assert.equal(store.size, 0);
});

test('MemoryStore rejects bad options with InvalidOptionError naming them', () => {
  const cases: [unknown, RegExp][] = [
    [{ maxEntries: 0 }, /`maxEntries` to be an integer >= 1, got 0 \(number\)/],
    [{ maxBytes: 1.5 }, /`maxBytes`/],
    [{ now: 'soon' }, /`now` to be a function/],
    [null, /`options` to be an object, got null/],
  ];
  for (const [options, message] of cases) {
    assert.throws(
      () => new MemoryStore(options as never),
      (error: unknown) => error instanceof InvalidOptionError && message.test(error.message),
    );
  }
});
