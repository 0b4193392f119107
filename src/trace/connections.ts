import diagnostics from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { tcpConnectedAt } from '../http/dispatchers.ts';
import type { H2SessionContext } from '../http/observer.ts';

/** The protocol an attempt went out on, as HAR spells it. */
export type WireProtocol = 'HTTP/1.1' | 'HTTP/2.0';

/** Connection facts for one attempt, in `performance.now()` time. */
export interface ConnectionFacts {
  /** The protocol spoken on the connection. */
  readonly protocol: WireProtocol;
  /** For HTTP/2: the session's number ({@link H2SessionContext.id}); undefined for HTTP/1.1. */
  readonly session: number | undefined;
  /** Whether the socket (an HTTP/2 session) had served a request before. */
  readonly reused: boolean;
  /**
   * When undici began and finished connecting it (TCP, and TLS for https); undefined for an
   * HTTP/2 session, whose socket fanout opens.
   */
  readonly connectStart: number | undefined;
  readonly connectEnd: number | undefined;
  /** Whether the socket is a TLS socket. */
  readonly secure: boolean;
  /** For a TLS socket opened by a session: when the TCP connect ended and the handshake began. */
  readonly tlsStart: number | undefined;
}

/** Receives the connection facts of the attempt it was handed to. */
export interface ConnectionTaker {
  connection(facts: ConnectionFacts): void;
}

interface SocketState {
  connectStart: number;
  connectEnd: number;
  tlsStart: number | undefined;
  used: boolean;
}

// Connect starts not yet matched with their end, oldest first, per undici connector (one per
// pool) and target. undici publishes a fresh `connectParams` object in each message, so the two
// ends of a connect are matched by connector and target; among concurrent connects to one target
// the oldest start goes to the first to finish.
const connecting = new WeakMap<object, Map<string, number[]>>();
// What is known of each socket undici opened while tracing was on.
const sockets = new WeakMap<Socket, SocketState>();
// The attempt whose headers undici is writing right now. undici calls the handler's
// onRequestStart and then publishes `undici:client:sendHeaders` synchronously, with no other
// request between.
let writing: ConnectionTaker | undefined;
let subscribed = false;

interface ConnectMessage {
  connectParams: { protocol: string; hostname: string; port: string | number };
  connector: object;
}

// The pending connect starts of the connector and target of `message`.
function startsOf(message: ConnectMessage): number[] {
  const { connectParams: params, connector } = message;
  const target = `${params.protocol}//${params.hostname}:${params.port}`;
  let byTarget = connecting.get(connector);
  if (byTarget === undefined) {
    byTarget = new Map();
    connecting.set(connector, byTarget);
  }
  let starts = byTarget.get(target);
  if (starts === undefined) {
    starts = [];
    byTarget.set(target, starts);
  }
  return starts;
}

function onBeforeConnect(message: unknown): void {
  startsOf(message as ConnectMessage).push(performance.now());
}

function onConnected(message: unknown): void {
  const connectEnd = performance.now();
  const connectStart = startsOf(message as ConnectMessage).shift() ?? connectEnd;
  const { socket } = message as { socket: Socket };
  const tlsStart = 'encrypted' in socket ? tcpConnectedAt(socket) : undefined;
  sockets.set(socket, { connectStart, connectEnd, tlsStart, used: false });
}

function onConnectError(message: unknown): void {
  startsOf(message as ConnectMessage).shift();
}

// The facts of a reused socket, the same for every request on one (no object per request).
const REUSED_PLAIN: ConnectionFacts = reusedFacts(false);
const REUSED_TLS: ConnectionFacts = reusedFacts(true);

function reusedFacts(secure: boolean): ConnectionFacts {
  return Object.freeze({
    protocol: 'HTTP/1.1',
    session: undefined,
    reused: true,
    connectStart: undefined,
    connectEnd: undefined,
    secure,
    tlsStart: undefined,
  });
}

function onSendHeaders(message: unknown): void {
  const taker = writing;
  writing = undefined;
  const socket = (message as { socket: Socket }).socket;
  const state = sockets.get(socket);
  // Marked even for an untraced request: whoever writes next on this socket reuses it.
  const isFirst = state !== undefined && !state.used;
  if (state !== undefined) state.used = true;
  if (taker === undefined) return;
  const secure = 'encrypted' in socket;
  if (!isFirst) {
    taker.connection(secure ? REUSED_TLS : REUSED_PLAIN);
    return;
  }
  taker.connection({
    protocol: 'HTTP/1.1',
    session: undefined,
    reused: false,
    connectStart: state.connectStart,
    connectEnd: state.connectEnd,
    secure,
    tlsStart: state.tlsStart,
  });
}

/** Starts listening to undici's connection events; called when the first trace is created. */
export function watchConnections(): void {
  if (subscribed) return;
  subscribed = true;
  diagnostics.subscribe('undici:client:beforeConnect', onBeforeConnect);
  diagnostics.subscribe('undici:client:connected', onConnected);
  diagnostics.subscribe('undici:client:connectError', onConnectError);
  diagnostics.subscribe('undici:client:sendHeaders', onSendHeaders);
}

/** Hands the connection facts of the request undici writes next to `taker`. */
export function takeConnection(taker: ConnectionTaker): void {
  writing = taker;
}

// The facts of each HTTP/2 session's later streams, made by the second traced stream on it and
// shared by the rest (no object per request).
const reusedSessions = new WeakMap<H2SessionContext, ConnectionFacts>();

/**
 * The connection facts of an attempt whose stream starts on `session` now. Its first stream opened
 * the session; every later one reuses it. The session's socket was opened by fanout, not undici:
 * no connect times are known.
 */
export function h2Connection(session: H2SessionContext, secure: boolean): ConnectionFacts {
  const isFirst = session.nextStreamId === 1;
  if (!isFirst) {
    const known = reusedSessions.get(session);
    if (known !== undefined) return known;
  }
  const facts: ConnectionFacts = Object.freeze({
    protocol: 'HTTP/2.0',
    session: session.id,
    reused: !isFirst,
    connectStart: undefined,
    connectEnd: undefined,
    secure,
    tlsStart: undefined,
  });
  if (!isFirst) reusedSessions.set(session, facts);
  return facts;
}
