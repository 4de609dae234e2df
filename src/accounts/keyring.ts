import {
  OAuthCallbackError,
  type OAuthClient,
  type OAuthClientMetadataInput,
  type OAuthSession,
  TokenInvalidError,
  TokenRefreshError,
  TokenRevokedError,
} from '@atproto/oauth-client-browser';
import { createExtensionOAuthClient } from '../oauth/client';
import { type ClientIdentity, hostedIdentity, loopbackIdentity, SESSION_SCOPE } from '../oauth/client-identity';
import { matchCallback } from '../oauth/redirect';
import { type NetworkSettings, parseSettings } from '../oauth/settings';
import { LOGIN_STATE_TTL_MS } from '../oauth/stores';
import { type AccountRecord, type KeyringDB, sweepExpired } from '../storage/db';
import { AccountError, describeAuthorizeError, describeCallbackError } from './errors';

/** Public-client sessions end this long after sign-in at the reference PDS. */
export const PUBLIC_CLIENT_SESSION_LIFETIME_MS = 14 * 24 * 3600_000;
const MAX_LOGIN_INPUT_LENGTH = 512;

export interface LoginAttempt {
  id: string;
  input: string;
  startedAt: number;
  status: 'pending' | 'done' | 'failed';
  did?: string;
  error?: { code: string; message: string };
}

export type KeyringEvent =
  | { type: 'accountsChanged' }
  | { type: 'activeChanged'; did: string }
  | { type: 'sessionEnded'; did: string; reason: string }
  | { type: 'loginFinished'; login: LoginAttempt };

/** What the keyring needs from the browser; injected so the logic runs in tests too. */
export interface KeyringPlatform {
  /** Shows the authorization page (loopback client); the redirect is captured elsewhere. */
  openAuthorizationPage(url: string): Promise<void>;
  /** Hosted client: the browser's web-auth flow; resolves with the final redirect URL. */
  launchWebAuthFlow(url: string): Promise<string>;
  /** The browser's extension redirect base (`identity.getRedirectURL()`). */
  redirectBase(): string;
  fetchClientMetadata(clientId: string): Promise<OAuthClientMetadataInput>;
  notify(event: KeyringEvent): void;
}

export interface AccountList {
  accounts: AccountRecord[];
  activeDid: string | null;
}

/**
 * The background's account manager: sign-in, the account list, the active
 * account, sign-out, and each session's health. The only holder of the OAuth
 * client, hence of tokens and DPoP keys.
 */
export class Keyring {
  #oauth?: Promise<{ client: OAuthClient; identity: ClientIdentity }>;
  /** Live sessions by DID; each reads its tokens from the store on every call, so refreshes show. */
  #sessions = new Map<string, OAuthSession>();
  #signingOut = new Set<string>();
  #completedStates = new Set<string>();

  constructor(
    private readonly db: KeyringDB,
    private readonly platform: KeyringPlatform,
    private readonly defaults: NetworkSettings,
    private readonly now: () => number = Date.now,
  ) {}

  // ---- settings and the OAuth client -------------------------------------

  async settings(): Promise<NetworkSettings> {
    const stored = await this.db.get('meta', 'settings');
    return stored ? parseSettings(stored, this.defaults) : this.defaults;
  }

  async updateSettings(input: unknown): Promise<NetworkSettings> {
    let settings: NetworkSettings;
    try {
      settings = parseSettings(input, await this.settings());
    } catch (err) {
      throw new AccountError('invalid-input', (err as Error).message);
    }
    await this.db.put('meta', settings, 'settings');
    this.#oauth = undefined; // rebuilt with the new settings on next use
    this.#sessions.clear();
    return settings;
  }

