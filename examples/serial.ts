/**
 * Two requests, one after the other, with a Session — like requests'
 * `session.get(a)` then `session.get(b)`. The total time is the sum of both.
 *
 * Run it: npx tsx examples/serial.ts
 */
import { pathToFileURL } from 'node:url';
import { Session } from '../src/index.ts';
import { type Recommendation, startBackend, type User } from './backend.ts';

/** Fetches the user, then the recommendations, from the backend at `origin`. */
export async function serial(
  origin: string,
  delay = 0,
): Promise<{ user: User; recommendations: Recommendation[] }> {
  // Session defaults (here the base URL and a query parameter) apply to every request, and its
  // keep-alive pool is reused by both. `await using` closes it when the function returns.
  await using session = new Session({ baseURL: origin, params: { delay } });

  // Each `await` waits for the whole response before the next request is even sent.
  const user = (await session.get('/user')).raiseForStatus().json<User>();
  const recommendations = (await session.get('/recommendations'))
    .raiseForStatus()
    .json<Recommendation[]>();
  return { user, recommendations };
}

// Run directly: start a local backend, call it, print the result.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const backend = await startBackend();
  try {
    console.log(await serial(backend.origin, 100));
  } finally {
    await backend.close();
  }
}
