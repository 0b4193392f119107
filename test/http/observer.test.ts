import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type AttemptObserver,
  addObserverSource,
  type CallObserver,
  type ObserverSource,
  observation,
} from '../../src/http/observer.ts';
import { PreparedRequest } from '../../src/http/prepared-request.ts';

const request = new PreparedRequest('GET', 'http://127.0.0.1:1', '/', {}, null, true);

/** A call observer that appends `name:event` to `log` for every event. */
function logger(name: string, log: string[], propagates = false): CallObserver {
  const attempt: AttemptObserver = {
    dispatched: (at) => log.push(`${name}:dispatched ${at}`),
    sent: (session) => log.push(`${name}:sent ${session?.id}/${session?.nextStreamId}`),
    headers: (status) => log.push(`${name}:headers ${status}`),
    ended: (_response, _error, at) => log.push(`${name}:attempt ended ${at}`),
  };
  return {
    propagates,
    started: (at) => log.push(`${name}:started ${at}`),
    asked: () => log.push(`${name}:asked`),
    bind: () => log.push(`${name}:bind`),
    attempt: () => {
      log.push(`${name}:attempt`);
      return attempt;
    },
    ended: () => log.push(`${name}:ended`),
  };
}

test('no source: observe is undefined; one source: it is observe itself', () => {
  assert.equal(observation.observe, undefined);
  const source: ObserverSource = () => undefined;
  const installed = addObserverSource(source);
  assert.equal(observation.observe, source);
  installed.dispose();
  installed.dispose();
  assert.equal(observation.observe, undefined);
});

test('two sources: each event reaches both observers, in the order of their sources', () => {
  const log: string[] = [];
  const a = addObserverSource(() => logger('a', log));
  const b = addObserverSource((_request, telemetry) =>
    telemetry ? logger('b', log, true) : undefined,
  );
  try {
    const both = observation.observe?.(request, true);
    assert.equal(both?.propagates, true, 'propagates when one of them does');
    both?.started(1);
    const attempt = both?.attempt(request);
    attempt?.dispatched(2);
    attempt?.sent({ id: 4, nextStreamId: 7 });
    attempt?.headers(200);
    attempt?.ended(undefined, undefined, 3);
    both?.ended(undefined, undefined);
    assert.deepEqual(log, [
      'a:started 1',
      'b:started 1',
      'a:attempt',
      'b:attempt',
      'a:dispatched 2',
      'b:dispatched 2',
      'a:sent 4/7',
      'b:sent 4/7',
      'a:headers 200',
      'b:headers 200',
      'a:attempt ended 3',
      'b:attempt ended 3',
      'a:ended',
      'b:ended',
    ]);
    const one = observation.observe?.(request, false);
    assert.equal(one?.propagates, false, 'the one observer given, as it is');
  } finally {
    a.dispose();
    b.dispose();
  }
});

test('a source that replaces itself mid-call: the next source is still asked, the new one is not', () => {
  const asked: string[] = [];
  let later: { dispose(): void } | undefined;
  const replacement: ObserverSource = () => {
    asked.push('replacement');
    return undefined;
  };
  const first: { dispose(): void } = addObserverSource(() => {
    asked.push('first');
    first.dispose();
    later = addObserverSource(replacement);
    return undefined;
  });
  const next = addObserverSource(() => {
    asked.push('next');
    return undefined;
  });
  try {
    observation.observe?.(request, true);
    assert.deepEqual(asked, ['first', 'next']);
    observation.observe?.(request, true);
    assert.deepEqual(asked, ['first', 'next', 'next', 'replacement']);
  } finally {
    next.dispose();
    later?.dispose();
  }
  assert.equal(observation.observe, undefined);
});
