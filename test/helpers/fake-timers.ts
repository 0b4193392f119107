import type { TestContext } from 'node:test';

/**
 * A fake clock for the global `setTimeout`/`clearTimeout`, which every fanout timer starts through
 * (src/core/timers.ts reads the global when a timer starts). Time moves only by {@link tick}; a
 * test waits for the library's own events ({@link armed}) before moving it, so it never sleeps.
 * Unlike node:test's `mock.timers` on Node 20, a timer's `refresh()` restarts it, as Node's does:
 * the body timeout is idle time, restarted by each chunk.
 */
export interface FakeTimers {
  /** Milliseconds of fake time since the clock was installed. */
  readonly now: number;
  /** Moves the clock `ms` ahead, firing the timers due by then in due order. */
  tick(ms: number): void;
  /**
   * Resolves once timers of `delay` ms have been started or refreshed `times` more times from now
   * (a body timer, for one, is started by the headers and refreshed by each chunk), with the ms
   * the timer armed last waits (as Node does, at least 1).
   */
  armed(delay: number, times?: number): Promise<number>;
}

/** One fake timer: the parts of Node's `Timeout` the library and undici use. */
class FakeTimeout {
  readonly id: number;
  /** The delay asked for, as given. */
  readonly delay: number;
  /** What it waits, as in Node: the delay, or 1 ms for one below 1 ms (or not a number). */
  readonly wait: number;
  readonly callback: () => void;
  // When it fires, in fake ms; `undefined` once fired or cleared.
  due: number | undefined;
  // Breaks ties between timers due at the same time: the one started (or refreshed) first fires first.
  order = 0;
  readonly #clock: Clock;

  constructor(clock: Clock, id: number, delay: number, callback: () => void) {
    this.#clock = clock;
    this.id = id;
    this.delay = delay;
    // biome-ignore lint/complexity/useMathMinMax: Math.max(NaN, 1) is NaN; Node waits 1 ms then
    this.wait = delay >= 1 ? delay : 1;
    this.callback = callback;
    this.refresh();
  }

  refresh(): this {
    // As Node does: a delay below 1 ms (or not a number) waits 1 ms.
    this.due = this.#clock.now + this.wait;
    this.order = this.#clock.nextOrder();
    this.#clock.started(this);
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  hasRef(): boolean {
    return true;
  }

  close(): this {
    this.due = undefined;
    return this;
  }

  [Symbol.toPrimitive](): number {
    return this.id;
  }
}

class Clock implements FakeTimers {
  now = 0;
  readonly #timers = new Map<number, FakeTimeout>();
  // Waiters of armed(): each for `left` more armings of a timer of `delay` ms.
  readonly #waiters: { delay: number; left: number; resolve: (wait: number) => void }[] = [];
  #ids = 0;
  #orders = 0;

  nextOrder(): number {
    return ++this.#orders;
  }

  setTimeout(callback: (...args: unknown[]) => void, delay = 0, ...args: unknown[]): FakeTimeout {
    const timer = new FakeTimeout(this, ++this.#ids, Number(delay), () => callback(...args));
    this.#timers.set(timer.id, timer);
    return timer;
  }

  clearTimeout(handle: unknown): boolean {
    const id = typeof handle === 'object' && handle instanceof FakeTimeout ? handle.id : handle;
    const timer = typeof id === 'number' ? this.#timers.get(id) : undefined;
    if (timer === undefined) return false;
    timer.close();
    this.#timers.delete(timer.id);
    return true;
  }

  started(timer: FakeTimeout): void {
    this.#timers.set(timer.id, timer);
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const waiter = this.#waiters[i];
      if (waiter?.delay !== timer.delay || --waiter.left > 0) continue;
      this.#waiters.splice(i, 1);
      waiter.resolve(timer.wait);
    }
  }

  tick(ms: number): void {
    const target = this.now + ms;
    for (let timer = this.#nextDue(target); timer; timer = this.#nextDue(target)) {
      this.now = timer.due as number;
      timer.due = undefined;
      this.#timers.delete(timer.id);
      timer.callback();
    }
    this.now = target;
  }

  armed(delay: number, times = 1): Promise<number> {
    return new Promise((resolve) => this.#waiters.push({ delay, left: times, resolve }));
  }

  #nextDue(target: number): FakeTimeout | undefined {
    let next: FakeTimeout | undefined;
    for (const timer of this.#timers.values()) {
      if (timer.due === undefined || timer.due > target) continue;
      const nextDue = next?.due as number;
      if (!next || timer.due < nextDue || (timer.due === nextDue && timer.order < next.order)) {
        next = timer;
      }
    }
    return next;
  }
}

/**
 * Installs a fake clock on the global `setTimeout`/`clearTimeout` until `t` ends. Timers started
 * before it keep running on the real clock (`clearTimeout` still stops them).
 */
export function fakeTimers(t: TestContext): FakeTimers {
  const clock = new Clock();
  const realClear = globalThis.clearTimeout;
  t.mock.method(globalThis, 'setTimeout', clock.setTimeout.bind(clock));
  t.mock.method(globalThis, 'clearTimeout', (handle: unknown) => {
    if (!clock.clearTimeout(handle)) realClear(handle as NodeJS.Timeout);
  });
  return clock;
}

/** Lets every pending callback and promise reaction run (setImmediate is not faked). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
