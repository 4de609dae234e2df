import type { IDBPObjectStore } from 'idb';
import type { GrantRecord, KeyringDB, KeyringSchema } from '../storage/db';

type GrantObjectStore = IDBPObjectStore<KeyringSchema, ['grants'], 'grants', 'readwrite'>;
import { joinScope } from '../permissions/scopes';

/** Per-origin, per-account grants, persisted in IndexedDB. */
export class GrantStore {
  constructor(
    private readonly db: KeyringDB,
    private readonly now: () => number = Date.now,
  ) {}

  /** This origin's grants, its current account first. */
  async forOrigin(origin: string): Promise<GrantRecord[]> {
    const grants = await this.db.getAllFromIndex('grants', 'origin', origin);
    return grants.sort((a, b) => b.selectedAt - a.selectedAt);
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
    return grant;
  }

  async select(origin: string, did: string): Promise<void> {
    const tx = this.db.transaction('grants', 'readwrite');
    const grant = await tx.store.get([origin, did]);
    if (grant) await tx.store.put({ ...grant, selectedAt: await this.#nextStamp(tx.store, origin) });
    await tx.done;
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
    return keys.length;
  }

  /** Removes an account's grants everywhere; returns the origins affected. */
  async removeAccount(did: string): Promise<string[]> {
    const tx = this.db.transaction('grants', 'readwrite');
    const grants = await tx.store.index('did').getAll(did);
    for (const g of grants) await tx.store.delete([g.origin, g.did]);
    await tx.done;
    return grants.map((g) => g.origin);
  }

  async originsOf(did: string): Promise<string[]> {
    return (await this.db.getAllFromIndex('grants', 'did', did)).map((g) => g.origin);
  }
}
