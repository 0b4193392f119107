import { createRequire } from 'node:module';

// Read on first use: both `src/trace/` and `dist/trace/` sit two levels below the package root.
let version: string | undefined;

/** fanout's version, as its `package.json` states it (read once, on first use). */
export function fanoutVersion(): string {
  version ??= (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
  return version;
}
