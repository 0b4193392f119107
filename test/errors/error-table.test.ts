/**
 * The error table of docs/ERRORS.md is held against the classes: every error class the package exports
 * has its row with its actual `code`, and every row names an exported class with that code. A new
 * error class, a renamed one or a changed code fails here until the table says so.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as fanout from '../../src/index.ts';
import { FanoutError } from '../../src/index.ts';

interface TableRow {
  readonly name: string;
  readonly code: string;
}

const TABLE_HEADER = '| class | code | when |';

/** The rows of docs/ERRORS.md's error table: the class and the code of each. */
function readErrorTable(): TableRow[] {
  const lines = readFileSync(new URL('../../docs/ERRORS.md', import.meta.url), 'utf8').split('\n');
  const start = lines.indexOf(TABLE_HEADER);
  assert.notEqual(start, -1, `docs/ERRORS.md has no line "${TABLE_HEADER}"`);
  const rows: TableRow[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const match = /^\| `(\w+)` \| `(\w+)` \|/.exec(line);
    assert.ok(match, `a row of the error table is not "| \`Class\` | \`CODE\` | …": ${line}`);
    rows.push({ name: match[1] as string, code: match[2] as string });
  }
  return rows;
}

type ErrorClass = abstract new (...args: never[]) => FanoutError;

function isErrorClass(value: unknown): value is ErrorClass {
  return (
    typeof value === 'function' && (value === FanoutError || value.prototype instanceof FanoutError)
  );
}

// Sample arguments for the constructors that take more than a message; the others get one.
const SAMPLE_ARGUMENTS: Readonly<Record<string, readonly unknown[]>> = {
  CircuitOpenError: [{ origin: 'http://127.0.0.1', retryAt: new Date(0) }],
  DeadlineError: [{ flow: 'f', step: 's', scope: 'step', deadline: 1 }],
  DependencyError: [['a', 'b'], new Error('root')],
  HTTPError: [{ status: 500, reason: 'Internal Server Error', request: undefined }],
  TimeoutError: [{ phase: 'total', timeout: 1 }],
};

/** The code of an instance of `Class`: the field is set by the constructor. */
function codeOf(name: string, Class: ErrorClass): string {
  const args = SAMPLE_ARGUMENTS[name] ?? ['sample message'];
  return (Reflect.construct(Class, args) as FanoutError).code;
}

/** Every error class the package exports, with the code its instances carry. */
function exportedErrorClasses(): TableRow[] {
  const exports: [string, unknown][] = Object.entries(fanout);
  return exports
    .filter((entry): entry is [string, ErrorClass] => isErrorClass(entry[1]))
    .map(([name, Class]) => ({ name, code: codeOf(name, Class) }));
}

test('every exported error class has its row in the error table of docs/ERRORS.md, with its code', () => {
  const table = new Map(readErrorTable().map((row) => [row.name, row.code]));
  const classes = exportedErrorClasses();
  assert.ok(classes.length >= 20, `only ${classes.length} error classes found`);
  for (const { name, code } of classes) {
    assert.ok(
      table.has(name),
      `docs/ERRORS.md's error table has no row for \`${name}\` (\`${code}\`)`,
    );
    assert.equal(
      table.get(name),
      code,
      `docs/ERRORS.md's error table gives \`${name}\` another code`,
    );
  }
});

test('every row of the docs/ERRORS.md error table names an exported error class with that code', () => {
  const classes = new Map(exportedErrorClasses().map((row) => [row.name, row.code]));
  const rows = readErrorTable();
  const names = rows.map((row) => row.name);
  assert.deepEqual(names, [...new Set(names)], 'a class has two rows');
  for (const { name, code } of rows) {
    assert.ok(
      classes.has(name),
      `docs/ERRORS.md names \`${name}\`, which is no exported error class`,
    );
    assert.equal(code, classes.get(name), `\`${name}\`'s code is not docs/ERRORS.md's \`${code}\``);
  }
});

test('each code belongs to one class, except FANOUT_ERROR of the two bases', () => {
  const byCode = new Map<string, string[]>();
  for (const { name, code } of exportedErrorClasses()) {
    byCode.set(code, [...(byCode.get(code) ?? []), name]);
  }
  for (const [code, names] of byCode) {
    names.sort();
    if (code === 'FANOUT_ERROR') assert.deepEqual(names, ['FanoutError', 'RequestError']);
    else assert.equal(names.length, 1, `\`${code}\` is the code of ${names.join(', ')}`);
  }
});
