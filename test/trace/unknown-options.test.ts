/**
 * Typos are errors in the trace layer's options: `new Trace`, `session.trace(fn, options)` (on
 * a Session and a FuturesSession) and `trace.waterfall`. An unknown key throws (or rejects) with
 * an InvalidOptionError naming it, where it was read and the nearest option, before the traced
 * function runs; an options object with every key is accepted, held to the registry.
 * (`trace.bind(session)` takes no options.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FuturesSession,
  Session,
  Trace,
  type TraceOptions,
  type WaterfallOptions,
} from '../../src/index.ts';
import { TRACE_OPTIONS } from '../../src/trace/trace.ts';
import { WATERFALL_OPTIONS } from '../../src/trace/waterfall.ts';
import { assertSameKeys, type EveryKey, unknownOption } from '../helpers/options.ts';

const NAM = 'Unknown option "nam" in Trace options — did you mean "name"?';
const EVERY_TRACE_OPTION: EveryKey<TraceOptions> = { name: 'home', redactParams: ['token'] };

test('Trace: a typo throws; every key is taken', () => {
  assert.throws(() => new Trace({ nam: 'home' } as TraceOptions), unknownOption(NAM));
  assertSameKeys(TRACE_OPTIONS, EVERY_TRACE_OPTION);
  assert.equal(new Trace(EVERY_TRACE_OPTION).name, 'home');
});

test('session.trace: a typo rejects before the function runs; every key is taken', async (t) => {
  const session = new Session();
  const futures = new FuturesSession();
  t.after(() => Promise.all([session.close(), futures.close()]));
  let runs = 0;
  const run = (trace: Trace) => {
    runs++;
    return trace.name;
  };
  const typo = { nam: 'home' } as TraceOptions;
  await assert.rejects(session.trace(run, typo), unknownOption(NAM));
  await assert.rejects(futures.trace(run, typo), unknownOption(NAM));
  assert.equal(runs, 0);
  assert.equal(await session.trace(run, EVERY_TRACE_OPTION), 'home');
  assert.equal(await futures.trace(run, EVERY_TRACE_OPTION), 'home');
});

test('trace.waterfall: a typo throws; every key is taken', () => {
  const trace = new Trace();
  trace.end();
  assert.throws(
    () => trace.waterfall({ widht: 1_200 } as WaterfallOptions),
    unknownOption('Unknown option "widht" in waterfall options — did you mean "width"?'),
  );
  const every: EveryKey<WaterfallOptions> = { width: 1_200 };
  assertSameKeys(WATERFALL_OPTIONS, every);
  assert.match(trace.waterfall(every), /<svg[^>]*width="1200"/);
});
