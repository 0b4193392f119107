/**
 * `npm start`: runs the examples against a local backend whose every response takes 100 ms,
 * printing what each does and how long it takes.
 */
import { startBackend } from './backend.ts';
import { parallel } from './parallel.ts';
import { serial } from './serial.ts';
import { startPageServer } from './web-handler.ts';

const DELAY = 100;

/** Runs `fn` and prints its wall time next to `label`. */
async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await fn();
  console.log(`${label}: ${Math.round(performance.now() - start)} ms`);
  return result;
}

const backend = await startBackend();
try {
  console.log(`Backend on ${backend.origin}: /user and /recommendations, ${DELAY} ms each.\n`);
  await parallel(backend.origin); // warm-up: the first call loads and compiles the HTTP stack

  console.log('1. examples/serial.ts: Session, one request after the other');
  const fromSerial = await timed('   two requests in series (≈ the sum)', () =>
    serial(backend.origin, DELAY),
  );

  console.log('2. examples/parallel.ts: FuturesSession, both fired, then each awaited');
  const fromParallel = await timed('   two requests in parallel (≈ the slowest)', () =>
    parallel(backend.origin, DELAY),
  );
  const same = JSON.stringify(fromSerial) === JSON.stringify(fromParallel);
  console.log(`   same data both ways: ${same}; user: ${fromParallel.user.name}\n`);

  console.log('3. examples/web-handler.ts: a node:http page that calls both services per view');
  const pages = await startPageServer(backend.origin, DELAY);
  try {
    const page = await timed(`   GET ${pages.url}`, async () => {
      const response = await fetch(pages.url);
      return `${response.status} ${await response.text()}`;
    });
    console.log(`   ${page}`);
  } finally {
    await pages.close();
  }
} finally {
  await backend.close();
}
