import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { flow } from '../../src/index.ts';
import { deferred } from '../helpers/server.ts';

const MS = String.raw`\d+(?:\.\d)? ms`;

test("a flow prints its name, wall time, whether it is done, and each step's outcome", async () => {
  const user = deferred<{ id: number }>();
  const home = flow({ name: 'home' })
    .step('user', () => user.promise)
    .step('orders', ['user'], ({ user }) => [user.id])
    .start();
  assert.match(
    inspect(home),
    new RegExp(
      `^Flow 'home' \\{ wallTime: ${MS}, done: false, steps: \\{ user: 'running', orders: 'waiting' \\} \\}$`,
    ),
  );
  user.resolve({ id: 7 });
  await home.onDone();
  assert.match(
    inspect(home),
    new RegExp(
      `^Flow 'home' \\{ wallTime: ${MS}, done: true, steps: \\{ user: 'ok', orders: 'ok' \\} \\}$`,
    ),
  );
  assert.match(inspect(home, { depth: 0 }), /steps: \[Object\] \}$/);
  assert.equal(inspect([home], { depth: -1 }), '[Array]');
  assert.equal(inspect({ a: home }, { depth: 0 }), "{ a: [Flow 'home'] }");
});
