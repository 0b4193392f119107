/**
 * The package as another project gets it: `npm pack` makes the tarball (its `prepare` script
 * builds dist/, as it does for an install from git), the tarball is installed into a fresh project
 * in os.tmpdir(), and from there every path in `exports` is imported from ESM in a child `node`
 * and a consumer `.ts` file is typechecked with `tsc` against the shipped `.d.ts`.
 */

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const repoModules = realpathSync(join(root, 'node_modules'));

interface Manifest {
  name: string;
  license: string;
  exports: Record<string, { types: string; default: string }>;
  peerDependencies: Record<string, string>;
}

/** What `npm pack --json` prints for one package. */
interface PackResult {
  filename: string;
  files: { path: string }[];
}

/**
 * The environment for the child npm: the caller's minus the `npm_*` variables that `npm test`
 * sets for its own project (`npm_config_local_prefix` would point the child at this repo), but
 * keeping the ones that say where the cache and registry are.
 */
function npmEnvironment(): NodeJS.ProcessEnv {
  const kept = /^npm_config_(cache|registry|userconfig|globalconfig|cafile|proxy|https_proxy)$/i;
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !(/^npm_/i.test(name) || name === 'INIT_CWD') || kept.test(name),
    ),
  );
}

/** `'.'` → `'fanout'`, `'./node'` → `'fanout/node'`. */
function specifier(name: string, subpath: string): string {
  return subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
}

/** The source module `npm run build` compiles to an export's `default` target. */
function sourceOf(target: string): string {
  return join(root, target.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));
}

/** A consumer module: every export path imported, and typed uses that fail if a type is `any`. */
function consumerSource(name: string, subpaths: string[]): string {
  const imports = subpaths.map(
    (subpath, index) => `import * as entry${index} from '${specifier(name, subpath)}';`,
  );
  return `${imports.join('\n')}
import type { RequestHandler } from 'express';
import { type Response, Session } from 'fanout';
import { expressFanout, Fanout } from 'fanout/express';

const session = new Session({ baseURL: 'http://127.0.0.1:1', timeout: 1_000 });
const pending: Promise<Response> = session.get('/x', { params: { q: 1 } });
// @ts-expect-error an unknown option is refused, so the declarations are not \`any\`
new Session({ timout: 5 });
const middleware: RequestHandler = expressFanout(new Fanout());
export const used = [pending, middleware, ${subpaths.map((_, index) => `entry${index}`).join(', ')}];
`;
}

