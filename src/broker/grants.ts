import type { IDBPObjectStore } from 'idb';
import type { GrantRecord, KeyringDB, KeyringSchema } from '../storage/db';

type GrantObjectStore = IDBPObjectStore<KeyringSchema, ['grants'], 'grants', 'readwrite'>;

import { joinScope } from '../permissions/scopes';

/**
 * Per-origin, per-account grants, persisted in IndexedDB. Every write goes
 * through this class, so it also keeps each origin's grants in memory: the
 * check before a brokered call reads no storage.
 */
export class GrantStore {
  #byOrigin = new Map<string, GrantRecord[]>();

  constructor(
    private readonly db: KeyringDB,
    private readonly now: () => number = Date.now,
  ) {}

  /** This origin's grants, its current account first. */
  async forOrigin(origin: string): Promise<GrantRecord[]> {
    let grants = this.#byOrigin.get(origin);
    if (!grants) {
      grants = (await this.db.getAllFromIndex('grants', 'origin', origin)).sort((a, b) => b.selectedAt - a.selectedAt);
      if (this.#byOrigin.size >= 1000) this.#byOrigin.clear();
      this.#byOrigin.set(origin, grants);
    }
    return [...grants];
  }

  async get(origin: string, did: string): Promise<GrantRecord | undefined> {
    return this.db.get('grants', [origin, did]);
  }

  async all(): Promise<GrantRecord[]> {
    return this.db.getAll('grants');
  }

  /** Adds scope tokens to a grant (creating it) and makes it the origin's current account. */
  async extend(origin: string, did: string, tokens: string[]): Promise<GrantRecord> {
    const tx = this.db.transaction('grants', 'readwrite');
    const existing = await tx.store.get([origin, did]);
    const now = await this.#nextStamp(tx.store, origin);
    const grant: GrantRecord = existing
      ? { ...existing, scope: joinScope([...existing.scope.split(' '), ...tokens]), selectedAt: now }
      : { origin, did, scope: joinScope(tokens), createdAt: now, selectedAt: now };
    await tx.store.put(grant);
    await tx.done;
    this.#byOrigin.delete(origin);
    return grant;
  }

  async select(origin: string, did: string): Promise<void> {
    const tx = this.db.transaction('grants', 'readwrite');
    const grant = await tx.store.get([origin, did]);
    if (grant) await tx.store.put({ ...grant, selectedAt: await this.#nextStamp(tx.store, origin) });
    await tx.done;
    this.#byOrigin.delete(origin);
  }

  /** A selection time later than any of the origin's, so "most recent" is never a tie. */
  async #nextStamp(store: GrantObjectStore, origin: string): Promise<number> {
    const grants = await store.index('origin').getAll(origin);
    return Math.max(this.now(), ...grants.map((g) => g.selectedAt + 1));
  }

  /** Removes every grant of an origin; returns how many there were. */
  async revokeOrigin(origin: string): Promise<number> {
    const tx = this.db.transaction('grants', 'readwrite');
    const keys = await tx.store.index('origin').getAllKeys(origin);
    for (const key of keys) await tx.store.delete(key);
    await tx.done;
    this.#byOrigin.delete(origin);
    return keys.length;
  }

  /** Removes an account's grants everywhere; returns the origins affected. */
  async removeAccount(did: string): Promise<string[]> {
    const tx = this.db.transaction('grants', 'readwrite');
    const grants = await tx.store.index('did').getAll(did);
    for (const g of grants) await tx.store.delete([g.origin, g.did]);
    await tx.done;
    for (const g of grants) this.#byOrigin.delete(g.origin);
    return grants.map((g) => g.origin);
  }

  async originsOf(did: string): Promise<string[]> {
    return (await this.db.getAllFromIndex('grants', 'did', did)).map((g) => g.origin);
  }
}
