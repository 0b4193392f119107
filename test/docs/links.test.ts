/**
 * Every relative link of README.md and docs/*.md leads somewhere: the file or folder exists, and
 * an `#anchor` into a Markdown file (the same one or another) names one of its headings. Moving a
 * section or renaming a heading fails here until the links follow.
 */

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { headingAnchors, relativeLinks, slug } from './links.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** README.md and docs/*.md, relative to the repository. */
function markdownFiles(): string[] {
  const docs = readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md'));
  return ['README.md', ...docs.sort().map((name) => `docs/${name}`)];
}

test('a heading anchor is GitHub\'s: lower case, punctuation dropped, spaces to "-", repeats numbered', () => {
  assert.equal(slug('`new Session(options?)`'), 'new-sessionoptions');
  assert.equal(slug('Flows: dependencies between requests'), 'flows-dependencies-between-requests');
  assert.equal(slug("AIMD — `algorithm: 'aimd'`"), 'aimd--algorithm-aimd');
  assert.deepEqual(
    [...headingAnchors('# A\n## Errors\n```sh\n# not a heading\n```\n### Errors\n')],
    ['a', 'errors', 'errors-1'],
  );
});

test('only relative links outside code count, each split into path and anchor', () => {
  const markdown = [
    '[a](docs/A.md#x) [b](https://example.com/) [c](#here) `[d](nowhere.md)`',
    '```md',
    '[e](inside-a-fence.md)',
    '```',
    '[f](../src/ "title")',
  ].join('\n');
  assert.deepEqual(relativeLinks(markdown), [
    { line: 1, path: 'docs/A.md', anchor: 'x' },
    { line: 1, path: '', anchor: 'here' },
    { line: 5, path: '../src/' },
  ]);
});

test('every relative link and #anchor of README.md and docs/*.md resolves', () => {
  const files = markdownFiles();
  assert.ok(files.length > 10, `found ${files.length} Markdown files`);
  const anchorsOf = new Map<string, Set<string>>();
  const anchors = (file: string) => {
    let found = anchorsOf.get(file);
    if (!found) {
      found = headingAnchors(readFileSync(file, 'utf8'));
      anchorsOf.set(file, found);
    }
    return found;
  };
  const broken: string[] = [];
  let checked = 0;
  for (const file of files) {
    const source = join(root, file);
    for (const link of relativeLinks(readFileSync(source, 'utf8'))) {
      checked++;
      const target = link.path === '' ? source : join(dirname(source), decodeURI(link.path));
      const where = `${file}:${link.line}: ${link.path}${link.anchor === undefined ? '' : `#${link.anchor}`}`;
      if (!existsSync(target)) {
        broken.push(`${where} (no ${relative(root, target)})`);
      } else if (link.anchor && target.endsWith('.md') && !anchors(target).has(link.anchor)) {
        broken.push(`${where} (no heading with that anchor in ${relative(root, target)})`);
      }
    }
  }
  assert.ok(checked > 50, `checked ${checked} links`);
  assert.deepEqual(broken, []);
});
