import type { ExpiringStoreName, KeyringDB } from './db';

/** The key/value shape the OAuth client's stores and caches expect. */
export interface SimpleStore<K, V> {
  get(key: K): Promise<V | undefined>;
  set(key: K, value: V): Promise<void>;
  del(key: K): Promise<void>;
  clear?(): Promise<void>;
  /** Reads the live rows into memory now (stores that keep values in memory; others do nothing). */
  warm?(): Promise<void>;
}

export interface ExpiringStoreOptions<V, E> {
  /** Epoch ms after which the row is dead, or null to keep it until deleted. */
  expiresAt: (value: V, now: number) => number | null;
  encode: (value: V) => E | Promise<E>;
  decode: (encoded: E) => V | Promise<V>;
  now?: () => number;
  /**
   * Keep decoded values in memory too (write-through), so hot reads skip
   * IndexedDB and decoding. Only for stores this context alone writes.
   */
  memory?: { maxEntries: number };
}

/**
 * A `SimpleStore` (the storage interface the OAuth client expects) over one
 * IndexedDB object store. Expired rows read as absent and are deleted lazily;
 * `sweepExpired` removes the rest in bulk.
 */
export function createExpiringStore<V extends NonNullable<unknown> | null, E = V>(
  db: KeyringDB,
  name: ExpiringStoreName,
  options: ExpiringStoreOptions<V, E>,
): SimpleStore<string, V> {
  const now = options.now ?? Date.now;
  const memory = options.memory ? new Map<string, { value: V; expiresAt: number | null }>() : null;
  // Moves on at every write: a warm-up read begun before one is not kept.
  let writes = 0;
  const remember = (key: string, value: V, expiresAt: number | null) => {
    if (!memory) return;
    memory.delete(key); // re-insert: Map order is our eviction order
    memory.set(key, { value, expiresAt });
    if (memory.size > options.memory!.maxEntries) memory.delete(memory.keys().next().value!);
  };
  return {
    async get(key) {
      const cached = memory?.get(key);
      if (cached && (cached.expiresAt == null || cached.expiresAt > now())) return cached.value;
      memory?.delete(key);
      const row = await db.get(name, key);
      if (!row) return undefined;
      if (row.expiresAt != null && row.expiresAt <= now()) {
        await db.delete(name, key);
        return undefined;
      }
      const value = await options.decode(row.value as E);
      remember(key, value, row.expiresAt);
      return value;
    },
    async set(key, value) {
      writes++;
      const encoded = await options.encode(value);
      const expiresAt = options.expiresAt(value, now());
      await db.put(name, { value: encoded, expiresAt }, key);
      remember(key, value, expiresAt);
    },
    async del(key) {
      writes++;
      memory?.delete(key);
      await db.delete(name, key);
    },
    async clear() {
      writes++;
      memory?.clear();
      await db.clear(name);
    },
    async warm() {
      if (!memory) return;
      const before = writes;
      const tx = db.transaction(name);
      const [keys, rows] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()]);
      for (let i = 0; i < keys.length; i++) {
        const key = String(keys[i]);
        const row = rows[i]!;
        if (writes !== before) return;
        if (memory.has(key) || (row.expiresAt != null && row.expiresAt <= now())) continue;
        const value = await options.decode(row.value as E);
        if (writes === before && !memory.has(key)) remember(key, value, row.expiresAt);
      }
    },
  };
}

/** Identity encoding for plain JSON-like values. */
export function plainStore<V extends NonNullable<unknown> | null>(
  db: KeyringDB,
  name: ExpiringStoreName,
  ttlMs: number,
  now?: () => number,
  memory?: { maxEntries: number },
): SimpleStore<string, V> {
  return createExpiringStore<V, V>(db, name, {
    expiresAt: (_value, t) => t + ttlMs,
    encode: (v) => v,
    decode: (v) => v,
    now,
    memory,
  });
}
