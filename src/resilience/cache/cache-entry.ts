/**
 * A response as the cache keeps it: status, headers (without `set-cookie` and hop-by-hop
 * fields), the decoded body, and when the exchange that produced it was made. Times are epoch
 * milliseconds of the cache's clock.
 */
export interface StoredResponse {
  readonly kind: 'response';
  readonly status: number;
  readonly reason: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  /** When the request that produced (or last revalidated) it was sent. */
  readonly requestTime: number;
  /** When its headers arrived. */
  readonly responseTime: number;
}

/**
 * Kept under a URL's primary key when its response carries `Vary`: the request headers that
 * select a variant. Each variant is stored under a key that adds those headers' values.
 */
export interface VaryMarker {
  readonly kind: 'vary';
  /** Lower-case header names, sorted. */
  readonly names: readonly string[];
}

/** What a {@link CacheStore} holds for the HTTP cache. */
export type CacheEntry = StoredResponse | VaryMarker;

// Layout: 4-byte big-endian length of a JSON head, the head, then the raw body bytes.
const HEAD_LENGTH = 4;

/** Serialises an entry for a store: a JSON head and the body bytes, binary-safe. */
export function encodeEntry(entry: CacheEntry): Uint8Array {
  if (entry.kind === 'vary') return frame(Buffer.from(JSON.stringify(entry)), undefined);
  const { body, ...head } = entry;
  return frame(Buffer.from(JSON.stringify(head)), body);
}

/** Reads an entry written by {@link encodeEntry} (its body copied); `undefined` for anything else. */
export function decodeEntry(bytes: Uint8Array): CacheEntry | undefined {
  if (bytes.byteLength < HEAD_LENGTH) return undefined;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = buffer.readUInt32BE(0);
  if (length > buffer.byteLength - HEAD_LENGTH) return undefined;
  let head: unknown;
  try {
    head = JSON.parse(buffer.toString('utf8', HEAD_LENGTH, HEAD_LENGTH + length));
  } catch {
    return undefined;
  }
  if (isVaryMarker(head)) return { kind: 'vary', names: head.names };
  if (!isResponseHead(head)) return undefined;
  // A copy: a caller may write into the body it is served, never into the stored bytes.
  return { ...head, body: Buffer.from(buffer.subarray(HEAD_LENGTH + length)) };
}

function frame(head: Buffer, body: Uint8Array | undefined): Uint8Array {
  const out = Buffer.allocUnsafe(HEAD_LENGTH + head.byteLength + (body?.byteLength ?? 0));
  out.writeUInt32BE(head.byteLength, 0);
  head.copy(out, HEAD_LENGTH);
  if (body !== undefined) out.set(body, HEAD_LENGTH + head.byteLength);
  return out;
}

function isVaryMarker(head: unknown): head is VaryMarker {
  const value = head as Partial<VaryMarker> | null;
  return (
    value?.kind === 'vary' &&
    Array.isArray(value.names) &&
    value.names.every((name) => typeof name === 'string')
  );
}

function isResponseHead(head: unknown): head is Omit<StoredResponse, 'body'> {
  const value = head as Partial<StoredResponse> | null;
  return (
    value?.kind === 'response' &&
    typeof value.status === 'number' &&
    typeof value.reason === 'string' &&
    typeof value.requestTime === 'number' &&
    typeof value.responseTime === 'number' &&
    typeof value.headers === 'object' &&
    value.headers !== null &&
    Object.values(value.headers).every((header) => typeof header === 'string')
  );
}
