import type { TraceSummary } from './summary.ts';

function quoted(text: string): string {
  return `"${text.replace(/["\\]/g, (char) => `\\${char}`)}"`;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

const ms = (value: number) => value.toFixed(1);

/**
 * A W3C `Server-Timing` header value: `total` (wall time), `blocked` (total blocked time), and one
 * `req-N` metric per top blocker with its method and path (never its query) as the description.
 */
export function serverTiming(summary: TraceSummary): string {
  const metrics = [
    `total;dur=${ms(summary.wallTime)};desc=${quoted(`${summary.requests} requests`)}`,
    `blocked;dur=${ms(summary.blocked)}`,
  ];
  for (const request of summary.topBlockers) {
    metrics.push(
      `req-${request.id};dur=${ms(request.blocked)};desc=${quoted(`${request.method} ${pathOf(request.url)}`)}`,
    );
  }
  return metrics.join(', ');
}
