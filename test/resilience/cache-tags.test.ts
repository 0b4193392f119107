import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type CacheOptions,
  type CacheStore,
  cacheOutcome,
  HttpCache,
  InvalidOptionError,
  MemoryStore,
  Session,
} from '../../src/index.ts';
import { type Deferred, deferred, startServer } from '../helpers/server.ts';

type Context = Parameters<typeof startServer>[0];

/** A MemoryStore whose tag writes (the last step of storing a tagged entry) a test can wait for. */
class WatchedStore extends MemoryStore implements CacheStore {
  #written: Deferred<void> = deferred();

  override async set(key: string, value: Uint8Array, ttl: number): Promise<void> {
    await super.set(key, value, ttl);
    this.#settle();
  }

  override async tag(key: string, tags: readonly string[]): Promise<void> {
    await super.tag(key, tags);
    this.#settle();
  }

  #settle(): void {
    const written = this.#written;
    this.#written = deferred();
    written.resolve();
  }

  /** Settles at the next write (a set or a tag). */
  nextWrite(): Promise<void> {
    return this.#written.promise;
  }
}

/** An origin answering each path with its count and the tags `tagsOf` gives the path. */
async function setup(t: Context, options: CacheOptions, tagsOf: (path: string) => string) {
  const counts = new Map<string, number>();
  const server = await startServer(t, (request, response) => {
    const path = request.url ?? '/';
    const n = (counts.get(path) ?? 0) + 1;
    counts.set(path, n);
    response.writeHead(200, { 'cache-control': 'max-age=600', 'x-tags': tagsOf(path) });
    response.end(`${path} v${n}`);
  });
  const store = new WatchedStore();
  const cache = new HttpCache({ store, ...options });
  const session = new Session({ baseURL: server.origin, retry: false, policies: [cache] });
  t.after(() => session.close());
  // Gets `path` and, on a miss, waits until its entry and then its tags are written.
  const get = async (path: string) => {
    const written = store.nextWrite().then(() => store.nextWrite());
    const response = await session.get(path);
    if (cacheOutcome(response) === 'miss') await written;
    return [cacheOutcome(response), response.text];
  };
  return { cache, get, origin: server.origin };
}

const TAGS: Record<string, string> = {
  '/a': 'product-1, catalog',
  '/b': 'product-2 catalog',
  '/c': 'other',
};

test('invalidate({ tags }): entries tagged by a Cache-Tag header (commas or spaces) go, the others stay', async (t) => {
  const { cache, get } = await setup(t, { tags: { header: 'X-Tags' } }, (path) => TAGS[path] ?? '');
  for (const path of ['/a', '/b', '/c']) await get(path);
  assert.deepEqual(await get('/a'), ['hit', '/a v1']);
  await cache.invalidate({ tags: ['product-1'] });
  assert.deepEqual(await get('/a'), ['miss', '/a v2']);
  assert.deepEqual(await get('/b'), ['hit', '/b v1']);
  await cache.invalidate({ tags: ['catalog'] });
  assert.deepEqual(await get('/a'), ['miss', '/a v3']);
  assert.deepEqual(await get('/b'), ['miss', '/b v2']);
  assert.deepEqual(await get('/c'), ['hit', '/c v1']);
});

test('tags from a function of the response; invalidate({ urls }) forgets a URL', async (t) => {
  const seen: string[] = [];
  const { cache, get, origin } = await setup(
    t,
    {
      tags: (response) => {
        seen.push(response.url);
        return [new URL(response.url).pathname.slice(1), 'all'];
      },
    },
    () => '',
  );
  await get('/a');
  await get('/b');
  assert.deepEqual(seen, [`${origin}/a`, `${origin}/b`]);
  await cache.invalidate({ tags: ['b'] });
  assert.deepEqual(await get('/a'), ['hit', '/a v1']);
  assert.deepEqual(await get('/b'), ['miss', '/b v2']);
  await cache.invalidate({ urls: [`${origin}/a`] });
  assert.deepEqual(await get('/a'), ['miss', '/a v2']);
  assert.deepEqual(await get('/b'), ['hit', '/b v2']);
});

test('a store without tag support is refused with tags; bad invalidations are InvalidOptionErrors', async () => {
  const plain: CacheStore = {
    isShared: false,
    get: async () => undefined,
    set: async () => {},
    delete: async () => {},
  };
  assert.throws(() => new HttpCache({ store: plain, tags: { header: 'cache-tag' } }), {
    name: 'InvalidOptionError',
    message: /`tags`.*a store with tag\(\) and deleteTagged\(\)/,
  });
  // A store without the optional methods still serves a cache without tags.
  const cache = new HttpCache({ store: plain });
  await cache.invalidate({ urls: ['http://127.0.0.1/x'] });
  await assert.rejects(cache.invalidate({ tags: ['x'] }), InvalidOptionError);
  const tagged = new HttpCache({ tags: { header: 'cache-tag' } });
  await assert.rejects(tagged.invalidate({ tags: 'x' } as never), {
    name: 'InvalidOptionError',
    message: /Expected `tags` to give an array of tags, got "x" \(string\)/,
  });
  await assert.rejects(tagged.invalidate({ tags: [''] }), InvalidOptionError);
  await assert.rejects(tagged.invalidate({ urls: ['/relative'] }), {
    name: 'InvalidOptionError',
    message: /`urls`.*absolute URLs/,
  });
  await assert.rejects(tagged.invalidate({ url: 'x' } as never), /Unknown option "url"/);
  assert.throws(() => new HttpCache({ tags: { header: 'bad header' } }), InvalidOptionError);
  assert.throws(() => new HttpCache({ tags: 'cache-tag' as never }), InvalidOptionError);
});

test('MemoryStore: tags follow their key: set again, deleted or evicted, a key leaves its tags', async () => {
  const store = new MemoryStore({ maxEntries: 2 });
  const bytes = Buffer.from('v');
  await store.set('k1', bytes, 60_000);
  await store.tag('k1', ['t']);
  await store.set('k1', bytes, 60_000); // a new response: the old tags no longer apply
  await store.set('k2', bytes, 60_000);
  await store.tag('k2', ['t', 'u']);
  await store.deleteTagged(['t']);
  assert.equal(await store.get('k2'), undefined);
  assert.deepEqual(await store.get('k1'), bytes);
  const before = store.bytes;
  await store.tag('k1', ['long-tag']);
  assert.equal(store.bytes, before + 'long-tag'.length, 'tags count in the bytes held');
  await store.set('k3', bytes, 60_000);
  await store.set('k4', bytes, 60_000); // evicts k1
  await store.set('k1', bytes, 60_000);
  await store.deleteTagged(['long-tag']);
  assert.deepEqual(await store.get('k1'), bytes, 'an evicted key took its tags with it');
});
