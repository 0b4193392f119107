import diagnostics from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

/** Connection facts for one attempt, in `performance.now()` time. */
export interface ConnectionFacts {
  /** Whether the socket had served a request before. */
  readonly reused: boolean;
  /** When undici began and finished connecting it (TCP, and TLS for https). */
  readonly connectStart: number | undefined;
  readonly connectEnd: number | undefined;
  /** Whether the socket is a TLS socket. */
  readonly secure: boolean;
}

/** Receives the connection facts of the attempt it was handed to. */
export interface ConnectionTaker {
  connection(facts: ConnectionFacts): void;
}

interface SocketState {
  connectStart: number;
  connectEnd: number;
  used: boolean;
}

// Connect start per undici connect attempt (keyed by its connectParams object).
const connecting = new WeakMap<object, number>();
// What is known of each socket undici opened while tracing was on.
const sockets = new WeakMap<Socket, SocketState>();
// The attempt whose headers undici is writing right now. undici calls the handler's onConnect
// and then publishes `undici:client:sendHeaders` synchronously, with no other request between.
let writing: ConnectionTaker | undefined;
let subscribed = false;

function onBeforeConnect(message: unknown): void {
  connecting.set((message as { connectParams: object }).connectParams, performance.now());
}

function onConnected(message: unknown): void {
  const { connectParams, socket } = message as { connectParams: object; socket: Socket };
  const connectStart = connecting.get(connectParams) ?? performance.now();
  sockets.set(socket, { connectStart, connectEnd: performance.now(), used: false });
}

function onSendHeaders(message: unknown): void {
  const taker = writing;
  writing = undefined;
  if (taker === undefined) return;
  const socket = (message as { socket: Socket }).socket;
  const state = sockets.get(socket);
  const secure = 'encrypted' in socket;
  if (state === undefined || state.used) {
    taker.connection({ reused: true, connectStart: undefined, connectEnd: undefined, secure });
    return;
  }
  state.used = true;
  taker.connection({
    reused: false,
    connectStart: state.connectStart,
    connectEnd: state.connectEnd,
    secure,
  });
}

/** Starts listening to undici's connection events; called when the first trace is created. */
export function watchConnections(): void {
  if (subscribed) return;
  subscribed = true;
  diagnostics.subscribe('undici:client:beforeConnect', onBeforeConnect);
  diagnostics.subscribe('undici:client:connected', onConnected);
  diagnostics.subscribe('undici:client:sendHeaders', onSendHeaders);
}

/** Hands the connection facts of the request undici writes next to `taker`. */
export function takeConnection(taker: ConnectionTaker): void {
  writing = taker;
}
