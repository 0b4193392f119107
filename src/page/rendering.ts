import { performance } from 'node:perf_hooks';
import type { Writable } from 'node:stream';
import { checkKnownOptions, describe, own } from '../core/validate.ts';
import { CancelledError } from '../errors/cancelled-error.ts';
import { InvalidOptionError } from '../errors/invalid-option-error.ts';
import type { Flow } from '../flow/flow.ts';
import type { FuturesSession } from '../futures/futures-session.ts';
import type { SectionRecord } from '../trace/section-record.ts';
import { currentTrace, Trace } from '../trace/trace.ts';
import type { Flusher } from './flusher.ts';
import { inOrder } from './in-order.ts';
import { PIPE_OPTIONS } from './known-options.ts';
import { outOfOrder } from './out-of-order.ts';
import {
  type CheckedPageOptions,
  checkMode,
  type LayoutPart,
  type StreamMode,
} from './page-options.ts';
import { pipeChunks } from './pipe.ts';
import type { SectionFailure } from './section.ts';
import { markupText, renderSection } from './section-output.ts';
import { type DataOutcome, type SectionRun, startRuns } from './section-run.ts';
import { pageServerTiming } from './server-timing.ts';
import type { CheckedSection } from './validate-section.ts';

/** Options of one rendering ({@link Page.render}) besides its input. */
export interface RenderSettings {
  /** The session for the sections' requests. @default the page's `session` */
  session?: FuturesSession;
  /** How sections stream. @default the page's `mode` */
  mode?: StreamMode;
  /**
   * Aborts the rendering at once, whenever it fires (or if it has already): running requests
   * are cancelled and pending sections fall back; `renderToString` rejects with a
   * `CancelledError`.
   */
  signal?: AbortSignal;
  /**
   * The trace that records the sections' requests and timings; requests made by `data` join it.
   * @default the current trace ({@link currentTrace}), if any
   */
  trace?: Trace;
  /** A CSP nonce for the inline scripts of out-of-order streaming. @default undefined */
  nonce?: string;
}

/** The options of {@link Page.render}: the input (required unless the page takes none) and settings. */
export type RenderOptions<Input> = RenderSettings &
  (undefined extends Input
    ? {
        /** The page's input, handed to every section's `data`. */
        input?: Input;
      }
    : {
        /** The page's input, handed to every section's `data`. */
        input: Input;
      });

/** The status and headers of a page, settled (by its primary sections) before the first byte. */
export interface PageHead {
  /** 200, or the `primaryStatus` of the first primary section that failed. */
  readonly status: number;
  /** `content-type` and `server-timing` (the primary sections' blocked time so far). */
  readonly headers: Readonly<Record<string, string>>;
  /** The failure of the primary section that settled the status, if one failed. */
  readonly failure: SectionFailure | undefined;
}

/** Options of {@link PageRendering.pipe}. */
export interface PipeOptions {
  /**
   * On a `ServerResponse`, also send the complete `Server-Timing` (every section) as an HTTP
   * trailer; the header carries only what was known before the first byte.
   * @default false
   */
  trailers?: boolean;
}

/** A page's definition as {@link PageRendering} needs it. @internal */
export interface PageSpec<Input> {
  readonly options: CheckedPageOptions<Input>;
  readonly sections: readonly CheckedSection[];
}

const CONTENT_TYPE = 'text/html; charset=utf-8';

/**
 * The error of an aborted page: what its pending sections fall back with, and what
 * `renderToString` rejects with. @internal
 */
export function pageAborted(page: string, reason: unknown): CancelledError {
  const cause = reason === undefined ? {} : { cause: reason };
  return new CancelledError(`Page "${page}" was aborted`, cause);
}

function layoutText<Input>(part: LayoutPart<Input>, input: Input, what: string): string {
  return markupText(typeof part === 'function' ? part(input) : part, what);
}

/**
 * One rendering of a page for one input: created by {@link Page.render}, which starts every
 * section's data at once (phase one). Then, in either order:
 *
 * - `await rendering.head()` — the status and headers, once the primary sections have settled;
 * - iterate it (`for await (const chunk of rendering)`) — the HTML in chunks, streamed in the
 *   page's mode — or `pipe()` it into a `Writable` or `ServerResponse`, or `text()` it.
 *
 * The chunks can be consumed once; a second `for await` continues where the first stopped.
 * Leaving the loop early (or the destination closing) cancels the requests still running.
 */
