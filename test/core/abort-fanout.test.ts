import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { offAbort, onAbort } from '../../src/core/abort-fanout.ts';

function abortListeners(signal: AbortSignal): number {
  return getEventListeners(signal, 'abort').length;
}

test('many waiters on one signal share one abort listener, removed with the last waiter', () => {
  const abort = new AbortController();
  const waiters = Array.from({ length: 50 }, () => () => {});
  for (const waiter of waiters) onAbort(abort.signal, waiter);
  assert.equal(abortListeners(abort.signal), 1);
  for (const waiter of waiters.slice(1)) offAbort(abort.signal, waiter);
  assert.equal(abortListeners(abort.signal), 1);
  offAbort(abort.signal, waiters[0] as () => void);
  assert.equal(abortListeners(abort.signal), 0);
  // Waiters coming back after the last left listen again.
  onAbort(abort.signal, waiters[0] as () => void);
  assert.equal(abortListeners(abort.signal), 1);
});

test('an abort runs every waiter once, in the order they were added, and forgets them', () => {
  const abort = new AbortController();
  const ran: number[] = [];
  for (let i = 0; i < 20; i++) onAbort(abort.signal, () => ran.push(i));
  abort.abort();
  assert.deepEqual(
    ran,
    Array.from({ length: 20 }, (_, i) => i),
  );
  assert.equal(abortListeners(abort.signal), 0);
});

test('a waiter removed before its turn does not run; a removed one never does', () => {
  const abort = new AbortController();
  const ran: string[] = [];
  const removed = () => ran.push('removed');
  const later = () => ran.push('later');
  onAbort(abort.signal, () => {
    ran.push('first');
    offAbort(abort.signal, later);
  });
  onAbort(abort.signal, later);
  onAbort(abort.signal, removed);
  offAbort(abort.signal, removed);
  abort.abort();
  assert.deepEqual(ran, ['first']);
});

test('an already aborted signal never runs a waiter and gets no listener', () => {
  const signal = AbortSignal.abort();
  let ran = false;
  onAbort(signal, () => {
    ran = true;
  });
  assert.equal(ran, false);
  assert.equal(abortListeners(signal), 0);
});

test('a waiter that throws does not stop the others; its error is reported as uncaught', async (t) => {
  const abort = new AbortController();
  const bug = new Error('waiter bug');
  const uncaught = new Promise<unknown>((resolve) => {
    // The EventTarget reports a listener's error on the next tick, as an uncaught exception.
    const listeners = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    t.after(() => {
      for (const listener of listeners) process.on('uncaughtException', listener);
    });
    process.once('uncaughtException', resolve);
  });
  let after = false;
  onAbort(abort.signal, () => {
    throw bug;
  });
  onAbort(abort.signal, () => {
    after = true;
  });
  abort.abort();
  assert.equal(after, true);
  assert.equal(await uncaught, bug);
});
