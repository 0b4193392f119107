/**
 * The option checkers every layer shares (src/core/checks.ts, src/core/validate.ts): bounds that
 * are included or not, `NaN` always refused, the fallback only for `undefined`, choices listed in
 * messages, options named by key or by phrase, and a definition's restated errors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkInteger, checkNumber, checkOneOf, type NumberRange } from '../../src/core/checks.ts';
import { fail, restated } from '../../src/core/validate.ts';
import { InvalidOptionError, PageDefinitionError } from '../../src/index.ts';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof InvalidOptionError, String(error));
    return error.message;
  }
  assert.fail('no error thrown');
}

test('checkNumber holds each bound as included or not, and never accepts NaN', () => {
  const ratio: NumberRange = { above: 0, atMost: 1, expected: 'a number > 0 and <= 1' };
  assert.equal(checkNumber('smoothing', 1, ratio), 1);
  assert.equal(checkNumber('smoothing', 0.5, ratio), 0.5);
  assert.equal(
    message(() => checkNumber('smoothing', 0, ratio)),
    'Expected `smoothing` to be a number > 0 and <= 1, got 0 (number)',
  );
  assert.match(
    message(() => checkNumber('smoothing', 1.01, ratio)),
    /got 1\.01/,
  );
  assert.match(
    message(() => checkNumber('smoothing', Number.NaN, ratio)),
    /got NaN/,
  );
  assert.match(
    message(() => checkNumber('smoothing', '0.5', ratio)),
    /got "0\.5" \(string\)/,
  );
  const finite: NumberRange = { atLeast: 1, below: Number.POSITIVE_INFINITY, expected: 'finite' };
  assert.equal(checkNumber('tolerance', 1, finite), 1);
  assert.match(
    message(() => checkNumber('tolerance', Number.POSITIVE_INFINITY, finite)),
    /got Infinity/,
  );
  const positive: NumberRange = { above: 0, expected: 'a positive number or Infinity' };
  assert.equal(checkNumber('probe', Number.POSITIVE_INFINITY, positive), Number.POSITIVE_INFINITY);
});

test('the fallback replaces undefined only: null is refused', () => {
  const range: NumberRange = { above: 0, expected: 'a positive number' };
  assert.equal(checkNumber('x', undefined, range, 7), 7);
  assert.match(
    message(() => checkNumber('x', null, range, 7)),
    /got null \(null\)/,
  );
  assert.equal(checkOneOf('mode', undefined, ['a', 'b'], 'b'), 'b');
  assert.match(
    message(() => checkOneOf('mode', null, ['a', 'b'], 'b')),
    /got null/,
  );
});

test('checkInteger holds an upper bound when its range has one', () => {
  const range = { min: 1, max: 10, orInfinity: false, expected: 'an integer from 1 to 10' };
  assert.equal(checkInteger('initial', 10, range), 10);
  assert.equal(
    message(() => checkInteger('initial', 11, range)),
    'Expected `initial` to be an integer from 1 to 10, got 11 (number)',
  );
});

test('checkOneOf lists the choices in its message', () => {
  assert.equal(checkOneOf('late', 'finish', ['cancel', 'finish']), 'finish');
  assert.equal(
    message(() => checkOneOf('late', 'later', ['cancel', 'finish'])),
    "Expected `late` to be 'cancel' or 'finish', got \"later\" (string)",
  );
  assert.match(
    message(() => checkOneOf('x', 1, ['a', 'b', 'c'])),
    /to be 'a', 'b' or 'c', got/,
  );
  assert.match(
    message(() => checkOneOf('x', 1, ['a'])),
    /to be 'a', got/,
  );
});

test('an option is named by its key in backticks, or by a phrase as it is', () => {
  assert.equal(
    message(() => fail('maxWorkers', 'a positive integer', 0)),
    'Expected `maxWorkers` to be a positive integer, got 0 (number)',
  );
  assert.equal(
    message(() => fail({ phrase: '`deadline` of step `a`' }, 'a number', 'x')),
    'Expected `deadline` of step `a` to be a number, got "x" (string)',
  );
});

test('restated turns an option error into the definition error of `where`, its cause kept', () => {
  const asPage = (text: string, cause: InvalidOptionError) =>
    new PageDefinitionError(text, { cause });
  assert.equal(
    restated('Page', asPage, () => 5),
    5,
  );
  assert.throws(
    () => restated('Page', asPage, () => checkOneOf('mode', 'x', ['in-order', 'out-of-order'])),
    (error: unknown) => {
      assert.ok(error instanceof PageDefinitionError);
      assert.equal(
        error.message,
        `Page: expected \`mode\` to be 'in-order' or 'out-of-order', got "x" (string)`,
      );
      assert.ok(error.cause instanceof InvalidOptionError);
      return true;
    },
  );
  // Any other error goes through as it is.
  const other = new RangeError('not an option');
  assert.throws(
    () =>
      restated('Page', asPage, () => {
        throw other;
      }),
    (error: unknown) => error === other,
  );
});
