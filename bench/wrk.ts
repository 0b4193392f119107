import { exists, run } from './processes.ts';
import type { Contender } from './rounds.ts';

/**
 * `wrk` (C, Debian's package) on /fast: what the backend itself can serve, for scale. One thread
 * (the machine has 2 cores and the server needs one), `connections` connections, `seconds` long.
 */
export function wrkContender(
  origin: string,
  connections: number,
  seconds: number,
): Contender<number> {
  return {
    name: `wrk (C, -t1 -c${connections} -d${seconds}s): the server's capacity`,
    async unavailable() {
      return (await exists('wrk', ['-v'])) ? undefined : 'not installed: apt-get install -y wrk';
    },
    async start() {
      const args = ['-t1', `-c${connections}`, `-d${seconds}s`, `${origin}/fast`];
      return {
        async measure() {
          const stdout = await run('wrk', args);
          const match = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
          if (match === null) throw new Error(`no Requests/sec in wrk's output`);
          const errors = /Socket errors:.*|Non-2xx or 3xx responses:.*/.exec(stdout);
          if (errors !== null) throw new Error(`wrk: ${errors[0]}`);
          return Number(match[1]);
        },
        close: async () => {},
      };
    },
  };
}
