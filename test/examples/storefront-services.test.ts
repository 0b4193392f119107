import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { drawLatencies, SERVICES } from '../../examples/storefront/catalog.ts';
import { criticalPath, serialTime } from '../../examples/storefront/critical-path.ts';
import { lognormal, mulberry32 } from '../../examples/storefront/random.ts';
import { startServices } from '../../examples/storefront/services.ts';
import { deferred } from '../helpers/server.ts';

describe('examples/storefront/random.ts', () => {
  test('mulberry32 repeats its sequence for a seed, differs across seeds, stays in [0, 1)', () => {
    const draw = (seed: number) => Array.from({ length: 1_000 }, mulberry32(seed));
    assert.deepEqual(draw(7), draw(7));
    assert.notDeepEqual(draw(7), draw(8));
    for (const value of draw(7)) assert.ok(value >= 0 && value < 1, String(value));
  });

  test('lognormal draws are positive and centred on the median', () => {
    const random = mulberry32(1);
    const draws = Array.from({ length: 4_001 }, () =>
      lognormal(random, { median: 50, sigma: 0.5 }),
    );
    draws.sort((a, b) => a - b);
    for (const value of draws) assert.ok(value > 0);
    const median = draws[2_000] as number;
    assert.ok(median > 45 && median < 55, `sample median ${median}`);
    // σ = 0.5: about 16 % of the draws lie above median · e^0.5.
    const above = draws.filter((value) => value > 50 * Math.exp(0.5)).length / draws.length;
    assert.ok(above > 0.13 && above < 0.19, `share above +1σ ${above}`);
  });
});

describe('examples/storefront/catalog.ts', () => {
  test('about thirty services, one failing, a few slow, some needing another answer', () => {
    assert.ok(SERVICES.length >= 28 && SERVICES.length <= 32, String(SERVICES.length));
    assert.equal(new Set(SERVICES.map((service) => service.name)).size, SERVICES.length);
    assert.deepEqual(
      SERVICES.filter((service) => service.fails).map((service) => service.name),
      ['ads'],
    );
    assert.ok(SERVICES.filter((service) => (service.slowdown ?? 1) > 1).length >= 2);
    assert.ok(SERVICES.filter((service) => service.requires).length >= 5);
  });

  test('drawLatencies is the same for a seed, scales linearly, and refuses a bad scale', () => {
    const latencies = drawLatencies();
    assert.deepEqual(latencies, drawLatencies({ seed: 7 }));
    assert.notDeepEqual(latencies, drawLatencies({ seed: 8 }));
    assert.deepEqual(
      [...latencies.keys()],
      SERVICES.map((service) => service.name),
    );
    const tenth = drawLatencies({ scale: 0.1 });
    for (const [name, ms] of latencies) {
      assert.ok(Math.abs((tenth.get(name) as number) * 10 - ms) <= 1, name);
    }
    // The slowest service is one of the slow ones by design.
    const slowest = [...latencies].sort((a, b) => b[1] - a[1])[0]?.[0];
    assert.equal(SERVICES.find((service) => service.name === slowest)?.slowdown, 6);
    assert.throws(
      () => drawLatencies({ scale: -1 }),
      /Expected `scale` to be a finite number >= 0, got -1/,
    );
    assert.throws(() => drawLatencies({ scale: Number.NaN }), /got NaN/);
  });
});

describe('examples/storefront/critical-path.ts', () => {
  const latencies = new Map([
    ['user', 20],
    ['cart', 30],
    ['shipping', 25],
    ['recs', 40],
    ['weather', 70],
  ]);
  const needs = new Map([
    ['cart', ['user']],
    ['shipping', ['cart']],
    ['recs', ['user']],
  ]);

  test('is the longest chain through the edges; serial time is the sum', () => {
    assert.deepEqual(criticalPath(latencies, needs), {
      ms: 75,
      chain: ['user', 'cart', 'shipping'],
    });
    assert.deepEqual(criticalPath(latencies, new Map()), { ms: 70, chain: ['weather'] });
    assert.equal(serialTime(latencies), 185);
  });

  test('names a cycle and a dependency without a latency', () => {
    const cyclic = new Map([...needs, ['user', ['shipping']]]);
    assert.throws(() => criticalPath(latencies, cyclic), /Dependency cycle through/);
    assert.throws(
      () => criticalPath(latencies, new Map([['cart', ['nobody']]])),
      /No latency for nobody/,
    );
  });
});

describe('examples/storefront/services.ts', () => {
  const get = async (origin: string, path: string) => {
    const response = await fetch(`${origin}${path}`);
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: (await response.json()) as { error?: string; stock?: { sku: string }[] },
    };
  };

  test('each service answers JSON at /api/<name>; 400 without its input, 503 for ads, 404 elsewhere', async (t) => {
    const services = await startServices({ latencies: new Map() });
    t.after(() => services.close());
    const user = await get(services.origin, '/api/user');
    assert.deepEqual(user, {
      status: 200,
      type: 'application/json',
      body: { id: 42, name: 'Ada Lovelace', tier: 'gold' },
    });
    assert.equal((await get(services.origin, '/api/recommendations')).status, 400);
    assert.match(
      (await get(services.origin, '/api/shipping')).body.error ?? '',
      /shipping needs total/,
    );
    const shipping = await get(services.origin, '/api/shipping?total=20');
    assert.deepEqual(shipping.body, { free: false, days: 2, carrier: 'Royal Mail', cost: 4.95 });
    const stock = await get(services.origin, '/api/inventory?sku=A&sku=B');
    assert.deepEqual(
      (stock.body.stock ?? []).map((item: { sku: string }) => item.sku),
      ['A', 'B'],
    );
    assert.equal((await get(services.origin, '/api/ads')).status, 503);
    assert.equal((await get(services.origin, '/api/nope')).status, 404);
    assert.equal((await get(services.origin, '/user')).status, 404);
    for (const service of SERVICES) {
      const query = (service.requires ?? []).map((name) => `${name}=1`).join('&');
      const { status } = await get(services.origin, `/api/${service.name}?${query}`);
      assert.equal(status, service.fails ? 503 : 200, service.name);
    }
  });

  test('holds an answer on its gate and reports each answer when written', async (t) => {
    const release = deferred();
    const answered: string[] = [];
    const services = await startServices({
      latencies: new Map([
        ['weather', 1],
        ['social', 0],
      ]),
      gate: (service) => (service === 'social' ? release.promise : undefined),
      onAnswer: (service, at) => {
        assert.ok(at > 0 && at <= performance.now());
        answered.push(service);
      },
    });
    t.after(() => services.close());
    const social = get(services.origin, '/api/social');
    assert.equal((await get(services.origin, '/api/weather')).status, 200);
    assert.deepEqual(answered, ['weather']);
    release.resolve();
    assert.equal((await social).status, 200);
    assert.deepEqual(answered, ['weather', 'social']);
  });

  test('close() ends a request still waiting for its answer and reports it abandoned', async () => {
    const reached = deferred();
    const abandoned = deferred<string>();
    const services = await startServices({
      latencies: new Map(),
      gate: () => {
        reached.resolve();
        return new Promise<void>(() => {}); // never answers by itself
      },
      onAbandon: (service) => abandoned.resolve(service),
      onAnswer: (service) => assert.fail(`${service} answered after close()`),
    });
    const pending = fetch(`${services.origin}/api/reviews`).catch((error: unknown) => error);
    await reached.promise;
    await services.close();
    assert.ok((await pending) instanceof Error);
    assert.equal(await abandoned.promise, 'reviews');
  });
});
