import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { DisplayedIntent } from '../broker/intent';

/**
 * One IndexedDB database holds everything the background owns. Values are
 * stored as structured clones, so WebCrypto `CryptoKey`s (non-extractable DPoP
 * private keys) are persisted without ever being exported.
 */
export const DB_NAME = 'at-keyring';
export const DB_VERSION = 2;

/** A stored value with an optional expiry (epoch ms); expired rows are swept. */
export interface Expiring<V> {
  value: V;
  expiresAt: number | null;
}

/** Names of the key/value stores whose rows carry an expiry. */
export const EXPIRING_STORES = [
  'oauthState',
  'oauthSession',
  'dpopNonce',
  'didCache',
  'handleCache',
  'authServerMetadata',
  'resourceMetadata',
] as const;
export type ExpiringStoreName = (typeof EXPIRING_STORES)[number];

export interface AccountRecord {
  did: string;
  handle: string;
  pds: string;
  /** The authorization server (issuer) that issued this session. */
  issuer: string;
  scope: string;
  signedInAt: number;
  /** Last time tokens were refreshed or (re)issued. */
  tokensUpdatedAt: number;
  /** Access token expiry, when the server gave one. */
  accessExpiresAt: number | null;
  /**
   * When the session itself ends at the latest. Public clients (which this
   * extension is) get sessions capped at two weeks from sign-in by the
   * reference authorization server, however often they refresh.
   */
  sessionExpiresAt: number;
  health: AccountHealth;
}

export type AccountHealth = { state: 'ok' } | { state: 'reauth-required'; reason: string; at: number };

/** What one site (origin) may do as one account. Scope uses ATProto scope syntax. */
export interface GrantRecord {
  origin: string;
  did: string;
  scope: string;
  createdAt: number;
  /** Last connect or selection; the site's current account is its most recent grant. */
  selectedAt: number;
}

/** A question waiting for the user in a consent window; survives worker restarts. */
export interface PromptRecord {
  id: string;
  origin: string;
  /** The page's request id, so a re-sent request finds its prompt again. */
  requestId: string;
  kind: 'connect' | 'call';
  createdAt: number;
  expiresAt: number;
  windowId?: number;
  /** The tab the request came from: one consent window per tab at a time. */
  tabId?: number;
  /** The tab's top-level origin, when the request came from a frame of another origin (shown in the window). */
  topOrigin?: string;
  /** Digest of the canonical intent this prompt was opened for; a re-sent request must match it. */
  digest: string;
  details: PromptDetails;
  decision?: PromptDecision;
}

export type PromptDetails =
  | { kind: 'connect'; scope: string[]; account?: string }
  | { kind: 'call'; did: string; method: string; summary: string[]; scopes: string[]; intent: DisplayedIntent };

export type PromptDecision =
  | { outcome: 'approve'; did?: string; remember?: boolean }
  | { outcome: 'reject'; reason: 'denied' | 'closed' | 'expired' };

/** Outcome of a page request that changes data, kept briefly to answer a re-sent request. */
export interface RequestLedgerRecord {
  key: string;
  /** Digest of the request's canonical intent: a re-sent request must match it. */
  digest: string;
  state: 'started' | 'done';
  /** The answer to replay; absent when it was larger than the ledger keeps. */
  response?: unknown;
  expiresAt: number;
}

export interface KeyringSchema extends DBSchema {
  oauthState: { key: string; value: Expiring<unknown>; indexes: { expiresAt: number } };
  oauthSession: { key: string; value: Expiring<unknown>; indexes: { expiresAt: number } };
  dpopNonce: { key: string; value: Expiring<unknown>; indexes: { expiresAt: number } };
  didCache: { key: string; value: Expiring<unknown>; indexes: { expiresAt: number } };
  handleCache: { key: string; value: Expiring<unknown>; indexes: { expiresAt: number } };
  authServerMetadata: { key: string; value: Expiring<unknown>; indexes: { expiresAt: number } };
  resourceMetadata: { key: string; value: Expiring<unknown>; indexes: { expiresAt: number } };
  accounts: { key: string; value: AccountRecord };
  /** Small singletons: active account, pending login bookkeeping, settings; per-origin prompt cooldowns (`promptCooldown:<origin>`). */
  meta: { key: string; value: unknown };
  grants: { key: [string, string]; value: GrantRecord; indexes: { did: string; origin: string } };
  prompts: { key: string; value: PromptRecord; indexes: { origin: string; expiresAt: number } };
  requests: { key: string; value: RequestLedgerRecord; indexes: { expiresAt: number } };
}

export type KeyringDB = IDBPDatabase<KeyringSchema>;

export function openKeyringDB(name = DB_NAME): Promise<KeyringDB> {
  return openDB<KeyringSchema>(name, DB_VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        for (const store of EXPIRING_STORES) {
          db.createObjectStore(store).createIndex('expiresAt', 'expiresAt');
        }
        db.createObjectStore('accounts', { keyPath: 'did' });
        db.createObjectStore('meta');
      }
      if (oldVersion < 2) {
        const grants = db.createObjectStore('grants', { keyPath: ['origin', 'did'] });
        grants.createIndex('did', 'did');
        grants.createIndex('origin', 'origin');
        const prompts = db.createObjectStore('prompts', { keyPath: 'id' });
        prompts.createIndex('origin', 'origin');
        prompts.createIndex('expiresAt', 'expiresAt');
        db.createObjectStore('requests', { keyPath: 'key' }).createIndex('expiresAt', 'expiresAt');
      }
    },
  });
}

/**
 * Deletes every expired row of every expiring store. Rows without an expiry
 * (null) are not in the index range and are kept.
 */
export async function sweepExpired(db: KeyringDB, now = Date.now()): Promise<number> {
  const tx = db.transaction(EXPIRING_STORES, 'readwrite');
  let removed = 0;
  for (const name of EXPIRING_STORES) {
    let cursor = await tx.objectStore(name).index('expiresAt').openCursor(IDBKeyRange.upperBound(now));
    while (cursor) {
      await cursor.delete();
      removed++;
      cursor = await cursor.continue();
    }
  }
  await tx.done;
  // The request ledger only answers re-sent requests for a few minutes.
  const ledger = db.transaction('requests', 'readwrite');
  let cursor = await ledger.store.index('expiresAt').openCursor(IDBKeyRange.upperBound(now));
  while (cursor) {
    await cursor.delete();
    removed++;
    cursor = await cursor.continue();
  }
  await ledger.done;
  return removed;
}
