import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const helper = pathToFileURL(join(root, 'test/helpers/warnings.ts')).href;

/** Runs `source` as a test file the way `npm test` runs one, with the warning guard preloaded. */
async function runTestFile(
  t: { after(fn: () => unknown): void },
  source: string,
): Promise<{ code: number; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'fanout-warnings-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'case.test.ts');
  await writeFile(file, source);
  const args = ['--import', 'tsx', '--import', './test/helpers/warnings.ts', '--test', file];
  // A fresh run, not a subtest of this file's run (which node:test tells children by this).
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: root, env }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), output: stdout + stderr });
    });
  });
}

test('a test file that emits an unexpected warning fails, and the warning is shown', async (t) => {
  const { code, output } = await runTestFile(
    t,
    `import { test } from 'node:test';
test('passes but warns', () => {
  process.emitWarning('something odd', { code: 'SOMETHING_ODD' });
});
`,
  );
  assert.equal(code, 1, output);
  assert.match(output, /Unexpected process warning in .*case\.test\.ts/);
  assert.match(output, /Warning: something odd/);
});

test('allowed and expected warnings pass, and an expected one is never printed', async (t) => {
  const { code, output } = await runTestFile(
    t,
    `import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { expectWarning } from ${JSON.stringify(helper)};
test('uses mock timers (ExperimentalWarning on Node 20)', () => {
  mock.timers.enable();
  mock.timers.reset();
});
test('provokes a warning it expects', async (t) => {
  const warned = expectWarning(t, 'EXPECTED_IN_TEST');
  process.emitWarning('provoked on purpose', { code: 'EXPECTED_IN_TEST' });
  const warning = await warned;
  assert.equal(warning.message, 'provoked on purpose');
});
`,
  );
  assert.equal(code, 0, output);
  assert.doesNotMatch(output, /Unexpected process warning|provoked on purpose/);
  assert.match(output, /# pass 2/);
});

test('a warning expected by one test is unexpected in the next', async (t) => {
  const { code, output } = await runTestFile(
    t,
    `import { test } from 'node:test';
import { expectWarning } from ${JSON.stringify(helper)};
test('expects it', async (t) => {
  const warned = expectWarning(t, 'ONCE_ONLY');
  process.emitWarning('inside', { code: 'ONCE_ONLY' });
  await warned;
});
test('does not', () => {
  process.emitWarning('outside', { code: 'ONCE_ONLY' });
});
`,
  );
  assert.equal(code, 1, output);
  assert.match(output, /Unexpected process warning.*\n.*Warning: outside/);
  assert.doesNotMatch(output, /inside/);
});
