/**
 * The seam between flows and tracing (flow/ comes before trace/, so it cannot import it): a
 * tracing layer installs an observer, and every flow started from then on is handed to it, in
 * the async context of `start()`. While none is installed, starting a flow costs one property
 * read.
 *
 * @internal
 */

import type { FlowReport } from './report.ts';

/** A started flow, as an observer sees it. */
export interface ObservedFlow {
  readonly name: string;
  /** `performance.now()` when the flow started; report times count from here. */
  readonly origin: number;
  /** Its steps and critical path so far. */
  report(): FlowReport;
}

/** Told of every flow that starts. */
export type FlowObserver = (flow: ObservedFlow) => void;

/** The installed observers as one function, or `undefined` when there are none. */
export const flowObservation: { observe: FlowObserver | undefined } = { observe: undefined };

// Replaced, never changed in place, so an observer may uninstall itself while being told.
let observers: readonly FlowObserver[] = [];

/**
 * Installs `observer`: every flow started from now on is handed to it. Disposing the result
 * uninstalls it.
 */
export function addFlowObserver(observer: FlowObserver): { dispose(): void } {
  observers = [...observers, observer];
  update();
  return {
    dispose() {
      observers = observers.filter((installed) => installed !== observer);
      update();
    },
  };
}

function update(): void {
  const installed = observers;
  flowObservation.observe =
    installed.length === 0
      ? undefined
      : installed.length === 1
        ? installed[0]
        : (flow) => {
            for (const observer of installed) observer(flow);
          };
}
