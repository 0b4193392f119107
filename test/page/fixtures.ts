import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TestContext } from 'node:test';
import { request } from 'undici';
import {
  FuturesSession,
  type Page,
  type PageRendering,
  type RenderSettings,
} from '../../src/index.ts';
import { type Deferred, deferred, startServer } from '../helpers/server.ts';

/** What the simulated backend saw of one service's request. */
export interface ServiceLog {
  /** The request arrived. */
  readonly arrived: Deferred<void>;
  /** The client went away before the response was sent (the request was cancelled). */
  readonly aborted: Deferred<void>;
  /** The response was sent in full. */
  readonly answered: Deferred<void>;
}

/** A backend of services `/NAME`, each answering `{"name":"NAME"}` once its gate opens. */
export interface Backend {
  readonly session: FuturesSession;
  /** Opens `/NAME`'s gate (it answers), or answers 500 with `fail`. */
  release(name: string, outcome?: 'ok' | 'fail'): void;
  /** What the backend saw of `/NAME`. */
  log(name: string): ServiceLog;
}

/**
 * Starts a backend whose every service waits for the test to release it (a server-side deferred
 * per service), and a FuturesSession on it; both closed when `t` ends (gates are opened first).
 */
export async function startBackend(t: TestContext): Promise<Backend> {
  const gates = new Map<string, Deferred<'ok' | 'fail'>>();
  const logs = new Map<string, ServiceLog>();
  const gate = (name: string) => {
    let found = gates.get(name);
    if (found === undefined) {
      found = deferred<'ok' | 'fail'>();
      gates.set(name, found);
    }
    return found;
  };
  const log = (name: string) => {
    let found = logs.get(name);
    if (found === undefined) {
      found = { arrived: deferred(), aborted: deferred(), answered: deferred() };
      logs.set(name, found);
    }
    return found;
  };
  const server = await startServer(t, async (req: IncomingMessage, res: ServerResponse) => {
    const name = new URL(req.url ?? '/', 'http://backend').pathname.slice(1);
    const entry = log(name);
    res.once('close', () => {
      if (!res.writableFinished) entry.aborted.resolve();
    });
    entry.arrived.resolve();
    const outcome = await gate(name).promise;
    if (res.destroyed) return;
    res.statusCode = outcome === 'fail' ? 500 : 200;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ name }), () => entry.answered.resolve());
  });
  const session = new FuturesSession({ baseURL: server.origin, retry: false });
  t.after(async () => {
    for (const each of gates.values()) each.resolve('ok');
    await session.close();
  });
  return {
    session,
    release: (name, outcome = 'ok') => gate(name).resolve(outcome),
    log,
  };
}

/** A node:http server that renders `page` into each response with `pipe`. */
export async function startPageServer<D extends Record<string, unknown>>(
  t: TestContext,
  page: Page<undefined, D>,
  settings: RenderSettings = {},
  pipe: { trailers?: boolean } = {},
): Promise<{ origin: string; renderings: PageRendering<undefined>[] }> {
  const renderings: PageRendering<undefined>[] = [];
  const server = await startServer(t, async (_req, res) => {
    const rendering = page.render(settings);
    renderings.push(rendering);
    await rendering.pipe(res, pipe);
  });
  return { origin: server.origin, renderings };
}

/** Reads a streamed body chunk by chunk, as the chunks arrive. */
export class ChunkReader {
  /** Everything received so far. */
  text = '';
  /** Every chunk, in arrival order. */
  readonly chunks: string[] = [];
  readonly #iterator: AsyncIterator<Buffer>;

  constructor(body: AsyncIterable<Buffer>) {
    this.#iterator = body[Symbol.asyncIterator]();
  }

  /** Reads until the text received includes `marker`; fails if the body ends first. */
  async until(marker: string): Promise<string> {
    while (!this.text.includes(marker)) {
      const next = await this.#iterator.next();
      if (next.done === true) throw new Error(`The body ended without ${marker}:\n${this.text}`);
      const chunk = next.value.toString('utf8');
      this.chunks.push(chunk);
      this.text += chunk;
    }
    return this.text;
  }

  /** Reads the rest of the body. */
  async rest(): Promise<string> {
    for (
      let next = await this.#iterator.next();
      next.done !== true;
      next = await this.#iterator.next()
    ) {
      const chunk = next.value.toString('utf8');
      this.chunks.push(chunk);
      this.text += chunk;
    }
    return this.text;
  }
}

/** GETs `url` with undici: status, headers, trailers (filled once the body is read) and a reader. */
export async function get(url: string) {
  const response = await request(url);
  return {
    status: response.statusCode,
    headers: response.headers,
    trailers: response.trailers,
    body: new ChunkReader(response.body),
    abort: () => response.body.destroy(),
  };
}
