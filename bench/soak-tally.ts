import { isFanoutError, type Response, TimeoutError } from '../src/index.ts';
import { FAULTS, type Fault, SOAK_BODY } from './soak-faults.ts';

// What the soak's requests ended in, counted by injected fault and by outcome, and the checks
// over those counts.

/**
 * The outcome of one settled request, as a short key: the status of a response (`200 wrong body`
 * when a 200 did not bring exactly {@link SOAK_BODY}), the `code` of a `FanoutError` (with the
 * phase of a `TimeoutError`), or `untyped <name>` for anything else thrown.
 */
export function outcomeOf(settled: { response: Response } | { error: unknown }): string {
  if ('response' in settled) {
    const { status, content } = settled.response;
    if (status !== 200) return String(status);
    return Buffer.from(content.buffer, content.byteOffset, content.byteLength).equals(SOAK_BODY)
      ? '200'
      : '200 wrong body';
  }
  const { error } = settled;
  if (!isFanoutError(error)) {
    const name = error instanceof Error ? error.constructor.name : typeof error;
    return `untyped ${name}`;
  }
  if (error instanceof TimeoutError) return `${error.code} (${error.phase})`;
  return error.code;
}

/**
 * Whether a request's outcomes (each retried attempt's, then the final one) include a timeout its
 * fault does not inject: an answer that came later than the session's short timeouts because
 * the shared machine was busy. Such a request may end off its fault's expected outcomes (a
 * `503 once` that timed out on its retry and got a 503 again on the next), which is load, not
 * a defect.
 */
function timedOutUnderLoad(fault: Fault, outcomes: readonly string[]): boolean {
  return outcomes.some(
    (outcome) => outcome.startsWith('FANOUT_TIMEOUT') && !fault.expected.includes(outcome),
  );
}

/** How many requests of one fault ended in one outcome, and how many of them timed out under load. */
interface Count {
  requests: number;
  underLoad: number;
}

/** Counts of outcomes per fault. */
export class Tally {
  // fault name → outcome → count; every fault has an entry, outcomes appear as they happen.
  readonly #counts = new Map<string, Map<string, Count>>(
    FAULTS.map((fault) => [fault.name, new Map()]),
  );
  // One example message per untyped outcome, to say what it was.
  readonly #examples = new Map<string, string>();
  /** Retries the session made (attempts after the first), over all requests counted. */
  retries = 0;

  /**
   * Counts one request of `fault` that ended in `outcome`, after retried attempts that ended in
   * `retried` (`error`: what it threw, if it did).
   */
  add(fault: Fault, outcome: string, retried: readonly string[], error?: unknown): void {
    const counts = this.#counts.get(fault.name) as Map<string, Count>;
    const count = counts.get(outcome) ?? { requests: 0, underLoad: 0 };
    count.requests++;
    if (timedOutUnderLoad(fault, [...retried, outcome])) count.underLoad++;
    counts.set(outcome, count);
    this.retries += retried.length;
    if (outcome.startsWith('untyped') && !this.#examples.has(outcome)) {
      this.#examples.set(
        outcome,
        error instanceof Error ? (error.stack ?? error.message) : String(error),
      );
    }
  }

  /** How many requests were counted. */
  get total(): number {
    let sum = 0;
    for (const fault of FAULTS) sum += this.#requests(fault);
    return sum;
  }

  #requests(fault: Fault): number {
    let sum = 0;
    for (const count of (this.#counts.get(fault.name) as Map<string, Count>).values())
      sum += count.requests;
    return sum;
  }

  /**
   * The markdown table: one row per fault and outcome, with the share of that fault's requests
   * and how many of them met a timeout the fault does not inject (see {@link timedOutUnderLoad}).
   */
  table(): string {
    const lines = [
      '| fault | requests | outcome | count | share | timed out under load |',
      '| --- | ---: | --- | ---: | ---: | ---: |',
    ];
    for (const fault of FAULTS) {
      const requests = this.#requests(fault);
      const sorted = [...(this.#counts.get(fault.name) as Map<string, Count>)].sort(
        (a, b) => b[1].requests - a[1].requests,
      );
      sorted.forEach(([outcome, count], index) => {
        const head = index === 0 ? [fault.name, requests.toLocaleString('en-US')] : ['', ''];
        const cells = [
          ...head,
          outcome,
          count.requests.toLocaleString('en-US'),
          `${((100 * count.requests) / requests).toFixed(2)} %`,
          count.underLoad === 0 ? '' : count.underLoad.toLocaleString('en-US'),
        ];
        lines.push(`| ${cells.join(' | ')} |`);
      });
    }
    return lines.join('\n');
  }

  /**
   * What the counts violate: a fault that never produced the outcome it is meant to, and any
   * request that ended outside its fault's expected outcomes without a timeout under load to
   * explain it — an untyped error or a 200 with the wrong body always counts, explained or not.
   */
  violations(): string[] {
    const found: string[] = [];
    for (const fault of FAULTS) {
      const counts = this.#counts.get(fault.name) as Map<string, Count>;
      const [meant] = fault.expected;
      if (this.#requests(fault) > 0 && !counts.has(meant as string)) {
        found.push(`${fault.name}: never ended in ${meant}`);
      }
      for (const [outcome, count] of counts) {
        if (fault.expected.includes(outcome)) continue;
        const always = outcome.startsWith('untyped') || outcome === '200 wrong body';
        const unexplained = always ? count.requests : count.requests - count.underLoad;
        if (unexplained === 0) continue;
        const example = this.#examples.get(outcome);
        const detail = example === undefined ? '' : `\n    ${example.replaceAll('\n', '\n    ')}`;
        found.push(`${fault.name}: ${unexplained} ended in ${outcome}${detail}`);
      }
    }
    return found;
  }
}
