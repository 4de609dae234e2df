import {
  type AuthorizationServerMetadataCache,
  type DidCache,
  type HandleCache,
  type InternalStateData,
  type Key,
  type ProtectedResourceMetadataCache,
  type Session,
  WebcryptoKey,
} from '@atproto/oauth-client-browser';
import type { KeyringDB } from '../storage/db';
import { createExpiringStore, plainStore } from '../storage/expiring-store';

/** How a DPoP key rests in IndexedDB: the CryptoKeyPair itself, never exported. */
export interface StoredKey {
  kid: string;
  keyPair: CryptoKeyPair;
}

export function encodeKey(key: Key): StoredKey {
  if (!(key instanceof WebcryptoKey) || !key.kid) {
    throw new TypeError('DPoP keys must be WebCrypto keys with a key id');
  }
  return { kid: key.kid, keyPair: key.cryptoKeyPair };
}

export function decodeKey(stored: StoredKey): Promise<WebcryptoKey> {
  return WebcryptoKey.fromKeypair(stored.keyPair, stored.kid);
}

/** An abandoned sign-in (user never came back from the PDS) is forgotten after this. */
export const LOGIN_STATE_TTL_MS = 30 * 60_000;
const IDENTITY_CACHE_TTL_MS = 10 * 60_000;
const METADATA_CACHE_TTL_MS = 10 * 60_000;
const DPOP_NONCE_TTL_MS = 10 * 60_000;

/** What one of the client's caches holds (they are key-value stores). */
type CachedBy<C extends { set(key: string, value: never): unknown }> = Parameters<C['set']>[1];

type WithKey<T extends { dpopKey: Key }> = Omit<T, 'dpopKey'> & { dpopKey: StoredKey };

/**
 * The background is the only writer of these stores, so they also keep
 * decoded values in memory: a brokered call then reads no IndexedDB and
 * re-imports no key. IndexedDB stays the source of truth across restarts.
 */
const HOT = { maxEntries: 256 };

/** Every store and cache the OAuth client needs, all persisted in IndexedDB. */
export function createOAuthStores(db: KeyringDB, now: () => number = Date.now) {
  return {
    stateStore: createExpiringStore<InternalStateData, WithKey<InternalStateData>>(db, 'oauthState', {
      expiresAt: (_v, t) => t + LOGIN_STATE_TTL_MS,
      encode: ({ dpopKey, ...rest }) => ({ ...rest, dpopKey: encodeKey(dpopKey) }),
      decode: async ({ dpopKey, ...rest }) => ({ ...rest, dpopKey: await decodeKey(dpopKey) }),
      now,
    }),
    sessionStore: createExpiringStore<Session, WithKey<Session>>(db, 'oauthSession', {
      // A session with a refresh token lives until revoked or rejected; one
      // without dies with its access token.
      expiresAt: ({ tokenSet }) =>
        tokenSet.refresh_token || !tokenSet.expires_at ? null : Date.parse(tokenSet.expires_at),
      encode: ({ dpopKey, ...rest }) => ({ ...rest, dpopKey: encodeKey(dpopKey) }),
      decode: async ({ dpopKey, ...rest }) => ({ ...rest, dpopKey: await decodeKey(dpopKey) }),
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
