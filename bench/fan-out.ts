import type { Client } from './clients.ts';

/** W1: fires `count` GETs of `path` at once, then awaits each in order; returns the wall time in ms. */
export async function fanOut(client: Client, path: string, count: number): Promise<number> {
  const started = performance.now();
  const pending = Array.from({ length: count }, () => Promise.resolve(client.get(path)));
  // Awaited in order below; a rejection of a later one must not go unhandled meanwhile.
  for (const request of pending) request.catch(() => {});
  for (const request of pending) await request;
  return performance.now() - started;
}
