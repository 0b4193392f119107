import type { ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import type { PageHead } from './rendering.ts';

/** What {@link pipeChunks} needs besides the chunks and the destination. */
export interface PipeHooks {
  /** The status and headers to set on a `ServerResponse` before the first byte. */
  readonly head: PageHead;
  /** Whether to send the final `Server-Timing` as a trailer (a `ServerResponse` only). */
  readonly trailers: boolean;
  /** The `Server-Timing` value once everything is flushed. */
  serverTiming(): string;
  /** The destination closed before the last chunk. */
  onClose(): void;
}

function isServerResponse(destination: Writable): destination is ServerResponse {
  return (
    typeof (destination as Partial<ServerResponse>).writeHead === 'function' &&
    typeof (destination as Partial<ServerResponse>).setHeader === 'function'
  );
}

/** Resolves when `destination` can take more (`drain`), or has closed or failed. */
function drained(destination: Writable): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      destination.off('drain', done);
      destination.off('close', done);
      destination.off('error', done);
      resolve();
    };
    destination.on('drain', done);
    destination.on('close', done);
    destination.on('error', done);
  });
}

function setHead(response: ServerResponse, hooks: PipeHooks): void {
  if (response.headersSent) return;
  response.statusCode = hooks.head.status;
  for (const [name, value] of Object.entries(hooks.head.headers)) response.setHeader(name, value);
  if (hooks.trailers) response.setHeader('trailer', 'server-timing');
}

/**
 * Writes every chunk into `destination`, waiting for `drain` whenever `write` says its buffer is
 * full, then ends it. Stops (and calls `onClose`) as soon as the destination is closed or
 * destroyed, e.g. when the client disconnects. If the chunks fail, the destination is destroyed
 * with the error and the error is thrown.
 */
export async function pipeChunks(
  chunks: AsyncIterable<string>,
  destination: Writable,
  hooks: PipeHooks,
): Promise<void> {
  const response = isServerResponse(destination) ? destination : undefined;
  if (response !== undefined) setHead(response, hooks);
  let isFinished = false;
  const onClose = () => {
    if (!isFinished) hooks.onClose();
  };
  destination.once('close', onClose);
  try {
    try {
      for await (const chunk of chunks) {
        if (destination.destroyed || destination.writableEnded) break;
        if (!destination.write(chunk)) await drained(destination);
      }
    } catch (error) {
      // The page cannot be completed (a layout part threw): the client sees a cut response
      // rather than one that never ends, and the caller hears of it.
      destination.destroy(error as Error);
      throw error;
    }
    isFinished = true;
    if (destination.destroyed || destination.writableEnded) return;
    if (response !== undefined && hooks.trailers) {
      response.addTrailers({ 'server-timing': hooks.serverTiming() });
    }
    destination.end();
  } finally {
    destination.off('close', onClose);
  }
}
