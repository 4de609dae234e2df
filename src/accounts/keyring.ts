import { type ExtensionOAuth, OAuthClientLifecycle } from '../oauth/client-lifecycle';
import type { FetchHandlerSession } from '../oauth/dpop-session';
import type { NetworkSettings } from '../oauth/settings';
import { createOAuthStores } from '../oauth/stores';
import { type AccountRecord, type KeyringDB, type LoginAttempt, sweepExpired } from '../storage/db';
import { type AccountList, Accounts } from './accounts';
import { NetworkSettingsStore } from './network-settings';
import type { KeyringEvent, KeyringPlatform } from './platform';
import { SessionPool } from './session-pool';
import { SignIn } from './sign-in';

// The types the rest of the extension (background wiring, popup) names the keyring's values by.
export type { AccountList } from './accounts';
export type { KeyringEvent, KeyringPlatform } from './platform';
export type { LoginAttempt };

/**
 * The background's account manager, as one object for the privileged router,
 * the broker and the background's wiring: network settings, the OAuth client,
 * sign-in, the accounts and their live sessions. Each part is its own module;
 * this class only builds them and joins them where one change touches several
 * (new settings replace the OAuth client and so its sessions). It is the only
 * holder of the OAuth client, hence of tokens and DPoP keys.
 */
export class Keyring {
  readonly #db: KeyringDB;
  readonly #now: () => number;
  readonly #settings: NetworkSettingsStore;
  readonly #oauth: OAuthClientLifecycle;
  readonly #accounts: Accounts;
  readonly #sessions: SessionPool;
  readonly #signIn: SignIn;

  constructor(db: KeyringDB, platform: KeyringPlatform, defaults: NetworkSettings, now: () => number = Date.now) {
    const notify = (event: KeyringEvent) => platform.notify(event);
    this.#db = db;
    this.#now = now;
    this.#settings = new NetworkSettingsStore(db, defaults);
    this.#oauth = new OAuthClientLifecycle({
      stores: () => createOAuthStores(db),
      kit: platform.oauthKit,
      settings: () => this.#settings.get(),
      redirectBase: () => platform.redirectBase(),
      onSessionUpdated: (did, session) => this.#sessions.sessionUpdated(did, session),
      onSessionDeleted: (did, reason) => this.#sessions.sessionDeleted(did, reason),
    });
    this.#accounts = new Accounts(db, notify, now);
    this.#sessions = new SessionPool(this.#oauth, this.#accounts, notify, now);
    this.#signIn = new SignIn({
      db,
      oauth: this.#oauth,
      accounts: this.#accounts,
      sessions: this.#sessions,
      platform,
      now,
    });
  }

  // ---- settings and the OAuth client -------------------------------------

  settings(): Promise<NetworkSettings> {
    return this.#settings.get();
  }

  async updateSettings(input: unknown): Promise<NetworkSettings> {
    const before = await this.#settings.get();
    const settings = await this.#settings.update(input);
    // The consent choices (the delete policy) are not the OAuth client's: changing only them keeps sessions live.
    const { allowAlwaysForDeletes: _policy, ...network } = settings;
    if (Object.entries(network).some(([key, value]) => before[key as keyof NetworkSettings] !== value)) {
      this.#oauth.reset(); // rebuilt with the new settings on next use
      this.#sessions.clear(); // they belonged to the old client
    }
    return settings;
  }

  oauth(): Promise<ExtensionOAuth> {
    return this.#oauth.get();
  }

  // ---- sign-in ------------------------------------------------------------

  /** Starts a sign-in by handle, DID or PDS URL. The flow finishes in {@link completeLogin}. */
  startLogin(rawInput: unknown): Promise<LoginAttempt> {
    return this.#signIn.start(rawInput);
  }

  /** Returns the redirect URI the authorization server sends the browser back to. */
  redirectUri(): Promise<string> {
    return this.#signIn.redirectUri();
  }

  completeLoginFromUrl(url: string): Promise<LoginAttempt | null> {
    return this.#signIn.completeFromUrl(url);
  }

  /** Finishes a sign-in with the server's response parameters; null for one that is not ours. */
  completeLogin(params: URLSearchParams): Promise<LoginAttempt | null> {
    return this.#signIn.complete(params);
  }

  loginStatus(id: string): Promise<LoginAttempt | null> {
    return this.#signIn.status(id);
  }

  /** Cancels a pending sign-in (its window closes). */
  cancelLogin(id: string): Promise<LoginAttempt | null> {
    return this.#signIn.cancel(id);
  }

  /** Brings a pending sign-in's window back; false when there is none. */
  focusLogin(id: string): Promise<boolean> {
    return this.#signIn.focus(id);
  }

  /** A browser window closed (a sign-in may have been waiting in it). */
  windowClosed(windowId: number): Promise<void> {
    return this.#signIn.windowClosed(windowId);
  }

  // ---- accounts and sessions ----------------------------------------------

  listAccounts(): Promise<AccountList> {
    return this.#accounts.list();
  }

  activeDid(): Promise<string | null> {
    return this.#accounts.activeDid();
  }

  /** Reads the accounts, sessions and DPoP nonces now, together: a woken worker's first call then finds them read. */
  warm(): void {
    this.#accounts.warm();
    const { sessionStore, dpopNonceCache } = this.#oauth.stores;
    void sessionStore.warm?.().catch(() => {});
    void dpopNonceCache.warm?.().catch(() => {});
  }

  /** The account as stored, once any end of its session the OAuth library reported is stored too. */
  async getAccount(did: string): Promise<AccountRecord> {
    await this.#sessions.recorded(did);
    return this.#accounts.get(did);
  }

  setActive(did: string): Promise<void> {
    return this.#accounts.setActive(did);
  }

  /** Revokes the tokens at the PDS (best effort), then forgets the session, its DPoP key and the account. */
  signOut(did: string): Promise<{ revokedAtServer: boolean }> {
    return this.#sessions.signOut(did);
  }

  /** The live OAuth session of an account; pass the account record when the caller already has it. */
  session(did: string, known?: AccountRecord): Promise<FetchHandlerSession> {
    return this.#sessions.session(did, known);
  }

  /** An authenticated getSession call to the PDS that proves the session works. */
  checkSession(did: string): Promise<{ did: string; handle: string; status: number }> {
    return this.#sessions.checkSession(did);
  }

  /** Forgets abandoned sign-ins and expired cache rows. */
  async sweep(): Promise<number> {
    const removed = await sweepExpired(this.#db, this.#now());
    return removed + (await this.#signIn.sweep());
  }
}
