/**
 * W4's simulated services in their own process (`node --import tsx bench/w4-services.ts SCALE`):
 * the demo storefront's thirty services at SCALE × their latencies. Prints its port on stdout;
 * tells the parent (IPC) when the slowest service answers, as `{ at }` in ms since the epoch
 * (`performance.timeOrigin + performance.now()`, the clock the parent reads too).
 */
import { drawLatencies } from '../examples/storefront/catalog.ts';
import { startServices } from '../examples/storefront/services.ts';

const latencies = drawLatencies({ scale: Number(process.argv[2] ?? 1) });
const [slowest] = [...latencies].reduce((a, b) => (b[1] > a[1] ? b : a));
const services = await startServices({
  latencies,
  onAnswer: (service, at) => {
    if (service === slowest) process.send?.({ at: performance.timeOrigin + at });
  },
});
process.stdout.write(`${new URL(services.origin).port}\n`);
process.once('SIGTERM', () => {
  void services.close().then(() => process.exit(0));
});
