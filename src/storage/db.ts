import { type DBSchema, type IDBPDatabase, type IDBPTransaction, openDB, type StoreNames } from 'idb';
import type { ActivityEntry, ReadCount } from '../activity/activity-log';
import type { WriteAlertState } from '../activity/write-alerts';
import type { GrantDuration } from '../broker/grant-expiry';
import type { DisplayedIntent } from '../broker/intent';
import type { TabIconRef } from '../consent/site-icon';
import type { NetworkSettings } from '../oauth/settings';
import type { SiteAccess } from '../site-access/site-access';

/**
 * One IndexedDB database holds everything the background owns. Values are
 * stored as structured clones, so WebCrypto `CryptoKey`s (non-extractable DPoP
 * private keys) are persisted without ever being exported.
 */
export const DB_NAME = 'at-keyring';
/**
 * 3 added `loginAttempts` (one row per sign-in, where 2 kept one map of them in `meta`);
 * 4 added the activity log (`activity`, `readCounts`).
 */
export const DB_VERSION = 4;

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

/**
 * Why a session ended, as the popup words it: revoked (signed out elsewhere, or by the server), the server
 * refused to renew it or rejected it, or it reached its end. Rows from before the codes hold an English
 * sentence: read through sessionEndReason (src/accounts/session-standing.ts).
 */
export type SessionEndReason = 'revoked' | 'refresh-refused' | 'rejected' | 'ended';
export type AccountHealth =
  | { state: 'ok' }
  | { state: 'reauth-required'; reason: SessionEndReason | string; at: number };

/** One sign-in, from the popup's request to the PDS's answer; abandoned ones are swept. */
export interface LoginAttempt {
  id: string;
  input: string;
  startedAt: number;
  status: 'pending' | 'done' | 'failed';
  /** The window the sign-in page opened in (loopback client): "Show the window" focuses it, Cancel closes it. */
  windowId?: number;
  did?: string;
  error?: { code: string; message: string };
}

/** What one site (origin) may do as one account. Scope uses ATProto scope syntax. */
export interface GrantRecord {
  origin: string;
  did: string;
  scope: string;
  createdAt: number;
  /** Last connect or selection; the site's current account is its most recent grant. */
  selectedAt: number;
  /**
   * When the whole grant ends (epoch ms), from the connect's "for 1 hour" / "for today"; absent: until the
   * user revokes it. An ended grant answers as no grant (src/broker/grants.ts). Optional: older rows never end.
   */
  expiresAt?: number;
  /**
   * Scope tokens of `scope` that end on their own ("Always allow … for 1 hour"): token → epoch ms. A token
   * absent here lasts as long as the grant; an ended token is left out of the grant's live scope.
   */
  scopeExpiresAt?: Record<string, number>;
  /** When the site last made a call as this account (epoch ms); written at most once a minute. */
  lastUsedAt?: number;
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
  /** The tab's icon as the browser reported it with the request (only for a request from the tab's own site). */
  tabIcon?: TabIconRef;
  /** Digest of the canonical intent this prompt was opened for; a re-sent request must match it. */
  digest: string;
  details: PromptDetails;
  decision?: PromptDecision;
  /**
   * A call's binary body (a file being uploaded), when small enough to preview: only the consent
   * window's preview reads it (privileged op `prompt.blob`); `prompt.get` leaves it out. Deleted with the prompt.
   */
  previewBytes?: Uint8Array;
}

export type PromptDetails =
  | { kind: 'connect'; scope: string[]; account?: string }
  | { kind: 'call'; did: string; method: string; summary: string[]; scopes: string[]; intent: DisplayedIntent };

export type PromptDecision =
  /** `duration`: how long what is approved lasts (a connect's grant, an "Always allow" scope); absent: until revoked. */
  | { outcome: 'approve'; did?: string; remember?: boolean; duration?: GrantDuration }
  | { outcome: 'reject'; reason: 'denied' | 'closed' | 'expired' };

/** Outcome of a page request that changes data, kept briefly to answer a re-sent request. */
export interface RequestLedgerRecord {
  key: string;
  /**
   * Digest of the request's canonical intent: a re-sent request must match it. Absent while the call runs
   * (it is sent while its body is hashed: src/broker/ledger.ts).
   */
  digest?: string;
  state: 'started' | 'done';
  /** The answer to replay; absent when it was larger than the ledger keeps. */
  response?: unknown;
  expiresAt: number;
}

/** After the user turns an origin's prompt down, when that origin may ask again. */
export interface PromptCooldown {
  until: number;
}

/**
 * That the user answered a prompt of an origin (approved, denied or closed it; an expiry is no answer):
 * the consent window then no longer says "first time this site asks". Kept after a revoke.
 */
export interface SiteAnswered {
  /** When the user first answered one of its prompts. */
  firstAt: number;
}

/** What each row of the `meta` store holds, by key. */
export interface MetaValues {
  /** The account sites are offered first and the popup marks. */
  activeDid: string;
  /**
   * Network settings from the popup; absent until first changed (then the build-time defaults apply).
   * Rows saved before allowAlwaysForDeletes existed lack it: parseSettings reads them as off.
   */
  settings: Omit<NetworkSettings, 'allowAlwaysForDeletes'> & Partial<Pick<NetworkSettings, 'allowAlwaysForDeletes'>>;
  /** Which sites the provider is available to (absent: every site); read through parseSiteAccess. */
  siteAccess: SiteAccess;
  [cooldown: `promptCooldown:${string}`]: PromptCooldown;
  [answered: `siteAnswered:${string}`]: SiteAnswered;
  /** The toolbar badge's recent writes and held notifications (src/activity/write-alerts.ts). */
  writeAlerts: WriteAlertState;
  /** The user asked for a notification each time this origin writes; absent: no notifications. */
  [notify: `notifyWrites:${string}`]: true;
  /** The session end (sessionExpiresAt) an account's "sign in again" notification was shown for. */
  [expiry: `expiryNoticeFor:${string}`]: number;
}
export type MetaKey = keyof MetaValues & string;

