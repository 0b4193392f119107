import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FuturesSession } from '../../src/index.ts';
import { withPolluted } from '../helpers/pollution.ts';
import { startServer } from '../helpers/server.ts';

// HEAD adds `redirect: false` unless the caller gave one: an inherited `redirect` is not one.
test('a polluted redirect does not make a FuturesSession HEAD follow redirects', async (t) => {
  const server = await startServer(t, (request, response) => {
    if (request.url === '/moved') {
      response.writeHead(302, { location: '/target' }).end();
    } else response.end();
  });
  const session = new FuturesSession({ baseURL: server.origin });
  t.after(() => session.close());
  const response = await withPolluted(t, { redirect: { max: 5 } }, () =>
    session.head('/moved', { headers: { accept: '*/*' } }).result(),
  );
  assert.equal(response.status, 302);
  assert.equal(response.history.length, 0);
});
