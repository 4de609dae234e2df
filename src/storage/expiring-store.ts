import type { ExpiringStoreName, KeyringDB } from './db';

/** The key/value shape the OAuth client's stores and caches expect. */
export interface SimpleStore<K, V> {
  get(key: K): Promise<V | undefined>;
  set(key: K, value: V): Promise<void>;
  del(key: K): Promise<void>;
  clear?(): Promise<void>;
}

export interface ExpiringStoreOptions<V, E> {
  /** Epoch ms after which the row is dead, or null to keep it until deleted. */
  expiresAt: (value: V, now: number) => number | null;
  encode: (value: V) => E | Promise<E>;
  decode: (encoded: E) => V | Promise<V>;
  now?: () => number;
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
  return {
    async get(key) {
      const row = await db.get(name, key);
      if (!row) return undefined;
      if (row.expiresAt != null && row.expiresAt <= now()) {
        await db.delete(name, key);
        return undefined;
      }
      return options.decode(row.value as E);
    },
    async set(key, value) {
      const encoded = await options.encode(value);
      await db.put(name, { value: encoded, expiresAt: options.expiresAt(value, now()) }, key);
    },
    async del(key) {
      await db.delete(name, key);
    },
    async clear() {
      await db.clear(name);
    },
  };
}

/** Identity encoding for plain JSON-like values. */
export function plainStore<V extends NonNullable<unknown> | null>(
  db: KeyringDB,
  name: ExpiringStoreName,
  ttlMs: number,
  now?: () => number,
): SimpleStore<string, V> {
  return createExpiringStore<V, V>(db, name, {
    expiresAt: (_value, t) => t + ttlMs,
    encode: (v) => v,
    decode: (v) => v,
    now,
  });
}
