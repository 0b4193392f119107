// The faults the soak injects: what bench/soak-server.ts does on each path, how often the client
// asks for it, and the outcomes a request with that fault may end in.

/** The JSON body of every 200: the client checks each 200 brought exactly these bytes. */
export const SOAK_BODY = Buffer.from('{"id":13,"name":"fanout","ok":true,"items":[1,2,3,4,5]}');
/** How long a slow answer waits, in ms: past the client's headers and body timeouts. */
export const SLOW_MS = 400;

/** Where a fault's requests go: the node:http origin, the raw net origin, or a closed port. */
export type FaultOrigin = 'http' | 'raw' | 'refused';

/** One kind of request the soak sends. */
export interface Fault {
  readonly name: string;
  /** Requests of this kind per 1,000 (the table's weights sum to 1,000). */
  readonly perMille: number;
  readonly origin: FaultOrigin;
  /** The path on its origin (the client adds `?n=ID`, the ID unique per request). */
  readonly path: string;
  /**
   * The outcomes (see `outcomeOf` in bench/soak-tally.ts) a request with this fault should end
   * in, after the session's retries: the first is the one it is meant to produce.
   */
  readonly expected: readonly string[];
}

const OK = '200';
const CONNECTION = 'FANOUT_CONNECTION';

/** Every fault, with its weight. Normal answers dominate; each fault class is a few per cent. */
export const FAULTS: readonly Fault[] = [
  { name: 'ok', perMille: 760, origin: 'http', path: '/ok', expected: [OK] },
  { name: 'gzip', perMille: 100, origin: 'http', path: '/gzip', expected: [OK] },
  { name: '503', perMille: 20, origin: 'http', path: '/503', expected: ['503'] },
  {
    name: '503 once',
    perMille: 20,
    origin: 'http',
    path: '/503-once',
    expected: [OK],
  },
  {
    name: 'reset mid-body',
    perMille: 20,
    origin: 'http',
    path: '/reset',
    expected: [CONNECTION],
  },
  {
    name: 'reset once',
    perMille: 20,
    origin: 'http',
    path: '/reset-once',
    expected: [OK],
  },
  {
    name: 'slow headers',
    perMille: 3,
    origin: 'http',
    path: '/slow',
    expected: ['FANOUT_TIMEOUT (headers)'],
  },
  {
    name: 'slow body',
    perMille: 2,
    origin: 'http',
    path: '/stall',
    expected: ['FANOUT_TIMEOUT (body)'],
  },
  { name: 'refused', perMille: 15, origin: 'refused', path: '/ok', expected: [CONNECTION] },
  {
    name: 'bad chunk',
    perMille: 15,
    origin: 'raw',
    path: '/bad-chunk',
    expected: [CONNECTION],
  },
  {
    name: 'short length',
    perMille: 15,
    origin: 'raw',
    path: '/short-length',
    expected: [CONNECTION],
  },
  { name: 'long length', perMille: 10, origin: 'raw', path: '/long-length', expected: [OK] },
];

/** The fault a draw in [0, 1) picks, by the weights of {@link FAULTS}. */
export function faultAt(draw: number): Fault {
  let left = draw * 1_000;
  for (const fault of FAULTS) {
    left -= fault.perMille;
    if (left < 0) return fault;
  }
  return FAULTS[0] as Fault;
}
