import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TestContext } from 'node:test';
import { Session, type SessionOptions } from '../../src/index.ts';

/** A session whose close() is registered on `t` (a test or a suite context) at creation. */
export function openSession(t: Pick<TestContext, 'after'>, options: SessionOptions = {}): Session {
  const session = new Session(options);
  t.after(() => session.close());
  return session;
}

/** What a test server saw of a request, sent back as JSON by {@link echo}. */
export interface Echo {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A handler that answers every request with a JSON {@link Echo} of it. */
export async function echo(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const seen: Echo = {
    method: request.method ?? '',
    url: request.url ?? '',
    headers: request.headers,
    body: Buffer.concat(chunks).toString('utf8'),
  };
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify(seen));
}

/** Deep-freezes `value` (objects and arrays) and returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value))
      deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  }
  return value;
}
