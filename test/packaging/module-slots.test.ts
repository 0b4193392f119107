/**
 * No back doors between modules: a module's state is changed by that module only. Reads the
 * source of every file in src/ (syntax only) and fails on an `export let`, and on any write to an
 * imported binding's properties — an assignment, `++`/`--`, `delete`, or `Object.assign` /
 * `Object.defineProperty` on it — so a seam is a named function of the module that owns the state.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const SRC = join(import.meta.dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function importedNames(file: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) || statement.importClause === undefined) continue;
    const clause = statement.importClause;
    if (clause.name !== undefined) names.add(clause.name.text);
    const bindings = clause.namedBindings;
    if (bindings === undefined) continue;
    if (ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
    else for (const element of bindings.elements) names.add(element.name.text);
  }
  return names;
}

// The identifier a property chain starts from: `a` for `a.b[c].d`.
function rootOf(node: ts.Expression): ts.Identifier | undefined {
  let current = node;
  while (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) {
    current = current.expression;
  }
  return ts.isIdentifier(current) ? current : undefined;
}

function isMemberOfImport(node: ts.Expression, imported: Set<string>): boolean {
  if (!ts.isPropertyAccessExpression(node) && !ts.isElementAccessExpression(node)) return false;
  const root = rootOf(node);
  return root !== undefined && imported.has(root.text);
}

const WRITES = new Set([
  ts.SyntaxKind.EqualsToken,
  ts.SyntaxKind.PlusEqualsToken,
  ts.SyntaxKind.MinusEqualsToken,
  ts.SyntaxKind.QuestionQuestionEqualsToken,
  ts.SyntaxKind.BarBarEqualsToken,
  ts.SyntaxKind.AmpersandAmpersandEqualsToken,
]);

// What in `file` writes to another module's state, as `path:line: text`.
function backDoors(path: string, text = readFileSync(path, 'utf8')): string[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const imported = importedNames(file);
  const found: string[] = [];
  const report = (node: ts.Node) => {
    const { line } = file.getLineAndCharacterOfPosition(node.getStart());
    found.push(`${relative(SRC, path)}:${line + 1}: ${node.getText().split('\n')[0]}`);
  };
  const visit = (node: ts.Node): void => {
    if (
      ts.isVariableStatement(node) &&
      node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) &&
      (node.declarationList.flags & ts.NodeFlags.Const) === 0
    ) {
      report(node);
    } else if (
      ts.isBinaryExpression(node) &&
      WRITES.has(node.operatorToken.kind) &&
      isMemberOfImport(node.left, imported)
    ) {
      report(node);
    } else if (
      (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
      (node.operator === ts.SyntaxKind.PlusPlusToken ||
        node.operator === ts.SyntaxKind.MinusMinusToken) &&
      isMemberOfImport(node.operand, imported)
    ) {
      report(node);
    } else if (ts.isDeleteExpression(node) && isMemberOfImport(node.expression, imported)) {
      report(node);
    } else if (ts.isCallExpression(node) && isObjectWrite(node.expression)) {
      const target = node.arguments[0];
      const root = target === undefined ? undefined : rootOf(target);
      if (root !== undefined && imported.has(root.text)) report(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

// `Object.assign`, `Object.defineProperty`, `Object.defineProperties`, `Reflect.set`.
function isObjectWrite(callee: ts.Expression): boolean {
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression)) return false;
  const owner = callee.expression.text;
  const name = callee.name.text;
  if (owner === 'Reflect') return name === 'set' || name === 'defineProperty';
  return owner === 'Object' && ['assign', 'defineProperty', 'defineProperties'].includes(name);
}

test('no module assigns to the state of another, nor exports a mutable binding', () => {
  const found = sourceFiles(SRC).flatMap((path) => backDoors(path));
  assert.deepEqual(found, [], `module state changed from outside its module:\n${found.join('\n')}`);
});

test('the check sees every kind of write to an imported object (control)', () => {
  const writes = [
    'slot.current = 1;',
    'slot.inner.current ??= 1;',
    "slot['current'] += 1;",
    'slot.count++;',
    'delete slot.current;',
    'Object.assign(slot, { current: 1 });',
    "Object.defineProperty(owner.slot, 'current', { value: 1 });",
  ];
  for (const write of writes) {
    const text = `import { slot } from './owner.ts';\nimport * as owner from './owner.ts';\n${write}\n`;
    assert.equal(backDoors(join(SRC, 'sample.ts'), text).length, 1, write);
  }
  assert.equal(backDoors(join(SRC, 'sample.ts'), 'export let slot = 1;\n').length, 1);
  const own =
    "import { slot } from './owner.ts';\nconst mine = { current: slot };\nmine.current = 2;\n";
  assert.deepEqual(backDoors(join(SRC, 'sample.ts'), own), []);
});
