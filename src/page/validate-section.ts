import { checkKnownOptions, describe, ownOptions, unknownOptionMessage } from '../core/validate.ts';
import { PageDefinitionError } from '../errors/page-definition-error.ts';
import { isHTML } from './html.ts';
import { SECTION_OPTIONS } from './known-options.ts';
import type { LatePolicy, Markup, SectionContext, SectionFailure } from './section.ts';

/** A section definition once checked: every field present, types erased. @internal */
export interface CheckedSection {
  readonly name: string;
  readonly after: readonly string[];
  readonly data:
    | ((deps: Record<string, unknown>, context: SectionContext<unknown>) => unknown)
    | undefined;
  readonly render: (data: unknown, input: unknown) => Markup;
  readonly fallback: ((failure: SectionFailure) => Markup) | undefined;
  readonly placeholder: Markup;
  readonly deadline: number | undefined;
  readonly primary: boolean;
  readonly late: LatePolicy | undefined;
}

/**
 * Section names become element ids, Server-Timing metric names and object keys: a letter, then
 * letters, digits, `-` or `_`.
 */
const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

function reject(section: string, message: string): never {
  throw new PageDefinitionError(`Section "${section}": ${message}`);
}

function optionalFunction(section: string, key: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    reject(section, `expected \`${key}\` to be a function, got ${describe(value)}`);
  }
}

/** Checks a `late` policy (of a section or the page). */
export function checkLate(where: string, value: unknown): LatePolicy | undefined {
  if (value === undefined || value === 'cancel' || value === 'finish') return value;
  throw new PageDefinitionError(
    `${where}: expected \`late\` to be 'cancel' or 'finish', got ${describe(value)}`,
  );
}

/** Checks a deadline or budget in milliseconds (of a section or the page). */
export function checkMilliseconds(where: string, key: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw new PageDefinitionError(
      `${where}: expected \`${key}\` to be a number of milliseconds > 0, got ${describe(value)}`,
    );
  }
  return value;
}

function checkName(name: unknown, defined: ReadonlySet<string>): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new PageDefinitionError(
      `Expected a section name to be a letter then up to 63 letters, digits, "-" or "_", got ${describe(name)}`,
    );
  }
  if (defined.has(name)) reject(name, 'a section of that name is already defined');
  return name;
}

function checkAfter(name: string, after: unknown, defined: ReadonlySet<string>): string[] {
  if (after === undefined) return [];
  if (!Array.isArray(after)) {
    reject(name, `expected \`after\` to be an array of section names, got ${describe(after)}`);
  }
  for (const dependency of after) {
    if (typeof dependency !== 'string' || !defined.has(dependency)) {
      reject(
        name,
        `depends on ${describe(dependency)}, which is not a section defined before it (defined: ${[...defined].join(', ') || 'none'})`,
      );
    }
  }
  return [...new Set(after as string[])];
}

/**
 * Checks one section definition against the sections defined before it.
 *
 * @throws {PageDefinitionError} for a bad or duplicate name, an unknown dependency, a `render`
 * that is not a function, or an option of the wrong type.
 */
export function checkSection(
  name: unknown,
  definition: unknown,
  defined: ReadonlySet<string>,
): CheckedSection {
  const checkedName = checkName(name, defined);
  if (typeof definition !== 'object' || definition === null) {
    reject(checkedName, `expected a definition object, got ${describe(definition)}`);
  }
  const fields = ownOptions(definition as Record<string, unknown>);
  checkKnownOptions(fields, SECTION_OPTIONS, (key) => {
    throw new PageDefinitionError(
      unknownOptionMessage(key, SECTION_OPTIONS, `section "${checkedName}"`),
    );
  });
  if (typeof fields.render !== 'function') {
    reject(checkedName, `expected \`render\` to be a function, got ${describe(fields.render)}`);
  }
  optionalFunction(checkedName, 'data', fields.data);
  optionalFunction(checkedName, 'fallback', fields.fallback);
  const placeholder = fields.placeholder ?? '';
  if (typeof placeholder !== 'string' && !isHTML(placeholder)) {
    reject(checkedName, `expected \`placeholder\` to be markup, got ${describe(placeholder)}`);
  }
  if (fields.primary !== undefined && typeof fields.primary !== 'boolean') {
    reject(checkedName, `expected \`primary\` to be a boolean, got ${describe(fields.primary)}`);
  }
  return {
    name: checkedName,
    after: checkAfter(checkedName, fields.after, defined),
    data: fields.data as CheckedSection['data'],
    render: fields.render as CheckedSection['render'],
    fallback: fields.fallback as CheckedSection['fallback'],
    placeholder: placeholder as Markup,
    deadline: checkMilliseconds(`Section "${checkedName}"`, 'deadline', fields.deadline),
    primary: fields.primary === true,
    late: checkLate(`Section "${checkedName}"`, fields.late),
  };
}
