/**
 * The TypeScript blocks of README.md and docs/*.md (see ./snippets.ts for the fragment markers)
 * and of the JSDoc `@example` tags in src/ (see ./examples.ts): each is written as its own module and all are typechecked in one `tsc` run with the repo's
 * strict settings, `fanout` and its subpaths mapped to src/; a few also run against a loopback
 * server, their `http://127.0.0.1:8080` replaced by the server's origin.
 */

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { basename, join, sep } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readBody, startServer } from '../helpers/server.ts';
import { extractExamples } from './examples.ts';
import { extractSnippets, type MarkerProblem, type Snippet } from './snippets.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const ARTIFACTS = join(root, 'test', 'artifacts');
/** The origin snippets use for the services they call; runs replace it with the test server's. */
const PLACEHOLDER_ORIGIN = 'http://127.0.0.1:8080';

/** README.md and docs/*.md, relative to the repository. */
async function markdownFiles(): Promise<string[]> {
  const docs = (await readdir(join(root, 'docs'))).filter((name) => name.endsWith('.md')).sort();
  return ['README.md', ...docs.map((name) => `docs/${name}`)];
}

/** The TypeScript files of src/, relative to the repository. */
async function sourceFiles(): Promise<string[]> {
  const files = await readdir(join(root, 'src'), { recursive: true });
  return files
    .filter((name) => name.endsWith('.ts'))
    .map((name) => `src/${name.split(sep).join('/')}`)
    .sort();
}

/** A snippet written as a module: its name, source and where its lines come from. */
interface SnippetModule {
  readonly snippet: Snippet;
  readonly name: string;
  readonly source: string;
  /** The Markdown line of the module's 1-based line `line`. */
  markdownLine(line: number): number;
}

function toModule(snippet: Snippet): SnippetModule {
  const prelude = snippet.prelude?.code ? snippet.prelude.code.split('\n') : [];
  const preludeLine = snippet.prelude?.line ?? 0;
  return {
    snippet,
    // The whole path in the name: src/ has several index.ts, flow.ts…
    name: `${snippet.file.replace(/\.(md|ts)$/, '').replace(/\W+/g, '-')}-${snippet.line}.ts`,
    // `export {}` makes a block without imports a module too, so blocks never share names.
    source: [...prelude, snippet.code, 'export {};', ''].join('\n'),
    markdownLine: (line) =>
      line <= prelude.length ? preludeLine + line - 1 : snippet.line + line - prelude.length - 1,
  };
}

/**
 * `paths` for the snippets' tsconfig: `fanout` and each subpath → its source in src/, and
 * `#src/<path>` → src/<path>.ts for the examples of internal modules (see ./examples.ts).
 */
