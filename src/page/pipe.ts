import type { ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import type { PageHead } from './rendering.ts';

/** What {@link pipeChunks} needs besides the chunks and the destination. */
export interface PipeHooks {
  /** The status and headers to set on a `ServerResponse` before the first byte. */
  head(): Promise<PageHead>;
  /** Whether to send the final `Server-Timing` as a trailer (a `ServerResponse` only). */
  readonly trailers: boolean;
  /** The `Server-Timing` value once everything is flushed. */
  serverTiming(): string;
  /**
   * The destination closed, failed or was already gone before the last chunk: nobody will read
   * the rest. Called at most once, at that moment, even while the head is still pending.
   */
  onAbandon(): void;
}

function isServerResponse(destination: Writable): destination is ServerResponse {
  return (
    typeof (destination as Partial<ServerResponse>).writeHead === 'function' &&
    typeof (destination as Partial<ServerResponse>).setHeader === 'function'
  );
}

/** Whether nothing can be written to `destination` any more. */
function isGone(destination: Writable): boolean {
  return destination.destroyed || destination.writableEnded;
}

/** Resolves when `destination` can take more (`drain`), or `abandonment` says it is gone. */
function drained(destination: Writable, abandonment: Abandonment): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      destination.off('drain', done);
      abandonment.waiter = undefined;
      resolve();
    };
    destination.on('drain', done);
    abandonment.waiter = done;
  });
}

function setHead(response: ServerResponse, head: PageHead, trailers: boolean): void {
  if (response.headersSent) return;
  response.statusCode = head.status;
  for (const [name, value] of Object.entries(head.headers)) response.setHeader(name, value);
  if (trailers) response.setHeader('trailer', 'server-timing');
}

/**
 * Watches `destination` from the moment `pipeChunks` is called: its closing, failing, being
 * ended or destroyed by someone else (or its being gone already) calls `onAbandon` at once,
 * before the last chunk, and wakes a pipe waiting for `drain`; its error is kept, for
 * `pipeChunks` to reject with (and so that an `error` event never goes unheard).
 *
 * A stream made with `emitClose: false` and destroyed without an error emits nothing at all —
 * no `close`, `error`, `finish` or `drain` (Node 20; `stream.finished` does not call back
 * either) — so the watch also wraps the stream's own `destroy` while it lasts: that call is the
 * only sign such a stream gives of going away.
 */
class Abandonment {
  /** The destination's error, if it failed (or had failed) before the end. */
  error: unknown;
  /**
   * Whether the pipe is over — the last chunk written and the destination ended, or the chunks
   * failed and the pipe destroyed it: a close then is no abandonment.
   */
  isFinished = false;
  /** The pipe waiting for `drain`, if it is: woken when the destination goes away. */
  waiter: (() => void) | undefined;
  readonly #destination: Writable;
  readonly #onAbandon: () => void;
  /** Whether `onAbandon` was called (it is called once). */
  #isAbandoned = false;
  /** The destination's own `destroy` property before the watch wrapped it (undefined: none). */
  readonly #ownDestroy: PropertyDescriptor | undefined;
  readonly #onClose = () => this.#abandon();
  readonly #onError = (error: unknown) => {
    this.error ??= error;
    this.#abandon();
  };

  constructor(destination: Writable, onAbandon: () => void) {
    this.#destination = destination;
    this.#onAbandon = onAbandon;
    destination.on('close', this.#onClose);
    destination.on('error', this.#onError);
    destination.on('finish', this.#onClose);
    if (destination.errored !== null) this.error = destination.errored;
    this.#ownDestroy = Object.getOwnPropertyDescriptor(destination, 'destroy');
    const destroy = destination.destroy;
    destination.destroy = (error?: Error) => {
      destroy.call(destination, error);
      if (destination.errored !== null) this.error ??= destination.errored;
      this.#abandon();
      return destination;
    };
    if (isGone(destination)) this.#abandon();
  }

  /** Whether nothing more is to be written: the destination went away. */
  get isAbandoned(): boolean {
    return this.#isAbandoned || isGone(this.#destination);
  }

  dispose(): void {
    const destination = this.#destination;
    destination.off('close', this.#onClose);
    destination.off('finish', this.#onClose);
    // A destroyed stream may still emit the error it was destroyed with (kept already): heard.
    if (!destination.destroyed) destination.off('error', this.#onError);
    if (this.#ownDestroy === undefined) delete (destination as Partial<Writable>).destroy;
    else Object.defineProperty(destination, 'destroy', this.#ownDestroy);
  }

  #abandon(): void {
    if (this.isFinished || this.#isAbandoned) return;
    this.#isAbandoned = true;
    this.#onAbandon();
    this.waiter?.();
  }
}

/**
 * Waits for the head, then writes every chunk into `destination`, waiting for `drain` whenever
 * `write` says its buffer is full, then ends it. From the first moment — even while the head is
 * pending, or if the destination is gone already — the destination closing or failing (the
 * client disconnects) calls `onAbandon` at once and stops the writing: nothing more is written,
 * and the promise resolves, or rejects with the destination's error if it failed. If the chunks
 * fail, the destination is destroyed with the error and the error is thrown.
 */
export async function pipeChunks(
  chunks: AsyncIterable<string>,
  destination: Writable,
  hooks: PipeHooks,
): Promise<void> {
  const abandonment = new Abandonment(destination, hooks.onAbandon);
  try {
    if (!abandonment.isAbandoned) await writeAll(chunks, destination, hooks, abandonment);
    if (abandonment.error !== undefined) throw abandonment.error;
  } finally {
    abandonment.dispose();
  }
}

async function writeAll(
  chunks: AsyncIterable<string>,
  destination: Writable,
  hooks: PipeHooks,
  abandonment: Abandonment,
): Promise<void> {
  const head = await hooks.head();
  if (abandonment.isAbandoned) return;
  const response = isServerResponse(destination) ? destination : undefined;
  if (response !== undefined) setHead(response, head, hooks.trailers);
  try {
    for await (const chunk of chunks) {
      if (abandonment.isAbandoned) break;
      if (!destination.write(chunk)) await drained(destination, abandonment);
    }
  } catch (error) {
    // The page cannot be completed (a layout part threw): the client sees a cut response
    // rather than one that never ends, and the caller hears of it.
    abandonment.isFinished = true; // the pipe's own destroy is no abandonment
    destination.destroy(error as Error);
    throw error;
  }
  if (abandonment.isAbandoned) return;
  abandonment.isFinished = true;
  if (response !== undefined && hooks.trailers) {
    response.addTrailers({ 'server-timing': hooks.serverTiming() });
  }
  destination.end();
}
