/**
 * Typos are errors at every entry point of the page layer: `definePage`, each section's
 * definition, `render`, `renderToString` and `pipe`. An unknown key throws with the typed error
 * of that entry point, naming the key, where it was read and the nearest option, before any
 * section's data is asked for (or, for `pipe`, before anything is written); an options object
 * with every key is accepted, held to the entry point's registry.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import {
  definePage,
  FuturesSession,
  html,
  PageDefinitionError,
  type PageOptions,
  type PipeOptions,
  type RenderOptions,
  type SectionDefinition,
  Trace,
} from '../../src/index.ts';
import {
  PAGE_OPTIONS,
  PIPE_OPTIONS,
  RENDER_OPTIONS,
  SECTION_OPTIONS,
} from '../../src/page/known-options.ts';
import { assertSameKeys, type EveryKey, unknownOption } from '../helpers/options.ts';

/** A destination that keeps what is written to it. */
function collector(): { destination: Writable; written: string[] } {
  const written: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      written.push(String(chunk));
      done();
    },
  });
  return { destination, written };
}

/** A page of one section whose data counts the times it is asked for. */
function countingPage() {
  const asked = { count: 0 };
  const page = definePage<{ name: string } | undefined>({ head: html`<body>` }).section('main', {
    data: () => ++asked.count,
    render: (count) => html`<p>${String(count)}</p>`,
  });
  return { page, asked };
}

test('definePage: a typo throws a PageDefinitionError; every key is taken', async (t) => {
  assert.throws(
    () => definePage({ head: html`<body>`, deadlin: 100 } as PageOptions<undefined>),
    unknownOption(
      'Unknown option "deadlin" in page options — did you mean "deadline"?',
      PageDefinitionError,
    ),
  );
  const session = new FuturesSession();
  t.after(() => session.close());
  const every: EveryKey<PageOptions<undefined>> = {
    name: 'shop',
    head: html`<body>`,
    tail: html`</body>`,
    session,
    mode: 'in-order',
    budget: 60_000,
    deadline: 60_000,
    late: 'cancel',
    fallback: () => html`<p>fallback</p>`,
    primaryStatus: () => 503,
    errorPage: () => html`<p>error</p>`,
  };
  assertSameKeys(PAGE_OPTIONS, every);
  const page = definePage(every).section('main', { render: () => html`<p>main</p>` });
  assert.equal((await page.renderToString()).body, '<body><p>main</p></body>');
});

test('a section: a typo throws a PageDefinitionError naming the section; every key is taken', async (t) => {
  const base = definePage({ head: html`<body>` });
  assert.throws(
    () =>
      base.section('main', {
        render: () => html`<p>main</p>`,
        primery: true,
      } as SectionDefinition<undefined, object, undefined>),
    unknownOption(
      'Unknown option "primery" in section "main" — did you mean "primary"?',
      PageDefinitionError,
    ),
  );
  const session = new FuturesSession();
  t.after(() => session.close());
  const every: EveryKey<SectionDefinition<undefined, { readonly user: string }, string, 'user'>> = {
    after: ['user'],
    data: ({ user }) => `recs of ${user}`,
    render: (recs) => html`<p>${recs}</p>`,
    fallback: () => html`<p>no recs</p>`,
    placeholder: html`<p>…</p>`,
    deadline: 60_000,
    primary: true,
    late: 'finish',
  };
  assertSameKeys(SECTION_OPTIONS, every);
  const page = base
    .section('user', { data: () => 'ann', render: (user) => html`<p>${user}</p>` })
    .section('recs', every);
  assert.equal((await page.renderToString({ session })).body, '<body><p>ann</p><p>recs of ann</p>');
});

test('render and renderToString: a typo throws before any data is asked for; every key is taken', async (t) => {
  const session = new FuturesSession();
  t.after(() => session.close());
  const { page, asked } = countingPage();
  const nonse = 'Unknown option "nonse" in render options — did you mean "nonce"?';
  const typo = { session, nonse: 'abc' } as RenderOptions<undefined>;
  assert.throws(() => page.render(typo), unknownOption(nonse));
  await assert.rejects(page.renderToString(typo), unknownOption(nonse));
  assert.equal(asked.count, 0);
  const every: EveryKey<RenderOptions<{ name: string }>> = {
    input: { name: 'ann' },
    session,
    mode: 'out-of-order',
    signal: new AbortController().signal,
    trace: new Trace(),
    nonce: 'abc',
  };
  assertSameKeys(RENDER_OPTIONS, every);
  assert.match(await page.render(every).text(), /<p>1<\/p>/);
  assert.match((await page.renderToString(every)).body, /<p>2<\/p>/);
});

test('pipe: a typo rejects before anything is written; every key is taken', async (t) => {
  const session = new FuturesSession();
  t.after(() => session.close());
  const { page } = countingPage();
  const rendering = page.render({ session });
  const typo = collector();
  await assert.rejects(
    rendering.pipe(typo.destination, { trailer: true } as PipeOptions),
    unknownOption('Unknown option "trailer" in pipe options — did you mean "trailers"?'),
  );
  assert.deepEqual(typo.written, []);
  const every: EveryKey<PipeOptions> = { trailers: false };
  assertSameKeys(PIPE_OPTIONS, every);
  const piped = collector();
  await rendering.pipe(piped.destination, every);
  assert.equal(piped.written.join(''), '<body><p>1</p>');
});
