// Compile-time checks of the adapters' public generics (`npm run typecheck`); nothing runs.

import type { Request as ExpressRequest } from 'express';
import type { FastifyReply, FastifyRequest } from 'fastify';
import '../../src/adapters/express.ts';
import '../../src/adapters/fastify.ts';
import type { Fanout, RequestFanout } from '../../src/adapters/node.ts';
import { definePage, type Future, html, type Response, type Trace } from '../../src/index.ts';
import { type Equal, expectTrue, expectType } from '../helpers/types.ts';

const withInput = definePage<{ id: string }>({ head: html`<body>` })
  .section('user', { data: () => ({ name: 'ann' }), render: (user) => html`${user.name}` })
  .section('recs', { after: ['user'], render: () => html`` });
const withoutInput = definePage({ head: html`<body>` }).section('a', { render: () => html`` });

export function checks(
  view: RequestFanout,
  express: ExpressRequest,
  request: FastifyRequest,
  reply: FastifyReply,
  app: { fanout: Fanout },
): void {
  expectTrue<Equal<typeof express.fanout, RequestFanout>>();
  expectTrue<Equal<typeof request.fanout, RequestFanout>>();
  expectType<Fanout>(app.fanout);
  expectType<Future<Response>>(view.get('/x'));
  expectType<Trace | undefined>(view.trace);
  expectType<Promise<void>>(view.streamPage(withInput, { input: { id: '1' }, trailers: true }));
  expectType<Promise<void>>(view.streamPage(withoutInput));
  expectType<Promise<FastifyReply>>(reply.streamPage(withInput, { input: { id: '1' } }));
  view.renderPage(withoutInput, { mode: 'out-of-order' });
  // @ts-expect-error a page that takes an input needs it
  view.streamPage(withInput);
  // @ts-expect-error the input has the page's type
  view.renderPage(withInput, { input: { id: 1 } });
  // @ts-expect-error likewise through Fastify
  reply.streamPage(withInput);
}
