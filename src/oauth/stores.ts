import type {
  AuthorizationServerMetadataCache,
  DidCache,
  HandleCache,
  InternalStateData,
  ProtectedResourceMetadataCache,
  Session,
} from '@atproto/oauth-client-browser';
import type { KeyringDB } from '../storage/db';
import { createExpiringStore, plainStore } from '../storage/expiring-store';

/** How a DPoP key rests in IndexedDB: the CryptoKeyPair itself, never exported. */
export interface StoredKey {
  kid: string;
  keyPair: CryptoKeyPair;
}

type WithStoredKey<T extends { dpopKey: unknown }> = Omit<T, 'dpopKey'> & { dpopKey: StoredKey };

/** A session as the store keeps it: the library's `Session` with its DPoP key as stored. */
export type StoredSession = WithStoredKey<Session>;
/** A sign-in in progress as the store keeps it. */
export type StoredState = WithStoredKey<InternalStateData>;

/** An abandoned sign-in (user never came back from the PDS) is forgotten after this. */
export const LOGIN_STATE_TTL_MS = 30 * 60_000;
const IDENTITY_CACHE_TTL_MS = 10 * 60_000;
const METADATA_CACHE_TTL_MS = 10 * 60_000;
const DPOP_NONCE_TTL_MS = 10 * 60_000;

/** What one of the client's caches holds (they are key-value stores). */
type CachedBy<C extends { set(key: string, value: never): unknown }> = Parameters<C['set']>[1];

/**
 * The background is the only writer of these stores, so they also keep
 * values in memory: a brokered call then reads no IndexedDB. IndexedDB stays
 * the source of truth across restarts.
 */
const HOT = { maxEntries: 256 };

export type OAuthStores = ReturnType<typeof createOAuthStores>;

/**
 * Every store and cache of the OAuth client, persisted in IndexedDB, with keys as stored (the OAuth
 * library's own key objects are made from them in ./keys): one set per background, which the library and
 * the direct calls of ./dpop-session share, so each sees what the other wrote. No OAuth library code here.
 */
export function createOAuthStores(db: KeyringDB, now: () => number = Date.now) {
  return {
    stateStore: createExpiringStore<StoredState, StoredState>(db, 'oauthState', {
      expiresAt: (_v, t) => t + LOGIN_STATE_TTL_MS,
      encode: (v) => v,
      decode: (v) => v,
      now,
    }),
    sessionStore: createExpiringStore<StoredSession, StoredSession>(db, 'oauthSession', {
      // A session with a refresh token lives until revoked or rejected; one
      // without dies with its access token.
      expiresAt: ({ tokenSet }) =>
        tokenSet.refresh_token || !tokenSet.expires_at ? null : Date.parse(tokenSet.expires_at),
      encode: (v) => v,
      decode: (v) => v,
      now,
      memory: HOT,
    }),
    dpopNonceCache: plainStore<string>(db, 'dpopNonce', DPOP_NONCE_TTL_MS, now, HOT),
    didCache: plainStore<CachedBy<DidCache>>(db, 'didCache', IDENTITY_CACHE_TTL_MS, now, HOT),
    handleCache: plainStore<CachedBy<HandleCache>>(db, 'handleCache', IDENTITY_CACHE_TTL_MS, now, HOT),
    authorizationServerMetadataCache: plainStore<CachedBy<AuthorizationServerMetadataCache>>(
      db,
      'authServerMetadata',
      METADATA_CACHE_TTL_MS,
      now,
      HOT,
    ),
    protectedResourceMetadataCache: plainStore<CachedBy<ProtectedResourceMetadataCache>>(
      db,
      'resourceMetadata',
      METADATA_CACHE_TTL_MS,
      now,
      HOT,
    ),
  };
}
