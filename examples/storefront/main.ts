/**
 * `npm start`: the demo storefront. Starts thirty simulated services and the storefront on
 * 127.0.0.1 (free ports), prints the URLs, and runs until Ctrl-C (SIGINT) or SIGTERM.
 *
 * `STOREFRONT_SCALE=0.2 npm start` runs every service five times faster (default 1);
 * `STOREFRONT_FAIL=user,reviews npm start` makes those services fail too (watch the fallbacks).
 */
import { drawLatencies, SERVICES } from './catalog.ts';
import { criticalPath, serialTime } from './critical-path.ts';
import { MODES } from './layout.ts';
import { needsOf, SECTIONS } from './sections.ts';
import { startStorefront } from './server.ts';
import { startServices } from './services.ts';

const scale = Number(process.env.STOREFRONT_SCALE ?? 1);
if (!(scale >= 0 && Number.isFinite(scale))) {
  console.error(`STOREFRONT_SCALE: expected a number >= 0, got ${process.env.STOREFRONT_SCALE}`);
  process.exit(1);
}
const failing = new Set((process.env.STOREFRONT_FAIL ?? '').split(',').filter((name) => name));
const unknown = [...failing].filter((name) => !SERVICES.some((service) => service.name === name));
if (unknown.length > 0) {
  console.error(`STOREFRONT_FAIL: no service named ${unknown.join(', ')}`);
  process.exit(1);
}
const latencies = drawLatencies({ scale });
const services = await startServices({ latencies, failing });
const storefront = await startStorefront({ services: services.origin });

const path = criticalPath(latencies, needsOf(SECTIONS));
const slowest = [...latencies].reduce((a, b) => (b[1] > a[1] ? b : a));
const down = SERVICES.filter((service) => service.fails || failing.has(service.name));
console.log(`Simulated services: ${services.origin}/api/<name> — ${SERVICES.length} services,`);
console.log(
  `  latencies from a seeded lognormal (scale ${scale}); slowest ${slowest[0]} ${slowest[1]} ms; failing: ${down.map((service) => service.name).join(', ')}`,
);
console.log(
  `  one after another: ${serialTime(latencies).toFixed(0)} ms; critical path: ${path.ms.toFixed(0)} ms (${path.chain.join(' → ')})`,
);
console.log(`\nStorefront: ${storefront.url}`);
for (const mode of MODES) console.log(`  ${mode.padEnd(9)} ${storefront.url}?mode=${mode}`);
console.log('\nEvery page links to its own waterfall. Ctrl-C to stop.');

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping.`);
  await storefront.close();
  await services.close();
}
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, (name) => void stop(name));
