import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { describe, test } from 'node:test';
import { FuturesSession, flow } from '../../src/index.ts';
import { startServer } from '../helpers/server.ts';

describe('flow parallelism', () => {
  test('independent branches are in flight at once; a dependent goes out only after its dependencies', async (t) => {
    let inFlight = 0;
    let maxInFlight = 0;
    const held: ServerResponse[] = [];
    const seen: string[] = [];
    const server = await startServer(t, (request, response) => {
      const path = request.url ?? '/';
      seen.push(path);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      response.once('finish', () => inFlight--);
      const reply = (to: ServerResponse) =>
        to.writeHead(200, { 'content-type': 'application/json' }).end('{"id":1}');
      if (path.startsWith('/join')) {
        reply(response);
        return;
      }
      // The three roots are answered only once all three are on the server at the same time: a
      // flow that ran them one after another would never finish.
      held.push(response);
      if (held.length === 3) for (const waiting of held) reply(waiting);
    });
    await using s = new FuturesSession({ baseURL: server.origin, retry: false });
    const running = flow()
      .step('a', () => s.get('/a'))
      .step('b', () => s.get('/b'))
      .step('c', () => s.get('/c'))
      .step('join', ['a', 'b', 'c'], ({ a, b, c }) => {
        assert.equal(maxInFlight, 3);
        return s.get('/join', {
          params: { ids: [a.json<{ id: number }>().id, b.status, c.status] },
        });
      })
      .start();
    assert.equal((await running.steps.join).status, 200);
    assert.equal(maxInFlight, 3);
    assert.deepEqual(seen.slice(0, 3).sort(), ['/a', '/b', '/c']);
    assert.equal(seen[3], '/join?ids=1&ids=200&ids=200');
  });
});
