import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Entry, Scheduler } from '../../src/futures/scheduler.ts';

interface Job extends Entry {
  name: string;
}

function job(name: string, key?: string, priority = 0, due?: number): Job {
  return { name, key, priority, seq: 0, heapIndex: -1, due, dueIndex: -1 };
}

function takeAll(scheduler: Scheduler<Job>): string[] {
  const names: string[] = [];
  for (let entry = scheduler.take(); entry !== undefined; entry = scheduler.take()) {
    names.push(entry.name);
  }
  return names;
}

test('takes by priority, then arrival, within maxWorkers', () => {
  const scheduler = new Scheduler<Job>(2, Number.POSITIVE_INFINITY);
  for (const entry of [job('a'), job('b', undefined, 1), job('c'), job('d', undefined, 1)]) {
    scheduler.enqueue(entry);
  }
  assert.deepEqual(takeAll(scheduler), ['b', 'd']);
  assert.equal(scheduler.active, 2);
  assert.equal(scheduler.queued, 2);
});

test('a saturated key is skipped, and becomes ready again on release', () => {
  const scheduler = new Scheduler<Job>(10, 1);
  const a1 = job('a1', 'a', 5);
  scheduler.enqueue(a1);
  scheduler.enqueue(job('a2', 'a', 5));
  scheduler.enqueue(job('b1', 'b'));
  assert.deepEqual(takeAll(scheduler), ['a1', 'b1']);
  assert.equal(scheduler.hasRoomFor('a'), false);
  assert.equal(scheduler.hasRoomFor('c'), true);
  scheduler.release(a1);
  assert.deepEqual(takeAll(scheduler), ['a2']);
});

test('withdraw takes a queued entry out, and only a queued one', () => {
  const scheduler = new Scheduler<Job>(1, Number.POSITIVE_INFINITY);
  const first = job('first', 'k');
  const second = job('second', 'k');
  scheduler.enqueue(first);
  scheduler.enqueue(second);
  assert.equal(scheduler.take(), first);
  assert.equal(scheduler.withdraw(first), false);
  assert.deepEqual(
    scheduler.queuedEntries().map((entry) => entry.name),
    ['second'],
  );
  assert.equal(scheduler.withdraw(second), true);
  assert.equal(scheduler.queued, 0);
  scheduler.release(first);
  assert.equal(scheduler.active, 0);
});

test('takeExpired takes out the queued entries due by a time, soonest first, never a taken one', () => {
  const scheduler = new Scheduler<Job>(1, 1);
  const running = job('running', 'a', 0, 5);
  const late = job('late', 'a', 0, 30);
  const soon = job('soon', 'b', 0, 10);
  const withdrawn = job('withdrawn', 'b', 0, 1);
  for (const entry of [running, job('free', 'a'), late, soon, withdrawn]) scheduler.enqueue(entry);
  assert.equal(scheduler.take(), running);
  assert.equal(scheduler.nextDue(), 1);
  scheduler.withdraw(withdrawn);
  assert.equal(scheduler.nextDue(), 10);
  assert.equal(scheduler.takeExpired(9), undefined);
  assert.equal(scheduler.takeExpired(30), soon);
  assert.equal(scheduler.takeExpired(30), late);
  assert.equal(scheduler.takeExpired(Number.POSITIVE_INFINITY), undefined, 'free has no due time');
  assert.equal(scheduler.nextDue(), undefined);
  assert.deepEqual(
    scheduler.queuedEntries().map((entry) => entry.name),
    ['free'],
  );
  assert.equal(scheduler.active, 1, 'an expired entry never counts as active');
  scheduler.release(running);
  assert.equal(scheduler.take()?.name, 'free');
});
