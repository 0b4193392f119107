/**
 * The storefront: a node:http server on 127.0.0.1 whose home page calls the simulated services
 * once per section, composed in the mode `?mode=` names, and which serves each view's waterfall.
 *
 * - `GET /?mode=serial|parallel|streamed` — the page (default: streamed);
 * - `GET /waterfall/<id>` — the trace of that view as a waterfall (the last `traces` views are kept).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FuturesSession, html, Session, Trace } from '../../src/index.ts';
import { foot, head, MODES, type Mode } from './layout.ts';
import { ModeTimings } from './mode-timings.ts';
import { parallelSections, sectionsFlow } from './parallel.ts';
import { RecentTraces } from './recent-traces.ts';
import { SECTIONS } from './sections.ts';
import { serialSections } from './serial.ts';
import { storefrontPage } from './streamed.ts';

/** Options of {@link startStorefront}. */
export interface StorefrontOptions {
  /** Origin of the simulated services (`startServices().origin`). */
  readonly services: string;
  /** How many recent views keep their trace for the waterfall link. @default 50 */
  readonly traces?: number;
  /**
   * Streamed mode: ms from a view's start after which a section still waiting for its data
   * renders its fallback (and its request is cancelled).
   * @default 1000
   */
  readonly deadline?: number;
}

/** The running storefront. */
export interface Storefront {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  /** Stops taking views, ends the open ones, closes the connection pool. */
  close(): Promise<void>;
}

const HTML = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };

function isMode(value: string): value is Mode {
  return (MODES as readonly string[]).includes(value);
}

function sendPage(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, HTML).end(body);
}

/** Starts the storefront on 127.0.0.1 and a free port. */
export async function startStorefront(options: StorefrontOptions): Promise<Storefront> {
  // One pool for every view and mode: serial views use the Session, parallel and streamed ones
  // its futures view (through a flow, and through the page composer).
  // No retries: a page has deadlines and fallbacks instead, and the demo's latencies stay exact.
  const session = new Session({ baseURL: options.services, retry: false, timeout: 10_000 });
  const api = new FuturesSession({ session });
  const traces = new RecentTraces(options.traces);
  const timings = new ModeTimings();
  const flow = sectionsFlow(api, SECTIONS);
  const page = storefrontPage(SECTIONS, {
    session: api,
    deadline: options.deadline ?? 1_000,
    timings,
  });

  async function home(response: ServerResponse, mode: Mode) {
    const arrived = performance.now();
    const trace = new Trace({ name: `storefront ?mode=${mode}` });
    const waterfall = `/waterfall/${traces.add(trace)}`;
    if (mode === 'streamed') {
      // The composer cancels this view's requests if the visitor leaves before the end.
      await page.render({ input: { waterfall, arrived }, trace }).pipe(response);
      trace.end();
      return;
    }
    // The visitor leaving stops this view's requests, and only this view's.
    const left = new AbortController();
    response.once('close', () => {
      if (response.writableFinished) return;
      left.abort();
    });
    const frames = await trace.run(() =>
      mode === 'serial'
        ? serialSections(session, SECTIONS, left.signal)
        : parallelSections(flow, SECTIONS, left.signal),
    );
    trace.end();
    const total = performance.now() - arrived;
    const timing = { firstByte: total, total };
    timings.record(mode, timing);
    const body =
      head(mode, waterfall) + frames.join('') + foot({ mode, timing, waterfall, timings });
    response.writeHead(200, { ...HTML, 'server-timing': trace.serverTiming() }).end(body);
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://storefront');
    const waterfall = /^\/waterfall\/(\d+)$/.exec(url.pathname);
    if (url.pathname === '/') {
      const mode = url.searchParams.get('mode') ?? 'streamed';
      if (isMode(mode)) return home(response, mode);
      sendPage(
        response,
        400,
        html`<h1>Unknown mode ${mode}</h1><p>Try ${MODES.join(', ')}.</p>`.toString(),
      );
    } else if (waterfall) {
      const trace = traces.get(waterfall[1] as string);
      if (trace) sendPage(response, 200, trace.waterfall());
      else
        sendPage(
          response,
          404,
          `<h1>Not kept</h1><p>Only the last ${traces.capacity} views keep their waterfall.</p>`,
        );
    } else {
      sendPage(response, 404, '<h1>Not found</h1>');
    }
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      console.error(error);
      if (response.headersSent) response.destroy(error as Error);
      else sendPage(response, 500, '<h1>The storefront failed</h1>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await api.close({ cancelPending: true });
      await session.close();
    },
  };
}