describe('the packed tarball, installed into a fresh project', { timeout: 240_000 }, () => {
  let temporary = '';
  let project = '';
  let manifest: Manifest;
  let packed: PackResult;

  before(async () => {
    temporary = await mkdtemp(join(tmpdir(), 'fanout-pack-'));
    project = join(temporary, 'project');
    await mkdir(project);
    // `npm pack` runs `prepare` (a clean build, about 5 s) before packing: no separate build and no
    // --ignore-scripts, so the tarball is built exactly as a git install builds it, and a
    // `prepare` that broke or went missing fails this test rather than packing a stale dist/.
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', temporary], {
      cwd: root,
      env: npmEnvironment(),
      maxBuffer: 16 * 1024 * 1024,
    });
    [packed] = JSON.parse(stdout) as [PackResult];
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'fanout-consumer', private: true, type: 'module' }),
    );
    // The runtime dependencies come from npm (the cache first: CI's `npm ci` has just filled it);
    // the optional peers are not installed, as in a project that uses neither framework. No
    // --ignore-scripts: a consumer does not pass it either.
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', join(temporary, packed.filename)],
      { cwd: project, env: npmEnvironment() },
    );
    manifest = JSON.parse(
      await readFile(join(project, 'node_modules', 'fanout', 'package.json'), 'utf8'),
    ) as Manifest;
  });

  after(async () => {
    if (temporary) await rm(temporary, { recursive: true, force: true });
  });

  test('holds the types and code of every export path, and nothing outside dist/', () => {
    const files = new Set(packed.files.map((file) => file.path));
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      for (const file of [target.types, target.default]) {
        assert.ok(files.has(file.slice(2)), `${subpath}: ${file} is in the tarball`);
      }
    }
    const extra = [...files].filter(
      (file) => !file.startsWith('dist/') && !/^(package\.json|README\.md|LICENSE)$/.test(file),
    );
    assert.deepEqual(extra, []);
  });

  test('ships the LICENSE that package.json names', async () => {
    assert.ok(
      packed.files.some((file) => file.path === 'LICENSE'),
      'LICENSE is in the tarball',
    );
    const license = await readFile(join(project, 'node_modules', 'fanout', 'LICENSE'), 'utf8');
    assert.equal(license.split('\n')[0], `${manifest.license} License`);
  });

  test('every source map resolves within the tarball: its sources are shipped or inlined', async () => {
    const installed = join(project, 'node_modules', 'fanout');
    const files = new Set(packed.files.map((file) => file.path));
    const maps = [...files].filter((file) => file.endsWith('.js.map'));
    assert.ok(maps.length > 0, 'the tarball has source maps');
    for (const map of maps) {
      const { sources, sourcesContent, sourceRoot } = JSON.parse(
        await readFile(join(installed, map), 'utf8'),
      ) as { sources: string[]; sourcesContent?: (string | null)[]; sourceRoot?: string };
      assert.ok(sources.length > 0, `${map} names its sources`);
      sources.forEach((source, index) => {
        const path = relative(
          installed,
          resolve(installed, dirname(map), sourceRoot ?? '', source),
        );
        const inlined = typeof sourcesContent?.[index] === 'string';
        assert.ok(inlined || files.has(path), `${map}: ${source} is inlined or in the tarball`);
      });
    }
  });

  test('every export path imports from ESM, with no optional peer installed', async () => {
    for (const peer of Object.keys(manifest.peerDependencies)) {
      assert.equal(existsSync(join(project, 'node_modules', peer)), false, `${peer} is absent`);
    }
    const subpaths = Object.keys(manifest.exports);
    const script = `const names = {};
for (const subpath of ${JSON.stringify(subpaths)}) {
  const specifier = subpath === '.' ? 'fanout' : 'fanout/' + subpath.slice(2);
  names[subpath] = Object.keys(await import(specifier)).sort();
}
console.log(JSON.stringify(names));`;
    await writeFile(join(project, 'imports.mjs'), script);
    const { stdout } = await run(process.execPath, ['imports.mjs'], { cwd: project });
    const loaded = JSON.parse(stdout) as Record<string, string[]>;
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      const source = (await import(sourceOf(target.default))) as Record<string, unknown>;
      assert.deepEqual(loaded[subpath], Object.keys(source).sort(), `${subpath} exports`);
    }
  });

  test('a strict consumer typechecks against the shipped .d.ts', async () => {
    // A project using the adapters has the frameworks (and @types/express, @types/node): link the
    // repo's copies in. fanout itself stays the tarball's.
    const peers = Object.keys(manifest.peerDependencies);
    const typed = ['node', ...peers].map((name) => `@types/${name}`);
    for (const name of [...peers, ...typed].filter((n) => existsSync(join(repoModules, n)))) {
      const link = join(project, 'node_modules', name);
      await mkdir(dirname(link), { recursive: true });
      await symlink(join(repoModules, name), link, 'dir');
    }
    const subpaths = Object.keys(manifest.exports);
    await writeFile(join(project, 'consumer.ts'), consumerSource(manifest.name, subpaths));
    const compilerOptions = {
      strict: true,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2022',
      lib: ['es2023'],
      types: ['node'],
      noEmit: true,
      skipLibCheck: false, // check the shipped declarations themselves, not only their use
    };
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions, files: ['consumer.ts'] }),
    );
    const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', project, '--pretty', 'false'], {
      cwd: project,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error) }));
    assert.equal(result.stdout.trim(), '');
  });
});
