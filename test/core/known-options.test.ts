import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestName, editDistance } from '../../src/core/did-you-mean.ts';
import { checkKnownOptions, knownOptions } from '../../src/core/validate.ts';
import { InvalidOptionError } from '../../src/errors/invalid-option-error.ts';

const SAMPLE = knownOptions(
  'sample options',
  { timeout: true, retry: true, maxBatchSize: true, baseURL: true, ca: true },
  [knownOptions('other options', { json: true, timeout: true })],
);

function messageOf(options: object): string {
  try {
    checkKnownOptions(options, SAMPLE);
  } catch (error) {
    assert.ok(error instanceof InvalidOptionError);
    assert.equal(error.code, 'FANOUT_INVALID_OPTION');
    return error.message;
  }
  return 'accepted';
}

test('edit distance counts insertions, deletions, substitutions and adjacent swaps', () => {
  assert.equal(editDistance('timeout', 'timeout'), 0);
  assert.equal(editDistance('timout', 'timeout'), 1);
  assert.equal(editDistance('tiemout', 'timeout'), 1);
  assert.equal(editDistance('timeuot', 'timeout'), 1);
  assert.equal(editDistance('retries', 'retry'), 3);
  assert.equal(editDistance('', 'abc'), 3);
});

test('a typo gets the nearest known name, case ignored; a far-off name gets none', () => {
  const names = ['timeout', 'retry', 'maxBatchSize', 'baseURL', 'ca'];
  assert.equal(closestName('timout', names), 'timeout');
  assert.equal(closestName('Timeout', names), 'timeout');
  assert.equal(closestName('retries', names), 'retry');
  assert.equal(closestName('baseUrl', names), 'baseURL');
  assert.equal(closestName('maxBatch', names), 'maxBatchSize');
  // Only the typed name counts as cut short: `trace` beginning `traceContxt` is no nearer for it.
  assert.equal(closestName('traceContxt', ['trace', 'traceContext']), 'traceContext');
  assert.equal(closestName('banana', names), undefined);
  assert.equal(closestName('x', names), undefined);
  assert.equal(closestName('max', names), undefined);
});

test('an unknown key throws naming the key, where it was read and the nearest name', () => {
  assert.equal(
    messageOf({ timout: 5 }),
    'Unknown option "timout" in sample options — did you mean "timeout"?',
  );
  assert.equal(
    messageOf({ retries: 2 }),
    'Unknown option "retries" in sample options — did you mean "retry"?',
  );
  assert.equal(messageOf({ banana: 1 }), 'Unknown option "banana" in sample options');
  // A typo of a related entry point's option names it, and where it belongs.
  assert.equal(
    messageOf({ jsn: {} }),
    'Unknown option "jsn" in sample options — did you mean "json", one of the other options?',
  );
  // A name of a related entry point says where it belongs.
  assert.equal(
    messageOf({ json: {} }),
    'Unknown option "json" in sample options — it is one of the other options',
  );
  // An undefined value is still a key given: a typo with nothing in it is a typo.
  assert.equal(
    messageOf({ timout: undefined }),
    'Unknown option "timout" in sample options — did you mean "timeout"?',
  );
});

test('known keys, inherited keys, symbol keys and non-objects pass', () => {
  assert.equal(
    messageOf({ timeout: 1, retry: 2, maxBatchSize: 3, baseURL: '', ca: '' }),
    'accepted',
  );
  assert.equal(messageOf(Object.create({ inherited: true })), 'accepted');
  assert.equal(messageOf({ timeout: 1, [Symbol('meta')]: true }), 'accepted');
  assert.equal(
    messageOf(Object.defineProperty({}, 'hidden', { value: 1, enumerable: false })),
    'accepted',
  );
  for (const value of [undefined, null, 5, 'timout']) {
    assert.doesNotThrow(() => checkKnownOptions(value, SAMPLE));
  }
});

test('an entry point may throw its own error for an unknown key', () => {
  class CustomError extends Error {}
  assert.throws(
    () =>
      checkKnownOptions({ timout: 1 }, SAMPLE, (key) => {
        throw new CustomError(key);
      }),
    (error) => error instanceof CustomError && error.message === 'timout',
  );
});
