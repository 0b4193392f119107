import type { Client } from './clients.ts';

/** Runs `total` GETs of `path` with `concurrency` in flight; returns requests per second. */
export async function throughput(
  client: Client,
  path: string,
  total: number,
  concurrency: number,
): Promise<number> {
  let left = total;
  const worker = async () => {
    while (left > 0) {
      left--;
      await client.get(path);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return total / ((performance.now() - started) / 1000);
}
