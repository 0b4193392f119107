import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const fixture = (name: string) => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));

/** Runs fixtures/request-once.ts in a child process, with `preload` if given. */
async function requestOnce(preload?: string): Promise<Record<string, unknown>> {
  const args = [
    ...(preload === undefined ? [] : ['--require', fixture(preload)]),
    '--import',
    'tsx',
    fixture('request-once.ts'),
  ];
  const { stdout } = await run(process.execPath, args, {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

test('without @opentelemetry/api installed, requests work and the seam uninstalls itself', async () => {
  assert.deepEqual(await requestOnce('hide-otel-api.cjs'), {
    status: 200,
    traceparent: 'none',
    isObserved: false,
  });
});

test('with @opentelemetry/api but no SDK registered, no traceparent is sent', async () => {
  assert.deepEqual(await requestOnce(), { status: 200, traceparent: 'none', isObserved: true });
});
