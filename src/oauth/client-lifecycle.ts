import type { OAuthClient, OAuthClientMetadataInput, Session } from '@atproto/oauth-client-browser';
import type { SessionEndReason } from '../storage/db';
import { type ClientIdentity, hostedIdentity } from './client-identity';
import type { OAuthKit, OAuthKitLoader } from './kit-loader';
import type { NetworkSettings } from './settings';
import type { OAuthStores } from './stores';

/** The extension's OAuth client, the identity it presents to authorization servers, and the kit it came from. */
export interface ExtensionOAuth {
  client: OAuthClient;
  identity: ClientIdentity;
  kit: OAuthKit;
}

export interface OAuthClientLifecycleOptions {
  /**
   * Makes the stores a client and the direct calls of its sessions share: at start and at each reset, so a
   * rebuilt client starts from what IndexedDB holds, as a new background would.
   */
  stores(): OAuthStores;
  /** Loads the OAuth library (./kit): on the first build, not before. */
  kit: OAuthKitLoader;
  /** The current network settings; read at each (re)build. */
  settings(): Promise<NetworkSettings>;
  /** Fetches a hosted client-metadata document (only when the settings name a client id); the kit's by default. */
  fetchClientMetadata?(clientId: string): Promise<OAuthClientMetadataInput>;
  /** The browser's extension redirect base, which a hosted document must list. */
  redirectBase(): string;
  onSessionUpdated(did: string, session: Session): void | Promise<void>;
  /** The client deleted a session: revoked, refused, or signed out (the reason as the kit names it). */
  onSessionDeleted(did: string, reason: SessionEndReason): void | Promise<void>;
}

/**
 * The one OAuth client of the background: built from the network settings on
 * first use and shared by every caller, rebuilt after {@link reset} (the
 * settings changed). A build that failed (say, the hosted metadata was
 * unreachable) is tried again on the next use.
 */
export class OAuthClientLifecycle {
  #current?: Promise<ExtensionOAuth>;
  #stores: OAuthStores;

  constructor(private readonly options: OAuthClientLifecycleOptions) {
    this.#stores = options.stores();
  }

  /** The stores of the current client (and of the next one built, until a reset). */
  get stores(): OAuthStores {
    return this.#stores;
  }

  get(): Promise<ExtensionOAuth> {
    this.#current ??= this.#build().catch((err) => {
      this.#current = undefined;
      throw err;
    });
    return this.#current;
  }

  /** Drops the client; the next {@link get} builds one from the settings of then. */
  reset(): void {
    this.#current = undefined;
    this.#stores = this.options.stores();
  }

  async #build(): Promise<ExtensionOAuth> {
    const options = this.options;
    const [settings, kit] = await Promise.all([options.settings(), options.kit()]);
    const fetchMetadata = options.fetchClientMetadata ?? kit.fetchClientMetadata;
    const identity = settings.clientId
      ? hostedIdentity(settings.clientId, await fetchMetadata(settings.clientId), options.redirectBase())
      : kit.loopbackIdentity();
    const client = kit.createExtensionOAuthClient({
      stores: this.#stores,
      identity,
      settings,
      onSessionUpdated: (did, session) => options.onSessionUpdated(did, session),
      onSessionDeleted: (did, cause) => options.onSessionDeleted(did, kit.sessionEndReason(cause) ?? 'ended'),
    });
    // For the bench's account of a cold call (bench/phases/cold.ts): once per client.
    performance.mark('keyring:oauth-client');
    return { client, identity, kit };
  }
}
