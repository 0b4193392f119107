import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const FIXTURE = fileURLToPath(new URL('fixtures/trace-alone.ts', import.meta.url));

/** Runs fixtures/trace-alone.ts for `which` session module in a fresh process. */
async function traceAlone(which: 'session' | 'futures-session'): Promise<unknown> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', FIXTURE, which], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
  });
  return JSON.parse(stdout);
}

// `trace` is a method of the class itself, not one the public entry point adds: a program that
// imports only the session's module (and so loads the trace layer through it, cycles and all)
// has it, and its requests are recorded.
test('session.trace works when only src/http/session.ts is imported', async () => {
  assert.deepEqual(await traceAlone('session'), { paths: ['/alone'] });
});

test('FuturesSession.trace works when only src/futures/futures-session.ts is imported', async () => {
  assert.deepEqual(await traceAlone('futures-session'), { paths: ['/alone'] });
});
