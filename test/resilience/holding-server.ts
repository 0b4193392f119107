import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TestContext } from 'node:test';
import { deferred, startServer, type TestServer } from '../helpers/server.ts';

/**
 * A loopback server that holds every request until the test answers it, counting the requests it
 * holds: the origin's in-flight count as the origin sees it. Deferreds order everything.
 */
export interface HoldingServer extends TestServer {
  /** Requests received so far. */
  readonly arrivals: number;
  /** Requests received and not yet answered. */
  readonly inFlight: number;
  /** The most requests in flight at once since the start or the last {@link resetMax}. */
  readonly maxInFlight: number;
  /** Starts counting {@link maxInFlight} afresh, from the requests in flight now. */
  resetMax(): void;
  /** Resolves once `count` requests have arrived (at once if they have). */
  arrived(count: number): Promise<void>;
  /** Answers the oldest held request with `status`. */
  answer(status?: number): void;
  /** Answers every held request with 200, and from now on every request as it arrives. */
  answerAll(): void;
}

export async function holdingServer(t: TestContext, host = '127.0.0.1'): Promise<HoldingServer> {
  const held: ((status: number) => void)[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let arrivals = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let isAnsweringAll = false;

  const handler = async (_request: IncomingMessage, response: ServerResponse) => {
    arrivals++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    for (const waiter of waiters.filter((w) => arrivals >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    const gate = deferred<number>();
    if (isAnsweringAll) gate.resolve(200);
    else held.push(gate.resolve);
    const status = await gate.promise;
    inFlight--;
    response.writeHead(status, { 'content-type': 'text/plain' });
    response.end('ok');
  };

  const answerAll = () => {
    isAnsweringAll = true;
    for (const release of held.splice(0)) release(200);
  };
  t.after(answerAll); // before the server closes: a failed test leaves no request held
  const server = await startServer(t, handler, host);
  return {
    ...server,
    get arrivals() {
      return arrivals;
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    resetMax() {
      maxInFlight = inFlight;
    },
    arrived(count) {
      if (arrivals >= count) return Promise.resolve();
      const waiter = deferred();
      waiters.push({ count, resolve: waiter.resolve });
      return waiter.promise;
    },
    answer(status = 200) {
      const next = held.shift();
      if (next === undefined) throw new Error('no request is held');
      next(status);
    },
    answerAll,
  };
}
