import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FlowDefinitionError, flow, InvalidOptionError } from '../../src/index.ts';

// Plain JavaScript (or a cast) can name steps the type checker would reject: the definition
// still refuses them, before anything runs.
type Untyped = {
  step(name: unknown, ...args: unknown[]): Untyped;
  start(): unknown;
  check(): unknown;
};
const untyped = (options?: unknown) => flow(options as never) as unknown as Untyped;

function throwsDefinition(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof FlowDefinitionError);
    assert.equal(error.code, 'FANOUT_FLOW_DEFINITION');
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}

describe('flow definitions are checked before anything runs', () => {
  test('a cycle is named, each step depending on the next', () => {
    let ran = false;
    const definition = untyped()
      .step('start', () => {
        ran = true;
      })
      .step('a', ['b'], () => 1)
      .step('b', ['c'], () => 2)
      .step('c', ['a'], () => 3);
    throwsDefinition(
      () => definition.start(),
      'Steps depend on each other in a cycle: a → b → c → a (each depends on the next)',
    );
    assert.equal(ran, false, 'no step ran');
    throwsDefinition(() => definition.check(), /a → b → c → a/);
  });

  test('a step depending on itself is a cycle of one', () => {
    throwsDefinition(
      () =>
        untyped()
          .step('a', ['a'], () => 1)
          .start(),
      /cycle: a → a /,
    );
  });

  test('a cycle behind a valid prefix is found', () => {
    throwsDefinition(
      () =>
        untyped()
          .step('root', () => 0)
          .step('x', ['root', 'z'], () => 1)
          .step('y', ['x'], () => 2)
          .step('z', ['y'], () => 3)
          .check(),
      /cycle: x → z → y → x /,
    );
  });

  test('forward references without a cycle are accepted at run time', async () => {
    const running = untyped()
      .step('b', ['a'], ({ a }: { a: number }) => a + 1)
      .step('a', () => 1)
      .start() as { steps: { b: PromiseLike<number> } };
    assert.equal(await running.steps.b, 2);
  });

  test('an unknown dependency is named, with the steps there are', () => {
    throwsDefinition(
      () =>
        untyped()
          .step('user', () => 1)
          .step('orders', ['usr'], () => 2)
          .start(),
      'Step `orders` depends on `usr`, which is not a step of this flow (its steps: `user`, `orders`)',
    );
  });

  test('a duplicate name is refused when the step is added', () => {
    throwsDefinition(
      () =>
        untyped()
          .step('user', () => 1)
          .step('user', () => 2),
      'Duplicate step name `user`: each step needs its own name',
    );
  });

  test('a dependency listed twice is refused', () => {
    throwsDefinition(
      () =>
        untyped()
          .step('a', () => 1)
          .step('b', ['a', 'a'], () => 2),
      'Step `b` lists the dependency `a` twice',
    );
  });

  for (const name of ['', 42, undefined]) {
    test(`a step name of ${JSON.stringify(name)} is an InvalidOptionError`, () => {
      assert.throws(
        () => untyped().step(name, () => 1),
        (error: unknown) =>
          error instanceof InvalidOptionError &&
          /^Expected `step name` to be a non-empty string/.test(error.message),
      );
    });
  }

  test('a step that is not a function is an InvalidOptionError naming it', () => {
    assert.throws(
      () => untyped().step('user', '/me'),
      /^InvalidOptionError: Expected step `user` to be a function \(or dependencies, then one\), got "\/me" \(string\)$/,
    );
    assert.throws(
      () =>
        untyped()
          .step('a', () => 1)
          .step('b', ['a']),
      /Expected step `b` to be a function after its dependencies, got undefined \(undefined\)/,
    );
  });

  test('dependencies that are not names are an InvalidOptionError', () => {
    assert.throws(
      () => untyped().step('a', [1], () => 1),
      /Expected the dependencies of step `a` to be step names \(strings\), got 1 \(number\)/,
    );
  });

  test('unknown and ill-typed step options are InvalidOptionErrors naming the step', () => {
    assert.throws(
      () => untyped().step('a', () => 1, { deadlne: 5 }),
      /Unknown option "deadlne" in options of step `a` — did you mean "deadline"\?$/,
    );
    assert.throws(
      () => untyped().step('a', () => 1, 'fast'),
      /Expected the options of step `a` to be an object/,
    );
    assert.throws(
      () => untyped().step('a', () => 1, { raiseForStatus: 'yes' }),
      /Expected `raiseForStatus` of step `a` to be a boolean/,
    );
  });

  test('bad flow options are InvalidOptionErrors', () => {
    assert.throws(() => untyped({ name: '' }), /Expected `name` to be a non-empty string/);
    assert.throws(
      () => untyped({ raiseForStatus: 1 }),
      /Expected `raiseForStatus` to be a boolean/,
    );
    assert.throws(() => untyped(null), /Expected `options` to be an object/);
  });
});