  oauth(): Promise<{ client: OAuthClient; identity: ClientIdentity }> {
    this.#oauth ??= this.#buildOAuth().catch((err) => {
      this.#oauth = undefined;
      throw err;
    });
    return this.#oauth;
  }

  async #buildOAuth() {
    const settings = await this.settings();
    const identity = settings.clientId
      ? hostedIdentity(
          settings.clientId,
          await this.platform.fetchClientMetadata(settings.clientId),
          this.platform.redirectBase(),
        )
      : loopbackIdentity();
    const client = createExtensionOAuthClient({
      db: this.db,
      identity,
      settings,
      onSessionUpdated: (did, session) => this.#onSessionUpdated(did, session.tokenSet.expires_at),
      onSessionDeleted: (did, cause) => this.#onSessionDeleted(did, cause),
    });
    return { client, identity };
  }

  // ---- sign-in ------------------------------------------------------------

  /** Starts a sign-in by handle, DID or PDS URL. The flow finishes in {@link completeLogin}. */
  async startLogin(rawInput: unknown): Promise<LoginAttempt> {
    const input = normalizeLoginInput(rawInput);
    const { client, identity } = await this.oauth();
    const attempt: LoginAttempt = { id: crypto.randomUUID(), input, startedAt: this.now(), status: 'pending' };
    let url: URL;
    try {
      url = await client.authorize(input, { scope: SESSION_SCOPE, state: attempt.id });
    } catch (err) {
      throw describeAuthorizeError(err, input);
    }
    await this.#saveLogin(attempt);
    if (identity.kind === 'loopback') {
      await this.platform.openAuthorizationPage(url.href);
    } else {
      // The popup may close meanwhile: the background keeps waiting.
      void this.platform.launchWebAuthFlow(url.href).then(
        async (redirect) =>
          (await this.completeLoginFromUrl(redirect)) ??
          this.#failLogin(
            attempt.id,
            new AccountError('login-failed', 'The server sent the browser back to an unexpected address.'),
          ),
        (err) =>
          this.#failLogin(
            attempt.id,
            new AccountError('access-denied', `Sign-in window closed: ${(err as Error).message ?? err}`),
          ),
      );
    }
    return attempt;
  }

  /** Returns the redirect URI the authorization server sends the browser back to. */
  async redirectUri(): Promise<string> {
    return (await this.oauth()).identity.redirectUri;
  }

  async completeLoginFromUrl(url: string): Promise<LoginAttempt | null> {
    const params = matchCallback(url, await this.redirectUri());
    return params ? this.completeLogin(params) : null;
  }

  /**
   * Finishes a sign-in with the authorization server's response parameters.
   * Returns null for a response that belongs to no sign-in of ours.
   */
  async completeLogin(params: URLSearchParams): Promise<LoginAttempt | null> {
    const state = params.get('state');
    if (!state || this.#completedStates.has(state)) return null;
    // The same redirect is seen by several navigation events: handle it once.
    if (this.#completedStates.size > 100) this.#completedStates.clear();
    this.#completedStates.add(state);
    const { client, identity } = await this.oauth();
    let session: OAuthSession;
    let loginId: string | null;
    try {
      ({ session, state: loginId } = await client.callback(params, { redirect_uri: identity.redirectUri as never }));
    } catch (err) {
      const appState = err instanceof OAuthCallbackError ? err.state : undefined;
      const failure = describeCallbackError(err, params);
      if (appState) return this.#failLogin(appState, failure);
      // Unknown state: not ours (or long expired). Nothing to report to.
      return null;
    }
    const account = await this.#recordAccount(session);
    const login = loginId ? await this.#getLogin(loginId) : undefined;
    const done: LoginAttempt = {
      ...(login ?? { id: loginId ?? state, input: account.handle, startedAt: this.now() }),
      status: 'done',
      did: account.did,
    };
    await this.#saveLogin(done);
    this.platform.notify({ type: 'loginFinished', login: done });
    this.platform.notify({ type: 'accountsChanged' });
    return done;
  }

  async loginStatus(id: string): Promise<LoginAttempt | null> {
    return (await this.#getLogin(id)) ?? null;
  }

  async #recordAccount(session: OAuthSession): Promise<AccountRecord> {
    const { client } = await this.oauth();
    this.#sessions.set(session.did, session); // a new sign-in may bring a new DPoP key
    const info = await session.getTokenInfo(false);
    const identity = await client.identityResolver.resolve(session.did).catch(() => null);
    const now = this.now();
    const previous = await this.db.get('accounts', session.did);
    const account: AccountRecord = {
      did: session.did,
      handle: identity?.handle && identity.handle !== 'handle.invalid' ? identity.handle : session.did,
      pds: info.aud,
      issuer: info.iss,
      scope: info.scope,
      signedInAt: now,
      tokensUpdatedAt: now,
      accessExpiresAt: info.expiresAt ? info.expiresAt.getTime() : null,
      sessionExpiresAt: now + PUBLIC_CLIENT_SESSION_LIFETIME_MS,
      health: { state: 'ok' },
    };
    await this.db.put('accounts', account);
    if (!previous && !(await this.activeDid())) await this.db.put('meta', account.did, 'activeDid');
    return account;
  }

  // ---- accounts -------------------------------------------------------------

  async listAccounts(): Promise<AccountList> {
    const accounts = await this.db.getAll('accounts');
    accounts.sort((a, b) => a.signedInAt - b.signedInAt);
    return { accounts, activeDid: await this.activeDid() };
  }

  async activeDid(): Promise<string | null> {
    const did = (await this.db.get('meta', 'activeDid')) as string | undefined;
    return did && (await this.db.get('accounts', did)) ? did : null;
  }

  async getAccount(did: string): Promise<AccountRecord> {
    const account = await this.db.get('accounts', did);
    if (!account) throw new AccountError('no-such-account', 'That account is not in the keyring.');
    return account;
  }

  async setActive(did: string): Promise<void> {
    await this.getAccount(did);
    await this.db.put('meta', did, 'activeDid');
    this.platform.notify({ type: 'activeChanged', did });
    this.platform.notify({ type: 'accountsChanged' });
  }

  /** Revokes the tokens at the PDS (best effort), then forgets the session, its DPoP key and the account. */
  async signOut(did: string): Promise<{ revokedAtServer: boolean }> {
    await this.getAccount(did);
    const { client } = await this.oauth();
    this.#signingOut.add(did);
    this.#sessions.delete(did);
    let revokedAtServer = true;
    try {
      await client.revoke(did);
    } catch {
      // The session may already be gone or the PDS unreachable: the local
      // copy is deleted all the same by the client.
      revokedAtServer = false;
    } finally {
      this.#signingOut.delete(did);
    }
    await this.db.delete('accounts', did);
    if ((await this.db.get('meta', 'activeDid')) === did) {
      const [next] = (await this.listAccounts()).accounts;
      if (next) await this.db.put('meta', next.did, 'activeDid');
      else await this.db.delete('meta', 'activeDid');
    }
    this.platform.notify({ type: 'sessionEnded', did, reason: 'signed-out' });
    this.platform.notify({ type: 'accountsChanged' });
    return { revokedAtServer };
  }

  // ---- sessions -------------------------------------------------------------

  /**
   * The live OAuth session of an account (refreshed when due, by its fetch
   * handler). Pass the account record when the caller already has it.
   */
  async session(did: string, known?: AccountRecord): Promise<OAuthSession> {
    const account = known?.did === did ? known : await this.getAccount(did);
    if (account.health.state === 'reauth-required') {
      throw new AccountError('session-expired', `The session of ${account.handle} has ended. Sign in again.`);
    }
    const cached = this.#sessions.get(did);
    if (cached) return cached;
    const { client } = await this.oauth();
    try {
      const session = await client.restore(did, 'auto');
      this.#sessions.set(did, session);
      return session;
    } catch (err) {
      if (isSessionGone(err)) {
        await this.#markReauth(did, describeSessionEnd(err));
        throw new AccountError('session-expired', `The session of ${account.handle} has ended. Sign in again.`, {
          cause: err,
        });
      }
      throw err;
    }
  }

  /**
   * An authenticated call to the PDS (com.atproto.server.getSession) that
   * proves the session works; the popup's "check" and the tests use it.
   */
  async checkSession(did: string): Promise<{ did: string; handle: string; status: number }> {
    const session = await this.session(did);
    const response = await session.fetchHandler('/xrpc/com.atproto.server.getSession');
    const body = (await response.json().catch(() => ({}))) as { did?: string; handle?: string };
    if (response.status === 401) {
      await this.#markReauth(did, 'The server rejected the session.');
      throw new AccountError('session-expired', 'The server rejected the session. Sign in again.');
    }
    if (body.handle && body.did === did) await this.#updateAccount(did, { handle: body.handle });
    return { did: body.did ?? did, handle: body.handle ?? '', status: response.status };
  }

  /** Forgets abandoned sign-ins and expired cache rows. */
  async sweep(): Promise<number> {
    const removed = await sweepExpired(this.db, this.now());
    const logins = await this.#logins();
    const cutoff = this.now() - LOGIN_STATE_TTL_MS;
    const kept = Object.fromEntries(Object.entries(logins).filter(([, l]) => l.startedAt > cutoff));
    const dropped = Object.keys(logins).length - Object.keys(kept).length;
    if (dropped) await this.db.put('meta', kept, 'logins');
    return removed + dropped;
  }

  // ---- internals --------------------------------------------------------------

  async #onSessionUpdated(did: string, expiresAt: string | undefined) {
    await this.#updateAccount(did, {
      tokensUpdatedAt: this.now(),
      accessExpiresAt: expiresAt ? Date.parse(expiresAt) : null,
    });
  }

  async #onSessionDeleted(did: string, cause: unknown) {
    this.#sessions.delete(did);
    if (this.#signingOut.has(did)) return;
    await this.#markReauth(did, describeSessionEnd(cause));
  }

  async #markReauth(did: string, reason: string) {
    const account = await this.db.get('accounts', did);
    if (!account || account.health.state === 'reauth-required') return;
    await this.db.put('accounts', { ...account, health: { state: 'reauth-required', reason, at: this.now() } });
    this.platform.notify({ type: 'sessionEnded', did, reason });
    this.platform.notify({ type: 'accountsChanged' });
  }

  async #updateAccount(did: string, patch: Partial<AccountRecord>) {
    const tx = this.db.transaction('accounts', 'readwrite');
    const account = await tx.store.get(did);
    if (account) await tx.store.put({ ...account, ...patch });
    await tx.done;
  }

  async #logins(): Promise<Record<string, LoginAttempt>> {
    return ((await this.db.get('meta', 'logins')) as Record<string, LoginAttempt> | undefined) ?? {};
  }

  async #getLogin(id: string): Promise<LoginAttempt | undefined> {
    return (await this.#logins())[id];
  }

  async #saveLogin(login: LoginAttempt) {
    const tx = this.db.transaction('meta', 'readwrite');
    const logins = ((await tx.store.get('logins')) as Record<string, LoginAttempt> | undefined) ?? {};
    logins[login.id] = login;
    await tx.store.put(logins, 'logins');
    await tx.done;
  }

  async #failLogin(id: string, error: AccountError): Promise<LoginAttempt> {
    const login = (await this.#getLogin(id)) ?? { id, input: '', startedAt: this.now(), status: 'pending' as const };
    const failed: LoginAttempt = { ...login, status: 'failed', error: { code: error.code, message: error.message } };
    await this.#saveLogin(failed);
    this.platform.notify({ type: 'loginFinished', login: failed });
    return failed;
  }
}

export function normalizeLoginInput(raw: unknown): string {
  if (typeof raw !== 'string') throw new AccountError('invalid-input', 'Enter a handle, DID or server URL.');
  const input = raw.trim().replace(/^@/, '');
  if (!input) throw new AccountError('invalid-input', 'Enter a handle, DID or server URL.');
  if (input.length > MAX_LOGIN_INPUT_LENGTH || /\s/.test(input)) {
    throw new AccountError('invalid-input', 'That is not a handle, DID or server URL.');
  }
  return input;
}

function isSessionGone(err: unknown): boolean {
  return err instanceof TokenRefreshError || err instanceof TokenRevokedError || err instanceof TokenInvalidError;
}

function describeSessionEnd(cause: unknown): string {
  if (cause instanceof TokenRevokedError) return 'The session was revoked.';
  if (cause instanceof TokenRefreshError) return 'The server refused to renew the session.';
  if (cause instanceof TokenInvalidError) return 'The server rejected the session.';
  return 'The session ended.';
}
