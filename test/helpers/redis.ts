import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import type { TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { createClient } from 'redis';
import { freePort } from './server.ts';

/** A real redis-server on a free loopback port, killed when the test ends. */
export interface TestRedis {
  readonly port: number;
  /** Stops the server (SIGKILL: like a crash, nothing is saved). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open and nothing is answered. */
  pause(): void;
  /** Lets a paused server go on (SIGCONT). */
  resume(): void;
}

const INSTALL = 'apt-get update && apt-get install -y redis-server';
const REDIS_SERVER = '/usr/bin/redis-server';

// Whether a PING on `port` gets PONG.
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('error', () => resolve(false));
    socket.once('data', (chunk) => {
      resolve(chunk.toString() === '+PONG\r\n');
      socket.destroy();
    });
    socket.write('PING\r\n');
  });
}

async function waitUntilUp(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null)
      throw new Error(`redis-server exited (${child.exitCode}):\n${log()}`);
    if (await pings(port)) return;
    await delay(50);
  }
  throw new Error(`redis-server did not answer on port ${port} within 5 s:\n${log()}`);
}

/**
 * Starts `redis-server --port P --save '' --appendonly no` on a free port of 127.0.0.1 and kills
 * it when `t` ends. Fails with install instructions when redis-server is missing: its tests never
 * skip silently.
 */
export async function startRedis(t: Pick<TestContext, 'after'>): Promise<TestRedis> {
  if (!existsSync(REDIS_SERVER)) {
    throw new Error(
      `redis-server is not installed (no ${REDIS_SERVER}). Install it with: ${INSTALL}`,
    );
  }
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const process = spawn(
      REDIS_SERVER,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = process;
    let output = '';
    process.stdout?.on('data', (chunk) => (output += chunk));
    process.stderr?.on('data', (chunk) => (output += chunk));
    try {
      await waitUntilUp(port, process, () => output);
    } catch (error) {
      process.kill('SIGKILL');
      throw error;
    }
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  const signal = (name: NodeJS.Signals) => {
    if (child === undefined) throw new Error('redis-server is not running');
    child.kill(name);
  };
  t.after(stop);
  await start();
  return { port, stop, start, pause: () => signal('SIGSTOP'), resume: () => signal('SIGCONT') };
}

/**
 * A node-redis client connected to the redis-server on `port` of 127.0.0.1, destroyed when `t`
 * ends. Its connection errors (a test stopping the server) are ignored: what fanout makes of them
 * is what the tests assert.
 */
export async function connectedClient(t: Pick<TestContext, 'after'>, port: number) {
  const client = createClient({ url: `redis://127.0.0.1:${port}` });
  client.on('error', () => {});
  await client.connect();
  t.after(() => client.destroy());
  return client;
}
