import type { TestContext } from 'node:test';

/** Keys no test may pollute: writing them would change what every object is, not add a key. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype', 'toString', 'valueOf']);

/**
 * Runs `fn` with `entries` set on `Object.prototype`, as another package's prototype pollution
 * would (plain assignment: enumerable, inherited by every object), and deletes them afterwards —
 * in a `finally`, and again at the end of `t` should the test be cut short. Tests that call it
 * must run serially (`--test-concurrency=1`, no `concurrency` option on their suite).
 */
export async function withPolluted<T>(
  t: Pick<TestContext, 'after'>,
  entries: Readonly<Record<string, unknown>>,
  fn: () => T | Promise<T>,
): Promise<T> {
  const keys = Object.keys(entries);
  for (const key of keys) {
    if (FORBIDDEN.has(key) || Object.hasOwn(Object.prototype, key)) {
      throw new Error(`withPolluted: refusing to pollute Object.prototype.${key}`);
    }
  }
  const clean = () => {
    for (const key of keys) delete (Object.prototype as Record<string, unknown>)[key];
  };
  t.after(clean);
  try {
    for (const key of keys) (Object.prototype as Record<string, unknown>)[key] = entries[key];
    return await fn();
  } finally {
    clean();
  }
}
