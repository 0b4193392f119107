import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidOptionError } from '../../src/errors/invalid-option-error.ts';
import { Executor } from '../../src/futures/executor.ts';
import { Future } from '../../src/futures/future.ts';
import { FutureSet } from '../../src/futures/future-set.ts';
import { defer, flush } from './helpers.ts';

describe('FutureSet', () => {
  test('futures added while iterating are waited for (a crawl)', async () => {
    const executor = new Executor({ maxWorkers: 4 });
    const links: Record<string, string[]> = {
      '/': ['/a', '/b'],
      '/a': ['/a/1'],
      '/b': [],
      '/a/1': [],
    };
    const fetchPage = (path: string) =>
      executor.submit(async () => ({ path, links: links[path] ?? [] }));
    const pages = new FutureSet([fetchPage('/')]);
    const seen: string[] = [];
    for await (const future of pages) {
      assert.ok(future instanceof Future);
      const page = await future;
      seen.push(page.path);
      for (const link of page.links) pages.add(fetchPage(link));
    }
    assert.deepEqual(seen.sort(), ['/', '/a', '/a/1', '/b']);
    assert.equal(pages.size, 0);
  });

  test('yields in completion order, each member once; size counts members not yet yielded', async () => {
    const first = defer<number>();
    const second = defer<number>();
    const a = Future.from(first.promise);
    const b = Future.from(second.promise);
    const set = new FutureSet<number>().add(a).add(b).add(a);
    assert.equal(set.size, 2);
    const next = set.next();
    second.resolve(2);
    assert.deepEqual(await next, { done: false, value: b });
    assert.equal(set.size, 1);
    first.resolve(1);
    assert.deepEqual(await set.next(), { done: false, value: a });
    assert.deepEqual(await set.next(), { done: true, value: undefined });
  });

  test('concurrent next() calls each get a different future, extra ones get done', async () => {
    const deferred = defer<number>();
    const only = Future.from(deferred.promise);
    const set = new FutureSet([only]);
    const calls = [set.next(), set.next()];
    deferred.resolve(1);
    assert.deepEqual(await Promise.all(calls), [
      { done: false, value: only },
      { done: true, value: undefined },
    ]);
  });

  test('return() empties the set and ends waiting next() calls; the set can be reused', async () => {
    const pendingFuture = Future.from(new Promise<number>(() => {}));
    const set = new FutureSet([pendingFuture]);
    const waiting = set.next();
    await set.return();
    assert.deepEqual(await waiting, { done: true, value: undefined });
    assert.equal(set.size, 0);
    assert.equal(pendingFuture.running(), true);
    const done = Future.resolve(1);
    set.add(done);
    assert.deepEqual(await set.next(), { done: false, value: done });
  });

  test('a member completing after return() is not yielded', async () => {
    const deferred = defer<number>();
    const future = Future.from(deferred.promise);
    const set = new FutureSet([future]);
    await set.return();
    deferred.resolve(1);
    await flush();
    assert.deepEqual(await set.next(), { done: true, value: undefined });
  });

  test('adding something that is not a Future is an InvalidOptionError', () => {
    assert.throws(
      () => new FutureSet().add({} as never),
      (error: unknown) =>
        error instanceof InvalidOptionError &&
        error.message === 'Expected `future` to be a Future, got [object Object] (object)',
    );
  });
});
