/**
 * Compile-time tests of the page composer's public types, checked by `npx tsc -p tsconfig.json
 * --noEmit`. The checks live in a function that is never called; at run time this file only
 * confirms it loads.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  definePage,
  type Future,
  FuturesSession,
  type HTML,
  html,
  type Page,
  type PageRendering,
  type RenderedPage,
  type SectionContext,
  type SectionFailure,
} from '../../src/index.ts';
import { type Equal, expectTrue, expectType } from '../helpers/types.ts';

interface User {
  id: string;
  name: string;
}
interface Recommendation {
  sku: string;
}

function typeChecks(): void {
  const session = new FuturesSession();

  // Each section's render gets its own data typed, from a future, a promise or a plain value.
  const page = definePage<{ userId: string }>({ head: '<body>', session })
    .section('user', {
      data: (deps, context) => {
        expectTrue<Equal<typeof deps, Record<never, never>>>();
        expectTrue<Equal<typeof context, SectionContext<{ userId: string }>>>();
        expectTrue<Equal<typeof context.input, { userId: string }>>();
        return context.json<User>(`/users/${context.input.userId}`);
      },
      render: (user, input) => {
        expectTrue<Equal<typeof user, User>>();
        expectTrue<Equal<typeof input, { userId: string }>>();
        return html`<p>${user.name}</p>`;
      },
    })
    .section('recs', {
      after: ['user'],
      data: async ({ user }) => {
        expectTrue<Equal<typeof user, User>>();
        return [{ sku: user.id }] as Recommendation[];
      },
      render: (recs) => {
        expectTrue<Equal<typeof recs, Recommendation[]>>();
        return recs.map((r) => r.sku).join();
      },
      fallback: (failure) => {
        expectTrue<Equal<typeof failure, SectionFailure>>();
        expectTrue<Equal<typeof failure.reason, 'timeout' | 'error'>>();
        return '';
      },
    })
    .section('count', { data: () => 3, render: (n) => `${n + 1}` })
    .section('static', {
      render: (data) => {
        expectTrue<Equal<typeof data, undefined>>();
        return '<hr>';
      },
    })
    .section('both', {
      after: ['user', 'count'],
      data: (deps) => {
        expectTrue<Equal<typeof deps, { readonly user: User; readonly count: number }>>();
        return deps.user.name.length + deps.count;
      },
      render: (sum) => String(sum),
    });
  expectTrue<
    Equal<
      typeof page,
      Page<
        { userId: string },
        Record<never, never> & { user: User } & { recs: Recommendation[] } & { count: number } & {
          static: undefined;
        } & { both: number }
      >
    >
  >();

  // Dependencies must name sections defined before; names must be new.
  page.section('x', {
    // @ts-expect-error: 'nope' is not a section of the page
    after: ['nope'],
    render: () => '',
  });
  // @ts-expect-error: 'user' is already defined
  page.section('user', { render: () => '' });
  // @ts-expect-error: render is required
  page.section('y', { data: () => 1 });
  // @ts-expect-error: render must return markup
  page.section('z', { data: () => 1, render: (n) => n });

  // A page with input needs it at render time; one without does not.
  const rendering = page.render({ input: { userId: '1' }, mode: 'out-of-order' });
  expectType<PageRendering<{ userId: string }>>(rendering);
  // @ts-expect-error: input is required
  page.render({});
  // @ts-expect-error: input is required
  page.render();
  const plain = definePage({ head: '', session }).section('a', { render: () => 'a' });
  plain.render();
  expectType<Promise<RenderedPage>>(plain.renderToString());

  // The html tag returns trusted markup; a section may return it or a string.
  expectTrue<Equal<ReturnType<typeof html>, HTML>>();

  // A page built from a list of sections (names only known at run time) is a
  // Page<Input, Record<string, unknown>>: any name, any earlier dependency, data as unknown.
  const names = ['a', 'b'];
  let dynamic = definePage<undefined, Record<string, unknown>>({ head: '', session });
  for (const name of names) {
    dynamic = dynamic.section(name, {
      after: names.slice(0, 1),
      data: (deps, { json }): Future<unknown> => {
        expectTrue<Equal<typeof deps, { readonly [x: string]: unknown }>>();
        return json(`/${name}`);
      },
      render: (data) => String(data),
    });
  }
}

test('the page type tests compile (checked by tsc)', () => {
  assert.equal(typeof typeChecks, 'function');
});
