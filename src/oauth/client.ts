import { OAuthClient, type RuntimeImplementation, type Session, WebcryptoKey } from '@atproto/oauth-client-browser';
import type { ClientIdentity } from './client-identity';
import { libraryStores } from './keys';
import type { NetworkSettings } from './settings';
import type { OAuthStores } from './stores';

/**
 * Runtime pieces for the OAuth client in an extension background (service
 * worker or event page): WebCrypto keys that cannot be exported, and
 * `navigator.locks` so that concurrent refreshes of one session happen once,
 * even across the popup and background.
 */
export const extensionRuntime: RuntimeImplementation = {
  // WebcryptoKey.generate makes the private key non-extractable.
  createKey: (algs) => WebcryptoKey.generate(algs),
  getRandomValues: (length) => crypto.getRandomValues(new Uint8Array(length)),
  async digest(data, { name }) {
    const algorithm = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' }[name];
    if (!algorithm) throw new TypeError(`Unsupported digest ${name}`);
    return new Uint8Array(await crypto.subtle.digest(algorithm, data));
  },
  requestLock:
    typeof navigator !== 'undefined' && navigator.locks
      ? <T>(name: string, fn: () => T | PromiseLike<T>): Promise<T> =>
          navigator.locks.request(name, { mode: 'exclusive' }, async () => await fn()) as Promise<T>
      : undefined,
};

/** What the extension's OAuth client is built from; the library's own `OAuthClientOptions` are derived from it. */
export interface ExtensionOAuthClientOptions {
  /** The background's one set of stores (./stores), shared with its direct calls. */
  stores: OAuthStores;
  identity: ClientIdentity;
  settings: NetworkSettings;
  onSessionUpdated?: (did: string, session: Session) => void | Promise<void>;
  onSessionDeleted?: (did: string, cause: unknown) => void | Promise<void>;
  fetch?: typeof globalThis.fetch;
}

export function createExtensionOAuthClient(options: ExtensionOAuthClientOptions): OAuthClient {
  const { stores, identity, settings } = options;
  return new OAuthClient({
    clientMetadata: identity.metadata,
    // The fragment never reaches a server, not even the loopback address.
    responseMode: 'fragment',
    runtimeImplementation: extensionRuntime,
    handleResolver: settings.handleResolver,
    plcDirectoryUrl: settings.plcDirectoryUrl,
    allowHttp: settings.allowHttp,
    fetch: options.fetch,
    ...libraryStores(stores),
    onSessionUpdated: (did, session) => void options.onSessionUpdated?.(did, session),
    onSessionDeleted: (did, cause) => void options.onSessionDeleted?.(did, cause),
  });
}