/** Reads a `meta` row as the type its key holds (from `db.transaction('meta').store` or a wider transaction). */
export async function readMeta<K extends MetaKey>(
  store: { get(key: MetaKey): Promise<MetaValues[MetaKey] | undefined> },
  key: K,
): Promise<MetaValues[K] | undefined> {
  return (await store.get(key)) as MetaValues[K] | undefined;
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
  /** Small singletons: active account, settings; per origin, prompt cooldowns and whether the user answered one. */
  meta: { key: MetaKey; value: MetaValues[MetaKey] };
  loginAttempts: { key: string; value: LoginAttempt; indexes: { startedAt: number } };
  grants: { key: [string, string]; value: GrantRecord; indexes: { did: string; origin: string } };
  prompts: { key: string; value: PromptRecord; indexes: { origin: string; expiresAt: number } };
  requests: { key: string; value: RequestLedgerRecord; indexes: { expiresAt: number } };
  /** What sites did (src/activity/activity-log.ts): newest last, by an increasing id. */
  activity: {
    key: number;
    value: ActivityEntry;
    indexes: { at: number; origin: [string, number]; did: [string, number] };
  };
  /** Unprompted reads, counted per day, site and account rather than logged one by one. */
  readCounts: { key: [string, string, string]; value: ReadCount; indexes: { origin: string; did: string } };
}

export type KeyringDB = IDBPDatabase<KeyringSchema>;

type VersionChange = IDBPTransaction<KeyringSchema, StoreNames<KeyringSchema>[], 'versionchange'>;

/** The schema's history: entry `n` takes a database from version n to version n + 1. */
const UPGRADES: Array<(db: IDBPDatabase<KeyringSchema>, transaction: VersionChange) => void> = [
  // 1: the OAuth client's stores, accounts, meta.
  (db) => {
    for (const store of EXPIRING_STORES) {
      db.createObjectStore(store).createIndex('expiresAt', 'expiresAt');
    }
    db.createObjectStore('accounts', { keyPath: 'did' });
    db.createObjectStore('meta');
  },
  // 2: what websites may do and what they asked.
  (db) => {
    const grants = db.createObjectStore('grants', { keyPath: ['origin', 'did'] });
    grants.createIndex('did', 'did');
    grants.createIndex('origin', 'origin');
    const prompts = db.createObjectStore('prompts', { keyPath: 'id' });
    prompts.createIndex('origin', 'origin');
    prompts.createIndex('expiresAt', 'expiresAt');
    db.createObjectStore('requests', { keyPath: 'key' }).createIndex('expiresAt', 'expiresAt');
  },
  // 3: one row per sign-in attempt. Version 2's map of them in `meta` ('logins', no longer a meta key)
  // is dropped, not carried over: its entries lived 30 minutes, and a sign-in finishes without its entry.
  (db, transaction) => {
    db.createObjectStore('loginAttempts', { keyPath: 'id' }).createIndex('startedAt', 'startedAt');
    void transaction.objectStore('meta').delete(IDBKeyRange.only('logins'));
  },
  // 4: the activity log. Its indexes end with the id, so one site's or one account's entries page newest first.
  (db) => {
    const activity = db.createObjectStore('activity', { keyPath: 'id', autoIncrement: true });
    activity.createIndex('at', 'at');
    activity.createIndex('origin', ['origin', 'id']);
    activity.createIndex('did', ['did', 'id']);
    const reads = db.createObjectStore('readCounts', { keyPath: ['day', 'origin', 'did'] });
    reads.createIndex('origin', 'origin');
    reads.createIndex('did', 'did');
  },
];

/** Opens (creating or upgrading) the keyring's database; `version` below DB_VERSION only for upgrade tests. */
export function openKeyringDB(name = DB_NAME, version = DB_VERSION): Promise<KeyringDB> {
  return openDB<KeyringSchema>(name, version, {
    upgrade(db, oldVersion, newVersion, transaction) {
      for (let v = oldVersion; v < (newVersion ?? version); v++) UPGRADES[v](db, transaction);
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
    removed += await deleteEach(tx.objectStore(name).index('expiresAt').openCursor(IDBKeyRange.upperBound(now)));
  }
  await tx.done;
  // The request ledger only answers re-sent requests for a few minutes.
  const ledger = db.transaction('requests', 'readwrite');
  removed += await deleteEach(ledger.store.index('expiresAt').openCursor(IDBKeyRange.upperBound(now)));
  await ledger.done;
  return removed;
}

interface DeletingCursor {
  delete(): Promise<void>;
  continue(): Promise<DeletingCursor | null>;
}

/** Deletes every row a cursor walks over (in a readwrite transaction); returns how many. */
export async function deleteEach(opening: Promise<DeletingCursor | null>): Promise<number> {
  let removed = 0;
  for (let cursor = await opening; cursor; cursor = await cursor.continue()) {
    await cursor.delete();
    removed++;
  }
  return removed;
}
