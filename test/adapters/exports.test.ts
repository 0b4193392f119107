import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The package's subpath exports, each with the source file `npm run build` compiles to its target. */
async function subpaths(): Promise<{ subpath: string; source: string; types: string }[]> {
  const manifest = JSON.parse(await readFile(`${root}package.json`, 'utf8')) as {
    exports: Record<string, { types: string; default: string }>;
  };
  return Object.entries(manifest.exports).map(([subpath, target]) => ({
    subpath,
    source: target.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'),
    types: target.types,
  }));
}

test('each adapter entry point is exported from the source file the build compiles', async () => {
  const entries = await subpaths();
  const expected: Record<string, string[]> = {
    './node': ['Fanout', 'RequestFanout'],
    './express': ['Fanout', 'RequestFanout', 'expressFanout'],
    './fastify': ['Fanout', 'RequestFanout', 'fastifyFanout'],
  };
  for (const [subpath, names] of Object.entries(expected)) {
    const entry = entries.find((candidate) => candidate.subpath === subpath);
    assert.ok(entry, `package.json exports ${subpath}`);
    assert.equal(entry.types, entry.source.replace(/^src\//, './dist/').replace(/\.ts$/, '.d.ts'));
    const module = (await import(`${root}${entry.source}`)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(module).sort(), names.sort());
  }
});

test('importing fanout and its adapters never loads Express or Fastify', async () => {
  // A resolve hook that fails the import of either framework, then every entry point is loaded.
  const hooks = `export async function resolve(specifier, context, next) {
    if (/^(express|fastify)(\\/|$)/.test(specifier)) throw new Error('loaded ' + specifier);
    return next(specifier, context);
  }`;
  const sources = (await subpaths()).map((entry) => `${root}${entry.source}`);
  const script = `
    import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));
    for (const source of ${JSON.stringify(sources)}) await import(source);
    console.log('loaded ' + ${sources.length} + ' entry points');
  `;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: root },
  );
  assert.equal(stdout.trim(), `loaded ${sources.length} entry points`);
});
