import {
  checkBoolean,
  checkFunction,
  checkNumber,
  checkOneOf,
  type NumberRange,
} from '../core/checks.ts';
import {
  checkKnownOptions,
  describe,
  fail,
  ownOptions,
  restated,
  unknownOptionMessage,
} from '../core/validate.ts';
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

/** The `late` policies, as messages list them. */
export const LATE_POLICIES: readonly LatePolicy[] = ['cancel', 'finish'];

const MILLISECONDS: NumberRange = { above: 0, expected: 'a number of milliseconds > 0' };

/** A deadline or budget (of a section or the page), in ms: a number > 0, `Infinity` included. */
export function checkMilliseconds(key: string, value: unknown): number | undefined {
  return value === undefined ? undefined : checkNumber(key, value, MILLISECONDS);
}

/**
 * Runs the checks of a definition, restating the option errors they throw as the page's own:
 * a {@link PageDefinitionError} "`where`: expected `late` to be 'cancel' or 'finish', got …".
 */
export function checkDefinition<T>(where: string, check: () => T): T {
  return restated(where, (message, cause) => new PageDefinitionError(message, { cause }), check);
}

function reject(section: string, message: string): never {
  throw new PageDefinitionError(`Section "${section}": ${message}`);
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
  if (!Array.isArray(after)) fail('after', 'an array of section names', after);
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
  return checkDefinition(`Section "${checkedName}"`, () =>
    checkFields(checkedName, fields, defined),
  );
}

function checkFields(
  name: string,
  fields: Record<string, unknown>,
  defined: ReadonlySet<string>,
): CheckedSection {
  const render = checkFunction('render', fields.render) as CheckedSection['render'];
  if (fields.data !== undefined) checkFunction('data', fields.data);
  if (fields.fallback !== undefined) checkFunction('fallback', fields.fallback);
  const placeholder = fields.placeholder ?? '';
  if (typeof placeholder !== 'string' && !isHTML(placeholder)) {
    fail('placeholder', 'markup', placeholder);
  }
  return {
    name,
    primary: checkBoolean('primary', fields.primary, false),
    after: checkAfter(name, fields.after, defined),
    data: fields.data as CheckedSection['data'],
    render,
    fallback: fields.fallback as CheckedSection['fallback'],
    placeholder: placeholder as Markup,
    deadline:
      fields.deadline === undefined
        ? undefined
        : checkNumber('deadline', fields.deadline, MILLISECONDS),
    late: fields.late === undefined ? undefined : checkOneOf('late', fields.late, LATE_POLICIES),
  };
}
