/**
 * Typos are errors at every entry point of the flow layer: `flow()`, `start`, each step's
 * options, `Loader`/`loader()`, `load` and `loadMany`. An unknown key throws (or fails the
 * future) with an InvalidOptionError naming it, where it was read and the nearest option, before
 * any step or batch runs; an options object with every key is accepted, held to the registry.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FLOW_OPTIONS,
  LOAD_OPTIONS,
  LOADER_OPTIONS,
  START_OPTIONS,
  STEP_OPTIONS,
} from '../../src/flow/known-options.ts';
import {
  type FlowOptions,
  flow,
  Loader,
  type LoaderOptions,
  type LoadOptions,
  loader,
  type StartOptions,
  type StepOptions,
} from '../../src/index.ts';
import { assertSameKeys, type EveryKey, unknownOption } from '../helpers/options.ts';

test('flow(): a typo throws; every key is taken', async () => {
  assert.throws(
    () => flow({ nam: 'home' } as FlowOptions),
    unknownOption('Unknown option "nam" in flow options — did you mean "name"?'),
  );
  const every: EveryKey<FlowOptions> = { name: 'home', raiseForStatus: false };
  assertSameKeys(FLOW_OPTIONS, every);
  const definition = flow(every).step('one', () => 1);
  assert.equal(definition.name, 'home');
  assert.equal(await definition.start().steps.one, 1);
});

test('start: a typo throws before any step runs; every key is taken', async () => {
  let runs = 0;
  const definition = flow().step('one', () => ++runs);
  assert.throws(
    () => definition.start({ deadlin: 100 } as StartOptions),
    unknownOption('Unknown option "deadlin" in flow start options — did you mean "deadline"?'),
  );
  assert.equal(runs, 0);
  const every: EveryKey<StartOptions> = { deadline: 60_000, signal: new AbortController().signal };
  assertSameKeys(START_OPTIONS, every);
  assert.equal(await definition.start(every).steps.one, 1);
});

test("a step's options: a typo throws naming the step, when the step is defined; every key is taken", async () => {
  let runs = 0;
  assert.throws(
    () => flow().step('user', () => ++runs, { fallbak: null } as StepOptions<null>),
    unknownOption('Unknown option "fallbak" in options of step `user` — did you mean "fallback"?'),
  );
  assert.equal(runs, 0);
  const every: EveryKey<StepOptions<string>> = {
    deadline: 60_000,
    fallback: 'fallback',
    raiseForStatus: false,
  };
  assertSameKeys(STEP_OPTIONS, every);
  const started = flow()
    .step('user', () => 'ann', every)
    .step('failing', () => Promise.reject(new Error('down')), every)
    .start();
  assert.equal(await started.steps.user, 'ann');
  assert.equal(await started.steps.failing, 'fallback', 'the fallback given is used');
});

test('Loader and loader(): a typo throws; every key is taken', async () => {
  let batches = 0;
  const batch = async (keys: readonly number[]) => {
    batches++;
    return keys.map((key) => key * 2);
  };
  const maxBatch = 'Unknown option "maxBatch" in Loader options — did you mean "maxBatchSize"?';
  const typo = { batch, maxBatch: 2 } as LoaderOptions<number, number>;
  assert.throws(() => new Loader(typo), unknownOption(maxBatch));
  assert.throws(() => loader(typo), unknownOption(maxBatch));
  const every: EveryKey<LoaderOptions<number, number, string>> = {
    batch,
    maxBatchSize: 10,
    window: 0,
    cacheKey: (key) => String(key),
    cache: true,
    signal: new AbortController().signal,
  };
  assertSameKeys(LOADER_OPTIONS, every);
  const loaded = new Loader(every as LoaderOptions<number, number, string>);
  assert.equal(await loaded.load(2), 4);
  assert.equal(await loader(every as LoaderOptions<number, number, string>).load(3), 6);
  assert.equal(batches, 2);
});

test('load and loadMany: a typo fails the call before a batch is sent; every key is taken', async () => {
  let batches = 0;
  const loaded = loader({
    batch: async (keys: readonly number[]) => {
      batches++;
      return keys.map((key) => key * 2);
    },
  });
  const signl = 'Unknown option "signl" in load options — did you mean "signal"?';
  const typo = { signl: new AbortController().signal } as LoadOptions;
  await assert.rejects(loaded.load(1, typo).result(), unknownOption(signl));
  await assert.rejects(loaded.loadMany([1, 2], typo).result(), unknownOption(signl));
  assert.equal(batches, 0);
  const every: EveryKey<LoadOptions> = { signal: new AbortController().signal };
  assertSameKeys(LOAD_OPTIONS, every);
  assert.equal(await loaded.load(1, every), 2);
  assert.deepEqual(await loaded.loadMany([1, 2], every), [2, 4]);
});
