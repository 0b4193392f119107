import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flow } from '../../src/index.ts';
import { withPolluted } from '../helpers/pollution.ts';

test('a polluted fallback, deadline or raiseForStatus is no step or flow option', async (t) => {
  const error = await withPolluted(
    t,
    { fallback: 'evil', deadline: 0, raiseForStatus: 'x', name: 'evil' },
    async () => {
      const started = flow({})
        .step('fails', () => {
          throw new Error('boom');
        })
        .start({});
      assert.equal(started.name, flow().name);
      return started.steps.fails.then(
        () => undefined,
        (e: unknown) => e,
      );
    },
  );
  assert.equal((error as Error).message, 'boom', 'failed as without pollution, no fallback');
});
