/**
 * The one timers module: it calls the global `setTimeout` when a timer starts, so a clock faked
 * after it was imported (node:test `mock.timers`) drives every timer; `Infinity` starts none and a
 * longer delay than `setTimeout` honours waits the longest it does, instead of firing at once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_DELAY, startTimer } from '../../src/core/timers.ts';

test('a clock faked after import drives the timers started through the module', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const fired: number[] = [];
  startTimer(50, () => fired.push(50));
  startTimer(10, () => fired.push(10));
  t.mock.timers.tick(49);
  assert.deepEqual(fired, [10]);
  t.mock.timers.tick(1);
  assert.deepEqual(fired, [10, 50]);
});

test('Infinity starts no timer', () => {
  assert.equal(
    startTimer(Number.POSITIVE_INFINITY, () => assert.fail('fired')),
    undefined,
  );
});

test('a delay beyond MAX_DELAY waits MAX_DELAY, never less', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let fired = false;
  startTimer(MAX_DELAY * 2, () => {
    fired = true;
  });
  t.mock.timers.tick(MAX_DELAY - 1);
  assert.equal(fired, false);
  t.mock.timers.tick(1);
  assert.equal(fired, true);
});
