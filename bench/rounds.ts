/**
 * One entry of a workload — a Node client, a Python run, wrk — measured once per round. Entries
 * are run side by side: round after round, each entry in turn, so the drift of a shared machine
 * hits every entry alike.
 */
export interface Contender<S> {
  readonly name: string;
  /** Why it cannot run here (e.g. "not installed: …"), or undefined. */
  readonly unavailable?: (() => Promise<string | undefined>) | undefined;
  /** Opens and warms it; the trial then measures one sample per round. */
  start(): Promise<Trial<S>>;
}

export interface Trial<S> {
  /** Measures one sample; `round` counts from 0. */
  measure(round: number): Promise<S>;
  close(): Promise<void>;
}

/** What became of one contender: its samples, or why it has none (or fewer). */
export interface Outcome<S> {
  readonly name: string;
  readonly samples: S[];
  /** "not installed: …", "not available yet", or the error that stopped it. */
  note?: string;
}

export function message(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n')[0]?.slice(0, 160) ?? text;
}

/**
 * Runs `rounds` interleaved rounds of every contender. A contender that is unavailable or fails
 * (to start or in a round) gets a note in its outcome and is dropped; it never fails the run.
 */
export async function interleave<S>(
  contenders: readonly Contender<S>[],
  rounds: number,
): Promise<Outcome<S>[]> {
  const outcomes = contenders.map(
    (contender): Outcome<S> => ({ name: contender.name, samples: [] }),
  );
  const trials = new Map<number, Trial<S>>();
  for (const [index, contender] of contenders.entries()) {
    const outcome = outcomes[index] as Outcome<S>;
    try {
      const why = await contender.unavailable?.();
      if (why !== undefined) outcome.note = why;
      else trials.set(index, await contender.start());
    } catch (error) {
      outcome.note = `failed to start: ${message(error)}`;
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (const [index, trial] of trials) {
      const outcome = outcomes[index] as Outcome<S>;
      try {
        outcome.samples.push(await trial.measure(round));
      } catch (error) {
        outcome.note = `failed in round ${round + 1}: ${message(error)}`;
        trials.delete(index);
        await trial.close().catch(() => {});
      }
    }
  }
  for (const trial of trials.values()) await trial.close().catch(() => {});
  return outcomes;
}