async function sourcePaths(): Promise<Record<string, string[]>> {
  const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, { default: string }>;
  };
  return {
    ...Object.fromEntries(
      Object.entries(manifest.exports).map(([subpath, target]) => [
        subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`,
        [join(root, target.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'))],
      ]),
    ),
    '#src/*': [join(root, 'src', '*.ts')],
  };
}

/** tsc's `file(line,col): error TS…` lines, each moved to the Markdown line it came from. */
function locateErrors(output: string, modules: Map<string, SnippetModule>): string[] {
  const located: string[] = [];
  for (const text of output.split('\n')) {
    const match = /^(.*?)\((\d+),(\d+)\): (error TS\d+: .*)$/.exec(text);
    const module = match && modules.get(basename(match[1] ?? ''));
    if (match && module) {
      const line = module.markdownLine(Number(match[2]));
      located.push(`${module.snippet.file}:${line}:${match[3]} ${match[4]}`);
    } else if (text.trim()) {
      located.push(text);
    }
  }
  return located;
}

/** The JSON services the runnable snippets call, below `/` and `/api`. */
function services(request: IncomingMessage, response: ServerResponse): Promise<void> | void {
  const url = new URL(request.url ?? '/', PLACEHOLDER_ORIGIN);
  const path = url.pathname.replace(/^\/api\//, '/');
  const send = (status: number, body?: unknown) => {
    response.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
    response.end(body === undefined ? undefined : JSON.stringify(body));
  };
  if (request.method === 'POST') return readBody(request).then(() => send(204));
  if (path === '/me' || path === '/user') return send(200, { id: 1, name: 'Ada' });
  if (path === '/recs')
    return send(200, [
      { sku: 'a1', title: 'Kettle' },
      { sku: 'b2', title: 'Mug' },
    ]);
  if (path === '/page/1') return send(200, { next: '/page/2' });
  if (path === '/page/2') return send(200, {});
  if (path === '/orders') return send(200, [{ id: 7, total: 12.5 }]);
  // Never answered: the FLOWS.md step meant to miss its deadline does, however loaded the machine.
  if (path === '/ads') return;
  if (path === '/users') {
    const ids = (url.searchParams.get('ids') ?? '').split(',').map(Number);
    return send(
      200,
      ids.map((id) => ({ id, name: `user ${id}` })),
    );
  }
  send(404, { error: `no ${path}` });
}

/**
 * A snippet that runs: the Markdown file, a text that only its block contains, the lines it logs
 * (a pattern where a line holds timings) and, where the block makes a claim about them, the
 * requests the server receives (`METHOD /path?query`, in order unless `inAnyOrder`: requests
 * sent side by side on two connections arrive in either order).
 */
interface Runnable {
  readonly file: string;
  readonly contains: string;
  readonly logs: readonly (string | RegExp)[];
  readonly requests?: readonly string[];
  readonly inAnyOrder?: boolean;
}

const RUNNABLE: readonly Runnable[] = [
  {
    file: 'README.md',
    contains: "const me = await session.get('/me'",
    logs: ['200 1', "{ id: 1, name: 'Ada' }", '200'],
    requests: [
      'GET /api/me?fields=id&fields=name',
      'POST /api/events',
      'GET /api/me',
      'GET /api/recs?n=10',
    ],
  },
  {
    file: 'docs/FUTURES.md',
    contains: 'new FutureSet(',
    logs: [],
    requests: ['GET /page/1', 'GET /page/2'],
  },
  {
    file: 'docs/TRACING.md',
    contains: "const trace = new Trace({ name: 'home page' });",
    logs: [
      '<h1>Ada</h1><p>2 recommendations</p>',
      /^total;dur=\d+\.\d;desc="2 requests", blocked;dur=\d+\.\d(, req-\d;dur=\d+\.\d;desc="GET \/api\/(user|recs)")*$/,
      '2',
    ],
  },
  {
    file: 'docs/FLOWS.md',
    contains: 'await home.onDone();',
    // `ads` never answers: its fallback is certain. Which chain ended last is not (a loaded
    // machine may take longer than the 200 ms for user → orders), but it is one of the two.
    logs: ['200', 'null', /^\[ 'ads' \]$|^\[ 'user', 'orders' \]$/],
    requests: ['GET /api/ads', 'GET /api/me', 'GET /api/orders?u=1'],
    inAnyOrder: true,
  },
  {
    file: 'docs/COALESCING.md',
    contains: 'await coalesce(',
    logs: [],
    requests: ['GET /me', 'GET /users?ids=1%2C2'],
  },
  {
    file: 'docs/RESILIENCE.md',
    contains: 'withDeadline(800',
    logs: [],
  },
];

test('a fragment marker needs a reason and a ts block right after it; its prelude maps back', () => {
  const markdown = [
    '<!-- fragment -->', // 1: no reason
    '```ts',
    'a();',
    '```',
    '<!-- fragment: a reason -->', // 5: no block after it
    '',
    '<!-- fragment: declares `b`', // 7
    'declare const b: number;',
    '-->',
    '```typescript',
    'b;', // 11
    '```',
    '```sh',
    'npm test',
    '```',
  ].join('\n');
  const { snippets, problems } = extractSnippets('x.md', markdown);
  assert.deepEqual(
    problems.map(({ line, problem }) => `${line}: ${problem}`),
    ['1: a fragment marker without a reason', '5: a fragment marker not before a ts block'],
  );
  assert.deepEqual(snippets, [
    { file: 'x.md', line: 3, code: 'a();', fragment: '', prelude: { code: '', line: 1 } },
    {
      file: 'x.md',
      line: 11,
      code: 'b;',
      fragment: 'declares `b`',
      prelude: { code: 'declare const b: number;', line: 8 },
    },
  ]);
  const module = toModule(snippets[1] as Snippet);
  assert.deepEqual([1, 2].map(module.markdownLine), [8, 11]);
});

test('the ts blocks of @example tags are read with their fragment markers, by file line', () => {
  const source = [
    '/**', // 1
    ' * A function.',
    ' * ```ts',
    ' * notAnExample();', // 4: not in an @example
    ' * ```',
    ' * @example',
    ' * ```ts',
    ' * one();', // 8
    ' * // @returns inside a block is code',
    ' * ```',
    ' * @returns nothing', // 11: ends the example
    ' * ```ts',
    ' * notAnExample();',
    ' * ```',
    ' */',
    'export function f(): void {}',
    'class C {',
    '  /**',
    '   * @example', // 19
    '   * <!-- fragment: declares `b`',
    '   * declare const b: number;', // 21
    '   * -->',
    '   * ```ts',
    '   * b;', // 24
    '   * ```',
    '   */',
    '  m(): void {}',
    '}',
  ].join('\n');
  const { snippets, problems } = extractExamples('x.ts', source);
  assert.deepEqual(problems, []);
  assert.deepEqual(snippets, [
    { file: 'x.ts', line: 8, code: 'one();\n// @returns inside a block is code' },
    {
      file: 'x.ts',
      line: 24,
      code: 'b;',
      fragment: 'declares `b`',
      prelude: { code: 'declare const b: number;', line: 21 },
    },
  ]);
});

describe('README, docs and JSDoc @example TypeScript blocks', () => {
  let directory = '';
  const modules = new Map<string, SnippetModule>();
  const problems: MarkerProblem[] = [];

  before(async () => {
    const sources = [
      ...(await markdownFiles()).map((file) => ({ file, extract: extractSnippets })),
      ...(await sourceFiles()).map((file) => ({ file, extract: extractExamples })),
    ];
    for (const { file, extract } of sources) {
      const extracted = extract(file, await readFile(join(root, file), 'utf8'));
      for (const snippet of extracted.snippets) {
        const module = toModule(snippet);
        modules.set(module.name, module);
      }
      problems.push(...extracted.problems);
    }
    await mkdir(ARTIFACTS, { recursive: true });
    // Inside the repository, so the snippets' imports of express, fastify… resolve as the
    // repository's own files do; removed after.
    directory = await mkdtemp(join(ARTIFACTS, 'snippets-'));
    for (const module of modules.values()) {
      await writeFile(join(directory, module.name), module.source);
    }
    const tsconfig = {
      extends: join(root, 'tsconfig.json'),
      compilerOptions: {
        // A snippet may show a value without using it; every other strict setting applies.
        noUnusedLocals: false,
        noUnusedParameters: false,
        paths: await sourcePaths(),
      },
      include: ['*.ts'],
    };
    await writeFile(join(directory, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  });

  after(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  test('every fragment marker gives its reason and stands right before a ts block', () => {
    assert.deepEqual(problems, []);
  });

  test('every block typechecks', { timeout: 180_000 }, async () => {
    const examples = [...modules.values()].filter(({ snippet }) => snippet.file.startsWith('src/'));
    assert.ok(
      modules.size - examples.length >= 30,
      `found ${modules.size - examples.length} blocks`,
    );
    assert.ok(examples.length >= 70, `found ${examples.length} @example blocks`);
    const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', directory, '--pretty', 'false'], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error) }));
    assert.deepEqual(locateErrors(result.stdout, modules), []);
  });

  for (const runnable of RUNNABLE) {
    test(`${runnable.file}: the block with ${runnable.contains} runs`, async (t) => {
      const matches = [...modules.values()].filter(
        ({ snippet }) => snippet.file === runnable.file && snippet.code.includes(runnable.contains),
      );
      assert.equal(
        matches.length,
        1,
        `one block of ${runnable.file} contains ${runnable.contains}`,
      );
      const [module] = matches as [SnippetModule];
      assert.ok(module.source.includes(PLACEHOLDER_ORIGIN), `it calls ${PLACEHOLDER_ORIGIN}`);
      const received: string[] = [];
      const server = await startServer(t, (request, response) => {
        received.push(`${request.method} ${request.url}`);
        return services(request, response);
      });
      // tsx reads the tsconfig of its working directory, whose `paths` map `fanout` to src/.
      const runs = join(directory, 'runs');
      await mkdir(runs, { recursive: true });
      const file = join(runs, module.name);
      await writeFile(file, module.source.replaceAll(PLACEHOLDER_ORIGIN, server.origin));
      const { stdout } = await run(process.execPath, ['--import', 'tsx', file], {
        cwd: directory,
        timeout: 30_000,
      });
      const lines = stdout === '' ? [] : stdout.trimEnd().split('\n');
      assert.equal(lines.length, runnable.logs.length, `logs ${JSON.stringify(lines)}`);
      runnable.logs.forEach((expected, index) => {
        if (typeof expected === 'string') assert.equal(lines[index], expected);
        else assert.match(lines[index] ?? '', expected);
      });
      if (runnable.requests) {
        assert.deepEqual(runnable.inAnyOrder ? received.sort() : received, runnable.requests);
      }
    });
  }
});