export class PageRendering<Input = unknown> {
  /** The streaming mode. */
  readonly mode: StreamMode;
  /** The trace recording this rendering, if any. */
  readonly trace: Trace | undefined;
  /**
   * The flow running the sections' data: one step per section (named after it), so
   * `rendering.flow.report()` gives each section's data timings and their critical path.
   */
  readonly flow: Flow<Record<string, unknown>>;
  readonly #spec: PageSpec<Input>;
  readonly #input: Input;
  readonly #nonce: string | undefined;
  /** `performance.now()` of the time origin: the trace's, or the rendering's own start. */
  readonly #origin: number;
  /** When the page started, in ms since the origin. */
  readonly #startedAt: number;
  /** Every section's run, in page order. */
  readonly #runs: readonly SectionRun[];
  /** When rendering first wanted each section (ms since the origin). */
  readonly #wantedAt = new Map<SectionRun, number>();
  /** The records of the sections flushed so far, in flush order. */
  readonly #records: SectionRecord[] = [];
  /** The head, decided once. */
  #head: Promise<PageHead> | undefined;
  /** The chunk generator, created by the first iteration. */
  #chunks: AsyncGenerator<string, void, undefined> | undefined;
  /** Whether every chunk was produced (then late `finish` requests are left alone). */
  #isComplete = false;
  /** Whether {@link abort} has run (the requests are cancelled then, once). */
  #isAborted = false;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = () => this.abort(this.#signal?.reason);

