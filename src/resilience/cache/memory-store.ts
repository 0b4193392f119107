import { checkFunction, checkInteger } from '../../core/checks.ts';
import { checkKnownOptions, fail, ownOptions } from '../../core/validate.ts';
import { MEMORY_STORE_OPTIONS } from '../known-options.ts';
import type { CacheStore } from './cache-store.ts';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** The most entries kept; the least recently used goes first. @default 1_000 */
  maxEntries?: number;
  /** The most bytes kept (values and keys); the least recently used goes first. @default 33_554_432 (32 MiB) */
  maxBytes?: number;
  /** The clock, in epoch ms (inject one in tests). @default Date.now */
  now?: () => number;
}

interface Slot {
  readonly value: Uint8Array;
  readonly expiresAt: number;
  /** Bytes of the key, the value and the tags. */
  size: number;
  /** The tags `tag` gave the key since it was set. */
  tags: readonly string[];
}

/**
 * The default {@link CacheStore}: entries in this process's memory, bounded by count and bytes,
 * least recently used evicted first, each dropped when its time to live passes. It is private to
 * the process (`isShared: false`); use {@link RedisStore} to share a cache between instances.
 *
 * @example
 * ```ts
 * import { HttpCache, MemoryStore, Session } from 'fanout';
 * const cache = new HttpCache({ store: new MemoryStore({ maxBytes: 8 << 20 }) });
 * const session = new Session({ policies: [cache] });
 * ```
 */
export class MemoryStore implements CacheStore {
  readonly isShared = false;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  // Entries in least- to most-recently-used order (a Map iterates in insertion order; a get
  // re-inserts). Every slot counts its key and value in #bytes, which never exceeds #maxBytes.
  readonly #slots = new Map<string, Slot>();
  #bytes = 0;
  // The keys of #slots that carry each tag: a key is in the set of exactly the tags of its slot.
  readonly #tagged = new Map<string, Set<string>>();

  constructor(given: MemoryStoreOptions = {}) {
    if (typeof given !== 'object' || given === null) fail('options', 'an object', given);
    const options = ownOptions(given);
    checkKnownOptions(options, MEMORY_STORE_OPTIONS);
    this.#maxEntries = checkInteger('maxEntries', options.maxEntries ?? 1_000, 1);
    this.#maxBytes = checkInteger('maxBytes', options.maxBytes ?? 32 * 1024 * 1024, 1);
    this.#now = checkFunction('now', options.now ?? Date.now);
  }

  /** Entries held now (expired ones included until they are touched or evicted). */
  get size(): number {
    return this.#slots.size;
  }

  /** Bytes held now, keys and values. */
  get bytes(): number {
    return this.#bytes;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const slot = this.#slots.get(key);
    if (slot === undefined) return undefined;
    if (slot.expiresAt <= this.#now()) {
      this.#remove(key, slot);
      return undefined;
    }
    // Re-inserted: now the most recently used.
    this.#slots.delete(key);
    this.#slots.set(key, slot);
    return slot.value;
  }

  async set(key: string, value: Uint8Array, ttl: number): Promise<void> {
    const old = this.#slots.get(key);
    if (old !== undefined) this.#remove(key, old);
    const size = value.byteLength + key.length;
    if (!(ttl > 0) || size > this.#maxBytes) return;
    this.#slots.set(key, { value, expiresAt: this.#now() + ttl, size, tags: [] });
    this.#bytes += size;
    this.#evict();
  }

  async delete(key: string): Promise<void> {
    const slot = this.#slots.get(key);
    if (slot !== undefined) this.#remove(key, slot);
  }

  /** Gives the entry under `key` (if it is held) `tags`, besides those it has. */
  async tag(key: string, tags: readonly string[]): Promise<void> {
    const slot = this.#slots.get(key);
    if (slot === undefined) return;
    const added = tags.filter((tag) => !slot.tags.includes(tag));
    for (const tag of added) {
      const keys = this.#tagged.get(tag) ?? new Set();
      this.#tagged.set(tag, keys.add(key));
      slot.size += tag.length;
      this.#bytes += tag.length;
    }
    slot.tags = [...slot.tags, ...added];
    this.#evict();
  }

  /** Forgets every entry that carries any of `tags`. */
  async deleteTagged(tags: readonly string[]): Promise<void> {
    for (const tag of tags) {
      for (const key of [...(this.#tagged.get(tag) ?? [])]) {
        const slot = this.#slots.get(key);
        if (slot !== undefined) this.#remove(key, slot);
      }
    }
  }

  /** Forgets every entry. */
  clear(): void {
    this.#slots.clear();
    this.#tagged.clear();
    this.#bytes = 0;
  }

  #remove(key: string, slot: Slot): void {
    this.#slots.delete(key);
    this.#bytes -= slot.size;
    for (const tag of slot.tags) {
      const keys = this.#tagged.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.#tagged.delete(tag);
    }
  }

  // Drops least recently used entries until both bounds hold.
  #evict(): void {
    for (const [key, slot] of this.#slots) {
      if (this.#slots.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) return;
      this.#remove(key, slot);
    }
  }
}
