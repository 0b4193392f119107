import { fanOutClients } from './clients.ts';
import { fanOut } from './fan-out.ts';
import { nodeContender, warm } from './node-contender.ts';
import { pythonContender, requestsFutures } from './python.ts';
import { type Contender, interleave } from './rounds.ts';
import { type Row, rowOf } from './table.ts';

export interface W1Config {
  /** Requests fired at once; also each client's limit (connections, workers). */
  readonly count: number;
  readonly delayMs: number;
  readonly rounds: number;
}

/**
 * W1 fan-out: `count` GETs of /delay?ms=`delayMs` fired at once, then each awaited; the wall time
 * ÷ `delayMs` (1.0 is the limit). requests-futures runs with its default 8 workers and with `count`.
 */
export async function w1(origin: string, config: W1Config): Promise<Row[]> {
  const { count, delayMs, rounds } = config;
  const path = `/delay?ms=${delayMs}`;
  const contenders: Contender<number>[] = [
    ...fanOutClients.map((factory) =>
      // Warmed again right before each measured fan-out: between two rounds the other
      // contenders run for seconds, longer than a keep-alive socket lives.
      nodeContender(factory, origin, count, async (client) => {
        await warm(client, count);
        return fanOut(client, path, count);
      }),
    ),
    ...[8, count].map((workers) =>
      pythonContender(workers, async () => {
        const args = ['--delay', String(delayMs)];
        return (await requestsFutures(origin, 'w1', count, workers, args)).ms as number;
      }),
    ),
  ];
  const outcomes = await interleave(contenders, rounds);
  return outcomes.map((outcome) =>
    rowOf('W1 fan-out', outcome, 'ms', (summary) => ({
      value: summary.median / delayMs,
      to: `${delayMs} ms limit`,
    })),
  );
}
