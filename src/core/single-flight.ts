/**
 * One caller's place in a shared piece of work (see {@link SingleFlight.join}).
 *
 * @internal
 */
export interface Membership<T> {
  /** Settles with this caller's own copy of the value, the shared error, or the reason it left. */
  readonly promise: Promise<T>;
  /**
   * Leaves the flight: `promise` rejects with `reason` at once. The work goes on for the others;
   * the last member to leave aborts it. Does nothing once the promise has settled.
   */
  leave(reason: Error): void;
}

/** How a flight's work starts: `signal` is aborted when every member has left. */
export type FlightStart<T> = (signal: AbortSignal) => PromiseLike<T>;

/** A member's way to settle its promise. */
interface Member<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** One shared piece of work and the callers waiting for it. */
interface Flight<T> {
  readonly controller: AbortController;
  /** Members still waiting, in the order they joined; emptied once the work settles. */
  readonly members: Set<Member<T>>;
}

/**
 * Single-flight: callers that ask for the same key while its work is in flight share that work,
 * which runs once. Each caller gets its own copy of the value (`share` makes the copies: the
 * first member still waiting gets the value itself, every other one a copy), or the shared error.
 * A caller may leave early without disturbing the others; when the last one leaves the work is
 * aborted and the key is free for a new flight. A key is free again as soon as its work settles:
 * nothing is cached.
 *
 * @internal
 */
export class SingleFlight<T> {
  // Work in flight by key. A flight leaves the map when its work settles or its last member
  // leaves, so a flight found here is always one worth joining.
  readonly #flights = new Map<string, Flight<T>>();
  readonly #share: (value: T) => T;

  constructor(share: (value: T) => T) {
    this.#share = share;
  }

  /** How many keys have work in flight. */
  get size(): number {
    return this.#flights.size;
  }

  /** Joins the flight of `key`, starting it with `start` when there is none. */
  join(key: string, start: FlightStart<T>): Membership<T> {
    let flight = this.#flights.get(key);
    if (flight === undefined) {
      flight = { controller: new AbortController(), members: new Set() };
      this.#flights.set(key, flight);
      this.#start(key, flight, start);
    }
    return this.#member(key, flight);
  }

  #start(key: string, flight: Flight<T>, start: FlightStart<T>): void {
    let work: PromiseLike<T>;
    try {
      work = start(flight.controller.signal);
    } catch (error) {
      work = Promise.reject(error);
    }
    work.then(
      (value) => {
        let isFirst = true;
        for (const member of this.#land(key, flight)) {
          member.resolve(isFirst ? value : this.#share(value));
          isFirst = false;
        }
      },
      (error: unknown) => {
        for (const member of this.#land(key, flight)) member.reject(error);
      },
    );
  }

  // The work settled: frees the key and hands over the members still waiting.
  #land(key: string, flight: Flight<T>): Member<T>[] {
    if (this.#flights.get(key) === flight) this.#flights.delete(key);
    const members = [...flight.members];
    flight.members.clear();
    return members;
  }

  #member(key: string, flight: Flight<T>): Membership<T> {
    let member!: Member<T>;
    const promise = new Promise<T>((resolve, reject) => {
      member = { resolve, reject };
    });
    flight.members.add(member);
    return {
      promise,
      leave: (reason) => {
        if (!flight.members.delete(member)) return;
        member.reject(reason);
        if (flight.members.size > 0) return;
        if (this.#flights.get(key) === flight) this.#flights.delete(key);
        flight.controller.abort(reason);
      },
    };
  }
}
