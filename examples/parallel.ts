/**
 * The same two requests in parallel with a FuturesSession: fire both, then await each. The
 * total time is that of the slowest, not the sum.
 *
 * Run it: npx tsx examples/parallel.ts
 */
import { pathToFileURL } from 'node:url';
import { FuturesSession } from '../src/index.ts';
import { type Recommendation, startBackend, type User } from './backend.ts';

/** Fetches the user and the recommendations at once from the backend at `origin`. */
export async function parallel(
  origin: string,
  delay = 0,
): Promise<{ user: User; recommendations: Recommendation[] }> {
  // Takes every Session option, plus how many requests may be in flight (`maxWorkers`).
  // Leaving the function waits for requests still running, then closes the session.
  await using session = new FuturesSession({ baseURL: origin, params: { delay }, maxWorkers: 8 });

  // Each verb returns a Future at once; both requests are on the wire before we wait for either.
  const user = session.get('/user');
  const recommendations = session.get('/recommendations');

  // Awaiting a Future gives its Response (or throws its error); the other one keeps running.
  return {
    user: (await user).raiseForStatus().json<User>(),
    recommendations: (await recommendations).raiseForStatus().json<Recommendation[]>(),
  };
}

// Run directly: start a local backend, call it, print the result.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const backend = await startBackend();
  try {
    console.log(await parallel(backend.origin, 100));
  } finally {
    await backend.close();
  }
}
