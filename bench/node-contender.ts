import type { Client, ClientFactory } from './clients.ts';
import type { Contender } from './rounds.ts';
import { throughput } from './throughput.ts';

/** A warm pool first: three rounds of `limit` concurrent GETs of /fast. */
export async function warm(client: Client, limit: number): Promise<void> {
  await throughput(client, '/fast', limit * 3, limit);
}

/** A Node client as a contender: opened with `limit` and warmed once, then measured each round. */
export function nodeContender<S>(
  factory: ClientFactory,
  origin: string,
  limit: number,
  measure: (client: Client) => Promise<S>,
): Contender<S> {
  return {
    name: factory.name,
    unavailable: factory.unavailable,
    async start() {
      const client = await factory.open(origin, limit);
      try {
        await warm(client, limit);
      } catch (error) {
        await client.close().catch(() => {});
        throw error;
      }
      return { measure: () => measure(client), close: () => client.close() };
    },
  };
}
