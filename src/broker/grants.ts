import type { IDBPObjectStore } from 'idb';
import { joinScope } from '../permissions/scopes';
import type { GrantRecord, KeyringDB, KeyringSchema } from '../storage/db';
import { hasEnded } from './grant-expiry';

type GrantObjectStore = IDBPObjectStore<KeyringSchema, ['grants'], 'grants', 'readwrite'>;

/** How long a revoke can be undone (the popup's toast shows for less). */
export const UNDO_WINDOW_MS = 15_000;
/** "Last used" is written to storage at most this often per grant; between writes it lives in memory. */
export const LAST_USED_PERSIST_MS = 60_000;
/** The scope every grant has: it is the connection itself, taken away by revoking, not by removing a scope. */
export const BASE_SCOPE = 'atproto';

export type GrantErrorCode = 'no-such-grant' | 'no-such-scope' | 'not-removable' | 'undo-unavailable';

/** A grant edit the popup asked for that does not match what is stored; told to the popup with its code. */
export class GrantError extends Error {
  name = 'GrantError';
  constructor(
    readonly code: GrantErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** How long what a call to `extend` adds lasts (absent: as long as the grant). */
export interface ExtendOptions {
  /** A connect: the grant as a whole ends then (undefined: until revoked), replacing its previous end. */
  grant?: { expiresAt: number | undefined };
  /** "Always allow" for a while: the added tokens end then. */
  scopesExpireAt?: number;
}

/** An origin's grants in the order forOrigin gives them: the most recently selected (its current account) first. */
const currentFirst = (a: GrantRecord, b: GrantRecord) => b.selectedAt - a.selectedAt;

/** A revoke's rows, kept for its undo until `until`. */
interface Revoked {
  rows: GrantRecord[];
  until: number;
}

/**
 * Per-origin, per-account grants, persisted in IndexedDB. Every write goes
 * through this class, so it also keeps each origin's grants in memory: the
 * check before a brokered call reads no storage.
 *
 * Grants and scope tokens may end (GrantRecord.expiresAt, scopeExpiresAt): every read here answers with
 * the live part only, so an ended grant is no grant and an ended token is not in the scope.
 */
export class GrantStore {
  #byOrigin = new Map<string, GrantRecord[]>();
  /** Moves on at every change: a read begun before one is not kept (it may predate the change). */
  #generation = 0;
  #lastUsed = new Map<string, { at: number; persistedAt: number }>();
  #revoked = new Map<string, Revoked>();

  constructor(
    private readonly db: KeyringDB,
    private readonly now: () => number = Date.now,
  ) {}

  /** This origin's live grants, its current account first. */
  async forOrigin(origin: string): Promise<GrantRecord[]> {
    let grants = this.#byOrigin.get(origin);
    if (!grants) {
      const generation = this.#generation;
      grants = (await this.db.getAllFromIndex('grants', 'origin', origin)).sort(currentFirst);
      if (generation === this.#generation) this.#keep(origin, grants);
    }
    return this.#live(grants);
  }

  /**
   * Reads every grant into memory now, in one read, so that a woken worker's first call finds its site's there
   * instead of reading them after the rest of its start.
   */
  async warm(): Promise<void> {
    const generation = this.#generation;
    const all = await this.db.getAll('grants');
    if (generation !== this.#generation) return;
    const byOrigin = new Map<string, GrantRecord[]>();
    for (const grant of all) {
      const grants = byOrigin.get(grant.origin);
      if (grants) grants.push(grant);
      else byOrigin.set(grant.origin, [grant]);
    }
    for (const [origin, grants] of byOrigin)
      if (!this.#byOrigin.has(origin)) this.#keep(origin, grants.sort(currentFirst));
  }

  #keep(origin: string, grants: GrantRecord[]): void {
    if (this.#byOrigin.size >= 1000) this.#byOrigin.clear();
    this.#byOrigin.set(origin, grants);
  }

  #forget(origin: string): void {
    this.#generation++;
    this.#byOrigin.delete(origin);
  }

  async get(origin: string, did: string): Promise<GrantRecord | undefined> {
    return this.#live([await this.db.get('grants', [origin, did])])[0];
  }

  /** Every live grant, with when each was last used. */
  async all(): Promise<GrantRecord[]> {
    return this.#live(await this.db.getAll('grants')).map((g) => {
      const lastUsedAt = Math.max(g.lastUsedAt ?? 0, this.#lastUsed.get(keyOf(g.origin, g.did))?.at ?? 0);
      return lastUsedAt ? { ...g, lastUsedAt } : g;
    });
  }

  /**
   * Adds scope tokens to a grant (creating it) and makes it the origin's current account. An ended grant is
   * started afresh, and ended tokens are dropped, so nothing that ended comes back with the new ones.
   */
  async extend(origin: string, did: string, tokens: string[], options: ExtendOptions = {}): Promise<GrantRecord> {
    const tx = this.db.transaction('grants', 'readwrite');
    const now = await this.#nextStamp(tx.store, origin);
    const stored = this.#live([await tx.store.get([origin, did])])[0];
    const grant: GrantRecord = stored
      ? { ...stored, scope: joinScope([...stored.scope.split(' '), ...tokens]), selectedAt: now }
      : { origin, did, scope: joinScope(tokens), createdAt: now, selectedAt: now };
    const scopeEnds = { ...grant.scopeExpiresAt };
    const hadForGood = new Set(stored?.scope.split(' ').filter((t) => !(t in scopeEnds)));
    for (const token of tokens) {
      // A connect's tokens last as the grant does; "for a while" never shortens what was already for good.
      if (options.grant || options.scopesExpireAt === undefined) delete scopeEnds[token];
      else if (!hadForGood.has(token)) scopeEnds[token] = Math.max(scopeEnds[token] ?? 0, options.scopesExpireAt);
    }
    if (Object.keys(scopeEnds).length > 0) grant.scopeExpiresAt = scopeEnds;
    else delete grant.scopeExpiresAt;
    if (options.grant) {
      if (options.grant.expiresAt === undefined) delete grant.expiresAt;
      else grant.expiresAt = options.grant.expiresAt;
    }
    await tx.store.put(grant);
    await tx.done;
    this.#forget(origin);
    return grant;
  }

  async select(origin: string, did: string): Promise<void> {
    const tx = this.db.transaction('grants', 'readwrite');
    const grant = await tx.store.get([origin, did]);
    if (grant) await tx.store.put({ ...grant, selectedAt: await this.#nextStamp(tx.store, origin) });
    await tx.done;
    this.#forget(origin);
  }

  /** A selection time later than any of the origin's, so "most recent" is never a tie. */
  async #nextStamp(store: GrantObjectStore, origin: string): Promise<number> {
    const grants = await store.index('origin').getAll(origin);
    return Math.max(this.now(), ...grants.map((g) => g.selectedAt + 1));
  }

  /**
   * Takes one scope token out of a live grant; returns the grant as it is now. Refuses a grant that does not
   * exist (for this origin and account), a token it does not hold, and the base scope (that is a revoke).
   */
  async removeScope(origin: string, did: string, token: string): Promise<GrantRecord> {
    const tx = this.db.transaction('grants', 'readwrite');
    const grant = this.#live([await tx.store.get([origin, did])])[0];
    const tokens = grant?.scope.split(' ') ?? [];
    const refusal = !grant
      ? new GrantError('no-such-grant', 'This site has no access as this account.')
      : !tokens.includes(token)
        ? new GrantError('no-such-scope', 'This permission is not part of the grant.')
        : token === BASE_SCOPE
          ? new GrantError('not-removable', 'The connection itself is removed with Revoke.')
          : undefined;
    if (refusal || !grant) {
      await tx.done;
      throw refusal;
    }
    const { [token]: _removed, ...scopeEnds } = grant.scopeExpiresAt ?? {};
    const edited: GrantRecord = { ...grant, scope: joinScope(tokens.filter((t) => t !== token)) };
    if (Object.keys(scopeEnds).length > 0) edited.scopeExpiresAt = scopeEnds;
    else delete edited.scopeExpiresAt;
    await tx.store.put(edited);
    await tx.done;
    this.#forget(origin);
    return edited;
  }

  /**
   * Removes an origin's grants (one account's, or all): returns the live rows removed and a one-time token
   * that puts exactly those rows back within UNDO_WINDOW_MS (see restore).
   */
  async revoke(origin: string, did?: string): Promise<{ rows: GrantRecord[]; undoToken: string }> {
    const tx = this.db.transaction('grants', 'readwrite');
    const stored = did
      ? [await tx.store.get([origin, did])].filter((g) => g !== undefined)
      : await tx.store.index('origin').getAll(origin);
    for (const g of stored) await tx.store.delete([g.origin, g.did]);
    await tx.done;
    this.#forget(origin);
    const rows = this.#live(stored);
    const undoToken = crypto.randomUUID();
    this.#pruneRevoked();
    this.#revoked.set(undoToken, { rows, until: this.now() + UNDO_WINDOW_MS });
    return { rows, undoToken };
  }

  /**
   * Puts back the rows a revoke removed, once, within UNDO_WINDOW_MS of it: only rows of accounts `keep`
   * accepts (still signed in), and never over a grant made since (the user approved that one later).
   * A token the store did not hand out, or one used or too old, is refused.
   */
  async restore(undoToken: string, keep: (row: GrantRecord) => boolean): Promise<GrantRecord[]> {
    const revoked = this.#revoked.get(undoToken);
    this.#revoked.delete(undoToken);
    if (!revoked || revoked.until <= this.now()) {
      throw new GrantError('undo-unavailable', 'This revoke can no longer be undone.');
    }
    const tx = this.db.transaction('grants', 'readwrite');
    const restored: GrantRecord[] = [];
    for (const row of revoked.rows.filter(keep)) {
      if (this.#live([await tx.store.get([row.origin, row.did])]).length > 0) continue;
      await tx.store.put(row);
      restored.push(row);
    }
    await tx.done;
    for (const row of revoked.rows) this.#forget(row.origin);
    return restored;
  }

  #pruneRevoked() {
    const now = this.now();
    for (const [token, { until }] of this.#revoked) if (until <= now) this.#revoked.delete(token);
  }

  /** Removes every grant of an origin (a site's own disconnect); returns how many live ones there were. */
  async revokeOrigin(origin: string): Promise<number> {
    const { rows, undoToken } = await this.revoke(origin);
    this.#revoked.delete(undoToken);
    return rows.length;
  }

  /**
   * Notes that the site made a call as this account. Kept in memory; written to storage at most once a
   * minute per grant and never awaited, so a call inside the grant waits for no storage write.
   */
  touch(origin: string, did: string): void {
    const key = keyOf(origin, did);
    const now = this.now();
    const seen = this.#lastUsed.get(key);
    const due = !seen || now - seen.persistedAt >= LAST_USED_PERSIST_MS;
    if (!seen && this.#lastUsed.size >= 1000) this.#lastUsed.clear();
    this.#lastUsed.set(key, { at: now, persistedAt: due ? now : seen.persistedAt });
    if (due) void this.#persistLastUsed(origin, did, now).catch(() => {});
  }

  async #persistLastUsed(origin: string, did: string, at: number): Promise<void> {
    const tx = this.db.transaction('grants', 'readwrite');
    const grant = await tx.store.get([origin, did]);
    if (grant && (grant.lastUsedAt ?? 0) < at) await tx.store.put({ ...grant, lastUsedAt: at });
    await tx.done;
    // The cached rows stay as they are: "last used" is read from memory, and the broker needs no other field.
  }

  /** Removes an account's grants everywhere; returns the origins affected. */
  async removeAccount(did: string): Promise<string[]> {
    const tx = this.db.transaction('grants', 'readwrite');
    const grants = await tx.store.index('did').getAll(did);
    for (const g of grants) await tx.store.delete([g.origin, g.did]);
    await tx.done;
    for (const g of grants) this.#forget(g.origin);
    return grants.map((g) => g.origin);
  }

  async originsOf(did: string): Promise<string[]> {
    return (await this.db.getAllFromIndex('grants', 'did', did)).map((g) => g.origin);
  }

  /** Deletes grants that have ended (reads already ignore them); returns how many. */
  async sweep(): Promise<number> {
    const now = this.now();
    const tx = this.db.transaction('grants', 'readwrite');
    const ended = (await tx.store.getAll()).filter((g) => hasEnded(g.expiresAt, now));
    for (const g of ended) await tx.store.delete([g.origin, g.did]);
    await tx.done;
    for (const g of ended) this.#forget(g.origin);
    return ended.length;
  }

  /** The live part of some rows: ended grants left out, ended tokens taken out of the scope. */
  #live(rows: ReadonlyArray<GrantRecord | undefined>): GrantRecord[] {
    const now = this.now();
    const live: GrantRecord[] = [];
    for (const row of rows) {
      if (!row || hasEnded(row.expiresAt, now)) continue;
      const ends = row.scopeExpiresAt;
      if (!ends || !Object.values(ends).some((at) => at <= now)) {
        live.push(row);
        continue;
      }
      const kept = Object.fromEntries(Object.entries(ends).filter(([, at]) => at > now));
      const scope = joinScope(row.scope.split(' ').filter((t) => !(t in ends) || t in kept));
      const { scopeExpiresAt: _ended, ...rest } = row;
      live.push(Object.keys(kept).length > 0 ? { ...rest, scope, scopeExpiresAt: kept } : { ...rest, scope });
    }
    return live;
  }
}

const keyOf = (origin: string, did: string) => `${origin} ${did}`;