  /** @internal Use {@link Page.render}. */
  constructor(spec: PageSpec<Input>, input: Input, settings: RenderSettings) {
    const { options } = spec;
    const session = settings.session ?? options.session;
    if (session === undefined) {
      throw new InvalidOptionError(
        `Page "${options.name}" has no session: give \`session\` to definePage() or render()`,
      );
    }
    if (settings.trace !== undefined && !(settings.trace instanceof Trace)) {
      throw new InvalidOptionError(
        `Expected \`trace\` to be a Trace, got ${describe(settings.trace)}`,
      );
    }
    this.#spec = spec;
    this.#input = input;
    this.#nonce = settings.nonce;
    this.mode = checkMode(settings.mode, options.mode);
    this.trace = settings.trace ?? currentTrace();
    this.#origin = this.trace?.origin ?? performance.now();
    this.#startedAt = this.#now();
    const environment = {
      input,
      session,
      now: () => this.#now(),
      startedAt: this.#startedAt,
      start: this.#origin + this.#startedAt,
      budget: options.budget,
      deadline: options.deadline,
      late: options.late,
      lateSections: new Set<string>(),
    };
    const start = () => startRuns(options.name, spec.sections, environment);
    const started = this.trace === undefined ? start() : this.trace.run(start);
    this.#runs = started.runs;
    this.flow = started.flow;
    this.#signal = settings.signal;
    if (this.#signal?.aborted) this.abort(this.#signal.reason);
    else this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** The page's name. */
  get name(): string {
    return this.#spec.options.name;
  }

  /**
   * The status and headers, settled once every primary section's data is ready or failed (at
   * once without primary sections). Call it before the first byte to set the response's head.
   */
  head(): Promise<PageHead> {
    this.#head ??= this.#decideHead();
    return this.#head;
  }

  /** The HTML chunks (strings), in the rendering's mode. */
  [Symbol.asyncIterator](): AsyncIterator<string> {
    this.#chunks ??= this.#generate();
    return this.#chunks;
  }

  /** The HTML chunks as UTF-8 bytes. */
  async *bytes(): AsyncGenerator<Uint8Array, void, undefined> {
    const encoder = new TextEncoder();
    for await (const chunk of this) yield encoder.encode(chunk);
  }

  /** The whole HTML once every section has rendered. */
  async text(): Promise<string> {
    let text = '';
    for await (const chunk of this) text += chunk;
    return text;
  }

  /**
   * Streams the page into `destination`, respecting backpressure, and ends it. On a node:http
   * `ServerResponse` whose headers are not sent yet, the status and headers of {@link head} are
   * set first. The destination closing or failing before the end — at any moment, even before
   * the head is decided, or already gone when `pipe` is called — aborts the rendering at once
   * (see {@link abort}) and nothing more is written; the promise then resolves, or rejects with
   * the destination's error. If the layout throws (`head` or `tail`, or `errorPage`), the
   * destination is destroyed and the promise rejects with that error; section errors never get
   * here (they render fallbacks).
   */
  async pipe(destination: Writable, options: PipeOptions = {}): Promise<void> {
    checkKnownOptions(options, PIPE_OPTIONS);
    await pipeChunks(this, destination, {
      head: () => this.head(),
      trailers: own(options, 'trailers') === true,
      serverTiming: () => this.serverTiming(),
      onAbandon: () => {
        if (!this.#isComplete) this.abort();
      },
    });
  }

  /** The timings of the sections flushed so far (times in ms since the trace's or the page's start). */
  sections(): readonly SectionRecord[] {
    return this.#records;
  }

  /**
   * A `Server-Timing` value: the time since the page started and, for every section whose data
   * rendering has waited for, how long it was blocked (see {@link pageServerTiming}).
   */
  serverTiming(): string {
    const timings = [];
    for (const run of this.#runs) {
      const wantedAt = this.#wantedAt.get(run);
      if (wantedAt === undefined || run.readyAt === undefined || run.outcome === undefined)
        continue;
      const record = this.#records.find((each) => each.name === run.section.name);
      timings.push({
        name: run.section.name,
        outcome: record?.outcome ?? (run.outcome.ok ? 'ok' : run.outcome.reason),
        blocked: Math.max(0, run.readyAt - wantedAt),
      });
    }
    return pageServerTiming(this.name, this.#now() - this.#startedAt, timings);
  }

  /**
   * Stops the rendering at once: every request still running is cancelled (its socket closed),
   * and the sections not ready fall back with a `CancelledError` (whose `cause` is `reason`).
   * Only the first call does anything.
   */
  abort(reason?: unknown): void {
    if (this.#isAborted) return;
    this.#isAborted = true;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    const error = pageAborted(this.name, reason);
    for (const run of this.#runs) run.abort(error);
    this.flow.cancel();
  }

  #now(): number {
    return performance.now() - this.#origin;
  }

  #want(run: SectionRun): void {
    if (this.#wantedAt.has(run)) return;
    this.#wantedAt.set(run, this.#now());
    run.want();
  }

  async #decideHead(): Promise<PageHead> {
    const primaries = this.#runs.filter((run) => run.section.primary);
    for (const run of primaries) this.#want(run);
    const outcomes = await Promise.all(primaries.map((run) => run.settled));
    let failure: SectionFailure | undefined;
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome.ok) continue;
      const section = (primaries[index] as SectionRun).section.name;
      failure = { section, reason: outcome.reason, error: outcome.error };
      break;
    }
    return {
      status: failure === undefined ? 200 : this.#spec.options.primaryStatus(failure),
      headers: { 'content-type': CONTENT_TYPE, 'server-timing': this.serverTiming() },
      failure,
    };
  }

  async *#generate(): AsyncGenerator<string, void, undefined> {
    try {
      const { failure } = await this.head();
      const errorPage = this.#spec.options.errorPage;
      if (failure !== undefined && errorPage !== undefined) {
        this.abort();
        yield markupText(errorPage(failure), 'errorPage');
      } else {
        yield* this.#page();
      }
      this.#isComplete = true;
    } finally {
      this.#signal?.removeEventListener('abort', this.#onAbort);
      if (!this.#isComplete) this.abort();
    }
  }

  async *#page(): AsyncGenerator<string, void, undefined> {
    const { head, tail } = this.#spec.options;
    const flusher: Flusher = {
      runs: this.#runs,
      want: (run) => this.#want(run),
      flush: (run) => this.#flush(run),
    };
    const shell = layoutText(head, this.#input, 'head');
    if (this.mode === 'in-order') {
      yield shell;
      yield* inOrder(flusher);
    } else {
      let isShell = true;
      for await (const chunk of outOfOrder(flusher, this.#nonce)) {
        yield isShell ? shell + chunk : chunk;
        isShell = false;
      }
    }
    yield layoutText(tail, this.#input, 'tail');
  }

  /**
   * Phase two for one section: its HTML, and its record in the rendering and trace. The modes
   * flush a section only once it has settled (`run.settled` resolved, or `run.outcome` set).
   */
  #flush(run: SectionRun): string {
    const outcome = run.outcome as DataOutcome;
    const output = renderSection(run.section, outcome, this.#input, this.#spec.options.fallback);
    const readyAt = run.readyAt ?? this.#now();
    const wantedAt = this.#wantedAt.get(run) ?? readyAt;
    const record: SectionRecord = {
      page: this.name,
      name: run.section.name,
      outcome: output.outcome,
      primary: run.section.primary,
      startedAt: run.startedAt,
      readyAt,
      wantedAt,
      flushedAt: this.#now(),
      blocked: Math.max(0, readyAt - wantedAt),
    };
    this.#records.push(record);
    this.trace?.recordSection(record);
    return output.html;
  }
}
