import type { OAuthClient, OAuthClientMetadataInput, Session } from '@atproto/oauth-client-browser';
import type { KeyringDB } from '../storage/db';
import { createExtensionOAuthClient } from './client';
import { type ClientIdentity, hostedIdentity, loopbackIdentity } from './client-identity';
import type { NetworkSettings } from './settings';

/** The extension's OAuth client and the identity it presents to authorization servers. */
export interface ExtensionOAuth {
  client: OAuthClient;
  identity: ClientIdentity;
}

export interface OAuthClientLifecycleOptions {
  db: KeyringDB;
  /** The current network settings; read at each (re)build. */
  settings(): Promise<NetworkSettings>;
  /** Fetches a hosted client-metadata document (only when the settings name a client id). */
  fetchClientMetadata(clientId: string): Promise<OAuthClientMetadataInput>;
  /** The browser's extension redirect base, which a hosted document must list. */
  redirectBase(): string;
  onSessionUpdated(did: string, session: Session): void | Promise<void>;
  onSessionDeleted(did: string, cause: unknown): void | Promise<void>;
}

/**
 * The one OAuth client of the background: built from the network settings on
 * first use and shared by every caller, rebuilt after {@link reset} (the
 * settings changed). A build that failed (say, the hosted metadata was
 * unreachable) is tried again on the next use.
 */
export class OAuthClientLifecycle {
  #current?: Promise<ExtensionOAuth>;

  constructor(private readonly options: OAuthClientLifecycleOptions) {}

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
  }

  async #build(): Promise<ExtensionOAuth> {
    const options = this.options;
    const settings = await options.settings();
    const identity = settings.clientId
      ? hostedIdentity(settings.clientId, await options.fetchClientMetadata(settings.clientId), options.redirectBase())
      : loopbackIdentity();
    const client = createExtensionOAuthClient({
      db: options.db,
      identity,
      settings,
      onSessionUpdated: (did, session) => options.onSessionUpdated(did, session),
      onSessionDeleted: (did, cause) => options.onSessionDeleted(did, cause),
    });
    // For the bench's account of a cold call (bench/phases/cold.ts): once per client.
    performance.mark('keyring:oauth-client');
    return { client, identity };
  }
}
