import { type Key, WebcryptoKey } from '@atproto/oauth-client-browser';
import type { SimpleStore } from '../storage/expiring-store';
import type { OAuthStores, StoredKey } from './stores';

export function encodeKey(key: Key): StoredKey {
  if (!(key instanceof WebcryptoKey) || !key.kid) {
    throw new TypeError('DPoP keys must be WebCrypto keys with a key id');
  }
  return { kid: key.kid, keyPair: key.cryptoKeyPair };
}

/** One library key per stored key pair: the stores hand back the same pair while it is in memory. */
const decoded = new WeakMap<CryptoKeyPair, Promise<WebcryptoKey>>();

export function decodeKey(stored: StoredKey): Promise<WebcryptoKey> {
  let key = decoded.get(stored.keyPair);
  if (!key) {
    key = WebcryptoKey.fromKeypair(stored.keyPair, stored.kid);
    decoded.set(stored.keyPair, key);
    key.catch(() => decoded.delete(stored.keyPair));
  }
  return key;
}

type WithKey<T> = Omit<T, 'dpopKey'> & { dpopKey: Key };

/** A store of values with a stored key, as the OAuth library sees it: with its own key objects. */
function keyed<T extends { dpopKey: StoredKey }>(store: SimpleStore<string, T>): SimpleStore<string, WithKey<T>> {
  return {
    async get(id) {
      const value = await store.get(id);
      if (!value) return undefined;
      return { ...value, dpopKey: await decodeKey(value.dpopKey) };
    },
    set: (id, { dpopKey, ...rest }) => store.set(id, { ...rest, dpopKey: encodeKey(dpopKey) } as unknown as T),
    del: (id) => store.del(id),
    clear: store.clear && (() => store.clear!()),
  };
}

/** The background's stores in the shapes the OAuth library's options take. */
export function libraryStores(stores: OAuthStores) {
  return { ...stores, stateStore: keyed(stores.stateStore), sessionStore: keyed(stores.sessionStore) };
}
