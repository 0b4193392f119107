/**
 * One `abort` listener per AbortSignal, fanning out to every part of fanout that waits on it.
 *
 * A caller's signal is often shared by many calls at once (a page's or a server's signal given to
 * every request, load or loader of the work it stands for). Node warns
 * (`MaxListenersExceededWarning`, "Possible EventTarget memory leak detected") once a signal has
 * more than 10 `abort` listeners, which would report a leak where there is none — and raising the
 * signal's limit would hide a real leak of the caller's own. So the library adds one listener to
 * a signal, keeps its waiters in a set, and removes that listener when the last waiter leaves.
 *
 * The waiters of a signal run in the order they were added, at the place of the first one among
 * the signal's other listeners; a waiter removed while the signal dispatches (by an earlier
 * waiter) does not run, as with `removeEventListener`. `onAbort`/`offAbort` mirror
 * `addEventListener`/`removeEventListener` rather than returning a disposer, so that a call on
 * the hot path allocates nothing more than the listener it already had.
 *
 * @internal
 */

/** The one listener of a signal and the waiters it runs. */
interface Fanout {
  /** The signal has {@link dispatch} as a listener exactly while this is not empty. */
  readonly waiters: Set<() => void>;
  readonly dispatch: () => void;
}

// The fanout of each signal that has had waiters, kept while the signal lives (so a signal whose
// waiters come and go, one call after another, allocates it once) and dropped when it aborts.
const fanouts = new WeakMap<AbortSignal, Fanout>();

/**
 * Runs `waiter` once when `signal` aborts (never if it already has: check `signal.aborted`
 * first). Adding the same function twice adds it once.
 */
export function onAbort(signal: AbortSignal, waiter: () => void): void {
  if (signal.aborted) return;
  const fanout = fanouts.get(signal) ?? fanoutOf(signal);
  if (fanout.waiters.size === 0) signal.addEventListener('abort', fanout.dispatch, { once: true });
  fanout.waiters.add(waiter);
}

/** Removes `waiter` from `signal`'s waiters; the last one out removes the signal's listener. */
export function offAbort(signal: AbortSignal, waiter: () => void): void {
  const fanout = fanouts.get(signal);
  if (fanout === undefined || !fanout.waiters.delete(waiter)) return;
  if (fanout.waiters.size === 0) signal.removeEventListener('abort', fanout.dispatch);
}

function fanoutOf(signal: AbortSignal): Fanout {
  const waiters = new Set<() => void>();
  // Every waiter runs even if one throws; the first error is rethrown to the EventTarget, which
  // reports it as it would any listener's (an uncaught exception).
  const dispatch = () => {
    let failure: { error: unknown } | undefined;
    for (const waiter of waiters) {
      try {
        waiter();
      } catch (error) {
        failure ??= { error };
      }
    }
    waiters.clear();
    fanouts.delete(signal);
    if (failure !== undefined) throw failure.error;
  };
  const fanout = { waiters, dispatch };
  fanouts.set(signal, fanout);
  return fanout;
}
