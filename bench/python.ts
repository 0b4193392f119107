import { fileURLToPath } from 'node:url';
import { run } from './processes.ts';
import type { Contender } from './rounds.ts';

// The Python original, requests-futures, on Debian's own interpreter (the `python3` first on PATH
// may be another one that does not see Debian's packages). See bench/requests_futures.py.

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./requests_futures.py', import.meta.url));
const MISSING = 'not installed: apt-get install -y python3-requests-futures';

let installed: Promise<boolean> | undefined;

async function unavailable(): Promise<string | undefined> {
  // From `/`, so a requests_futures.py in the current folder cannot stand in for the package.
  installed ??= run(PYTHON, ['-c', 'from requests_futures.sessions import FuturesSession'], {
    cwd: '/',
  }).then(
    () => true,
    () => false,
  );
  return (await installed) ? undefined : MISSING;
}

export type PythonWorkload = 'w1' | 'w2' | 'w3';

/** Runs bench/requests_futures.py once (a fresh process, warmed inside) and returns its JSON. */
export async function requestsFutures(
  origin: string,
  workload: PythonWorkload,
  total: number,
  workers: number,
  extra: readonly string[] = [],
): Promise<Record<string, number>> {
  const args = [SCRIPT, '--origin', origin, '--workload', workload, '--total', String(total)];
  const stdout = await run(PYTHON, [...args, '--workers', String(workers), ...extra]);
  return JSON.parse(stdout) as Record<string, number>;
}

/** A requests-futures row: one fresh Python process per round, measured by `measure`. */
export function pythonContender<S>(
  workers: number,
  measure: (round: number) => Promise<S>,
): Contender<S> {
  return {
    name: `requests-futures (Python, ${workers} workers)`,
    unavailable,
    async start() {
      return { measure, close: async () => {} };
    },
  };
}
