import type { OAuthSession } from '@atproto/oauth-client-browser';
import { SESSION_SCOPE } from '../oauth/client-identity';
import type { ExtensionOAuth } from '../oauth/client-lifecycle';
import { matchCallback } from '../oauth/redirect';
import { LOGIN_STATE_TTL_MS } from '../oauth/stores';
import { type AccountRecord, deleteEach, type KeyringDB, type LoginAttempt } from '../storage/db';
import type { Accounts } from './accounts';
import { AccountError, describeAuthorizeError, describeCallbackError } from './errors';
import type { KeyringPlatform } from './platform';
import type { SessionPool } from './session-pool';

const MAX_LOGIN_INPUT_LENGTH = 512;
/** How many answered OAuth states are remembered, to handle each redirect once. */
const MAX_COMPLETED_STATES = 100;

export interface SignInOptions {
  db: KeyringDB;
  oauth: { get(): Promise<ExtensionOAuth> };
  accounts: Pick<Accounts, 'recordSignIn'>;
  sessions: Pick<SessionPool, 'adopt'>;
  platform: Pick<
    KeyringPlatform,
    'openAuthorizationPage' | 'launchWebAuthFlow' | 'notify' | 'focusWindow' | 'closeWindow'
  >;
  now?: () => number;
}

/**
 * Signing in: from the popup's handle, DID or PDS URL to the authorization
 * page, and from the server's answer (a captured redirect, or the browser's
 * web-auth flow) to a recorded account. Each attempt is a row of its own in
 * `loginAttempts`, so the popup can ask how it went after it was closed.
 */
export class SignIn {
  #completedStates = new Set<string>();
  readonly #now: () => number;

  constructor(private readonly deps: SignInOptions) {
    this.#now = deps.now ?? Date.now;
  }

  /** Starts a sign-in by handle, DID or PDS URL. The flow finishes in {@link complete}. */
  async start(rawInput: unknown): Promise<LoginAttempt> {
    const input = normalizeLoginInput(rawInput);
    const { client, identity } = await this.deps.oauth.get();
    const attempt: LoginAttempt = { id: crypto.randomUUID(), input, startedAt: this.#now(), status: 'pending' };
    let url: URL;
    try {
      url = await client.authorize(input, { scope: SESSION_SCOPE, state: attempt.id });
    } catch (err) {
      throw describeAuthorizeError(err, input);
    }
    await this.#save(attempt);
    const { platform } = this.deps;
    if (identity.kind === 'loopback') {
      const windowId = await platform.openAuthorizationPage(url.href);
      if (typeof windowId === 'number') {
        attempt.windowId = windowId;
        await this.#save(attempt);
      }
    } else {
      // The popup may close meanwhile: the background keeps waiting.
      void platform.launchWebAuthFlow(url.href).then(
        async (redirect) =>
          (await this.completeFromUrl(redirect)) ??
          this.#fail(
            attempt.id,
            new AccountError('login-failed', 'The server sent the browser back to an unexpected address.'),
          ),
        (err) =>
          this.#fail(
            attempt.id,
            new AccountError('access-denied', `Sign-in window closed: ${(err as Error).message ?? err}`),
          ),
      );
    }
    return attempt;
  }

  /** Returns the redirect URI the authorization server sends the browser back to. */
  async redirectUri(): Promise<string> {
    return (await this.deps.oauth.get()).identity.redirectUri;
  }

  /** Finishes a sign-in from the address the server redirected to; null when it is not our redirect. */
  async completeFromUrl(url: string): Promise<LoginAttempt | null> {
    const params = matchCallback(url, await this.redirectUri());
    return params ? this.complete(params) : null;
  }

  /**
   * Finishes a sign-in with the authorization server's response parameters.
   * Returns null for a response that belongs to no sign-in of ours.
   */
  async complete(params: URLSearchParams): Promise<LoginAttempt | null> {
    const state = params.get('state');
    if (!state || this.#completedStates.has(state)) return null;
    // The same redirect is seen by several navigation events: handle it once.
    if (this.#completedStates.size > MAX_COMPLETED_STATES) this.#completedStates.clear();
    this.#completedStates.add(state);
    const { client, identity, kit } = await this.deps.oauth.get();
    let session: OAuthSession;
    let loginId: string | null;
    try {
      ({ session, state: loginId } = await client.callback(params, { redirect_uri: identity.redirectUri as never }));
    } catch (err) {
      const appState = kit.callbackState(err);
      const failure = describeCallbackError(err, params);
      if (appState) return this.#fail(appState, failure);
      // Unknown state: not ours (or long expired). Nothing to report to.
      return null;
    }
    const login = loginId ? await this.#get(loginId) : undefined;
    if (login?.status === 'failed' && login.error?.code === 'login-cancelled') {
      // Cancelled in the popup, yet the server's answer came: a new account is not added behind the user's
      // back (its fresh session is revoked); an account already here keeps the session it just renewed.
      const known = await this.deps.db.get('accounts', session.did);
      if (!known) await session.signOut().catch(() => {});
      return login;
    }
    const account = await this.#recordAccount(client, session);
    const done: LoginAttempt = {
      ...(login ?? { id: loginId ?? state, input: account.handle, startedAt: this.#now() }),
      status: 'done',
      did: account.did,
    };
    await this.#save(done);
    this.deps.platform.notify({ type: 'loginFinished', login: done });
    this.deps.platform.notify({ type: 'accountsChanged' });
    return done;
  }

  async status(id: string): Promise<LoginAttempt | null> {
    return (await this.#get(id)) ?? null;
  }

  /** The user gave up a pending sign-in: it ends as cancelled and its window closes. */
  async cancel(id: string): Promise<LoginAttempt | null> {
    const login = await this.#get(id);
    if (login?.status !== 'pending') return login ?? null;
    const cancelled = await this.#fail(id, new AccountError('login-cancelled', 'Sign-in cancelled.'));
    if (login.windowId !== undefined) await this.deps.platform.closeWindow?.(login.windowId).catch(() => {});
    return cancelled;
  }

  /** Brings a pending sign-in's window back to the front; false when there is none to bring back. */
  async focus(id: string): Promise<boolean> {
    const login = await this.#get(id);
    if (login?.status !== 'pending' || login.windowId === undefined) return false;
    return (await this.deps.platform.focusWindow?.(login.windowId)) ?? false;
  }

  /** A window closed: a sign-in still waiting in it ends, said as such (not left pending until it expires). */
  async windowClosed(windowId: number): Promise<void> {
    const cutoff = this.#now() - LOGIN_STATE_TTL_MS;
    const pending = await this.deps.db.getAllFromIndex('loginAttempts', 'startedAt', IDBKeyRange.lowerBound(cutoff));
    for (const login of pending)
      if (login.status === 'pending' && login.windowId === windowId)
        await this.#fail(
          login.id,
          new AccountError('access-denied', 'The sign-in window was closed before you finished.'),
        );
  }

  /** Forgets sign-ins started longer ago than the OAuth state lives; returns how many. */
  async sweep(): Promise<number> {
    const cutoff = this.#now() - LOGIN_STATE_TTL_MS;
    const tx = this.deps.db.transaction('loginAttempts', 'readwrite');
    const removed = await deleteEach(tx.store.index('startedAt').openCursor(IDBKeyRange.upperBound(cutoff)));
    await tx.done;
    return removed;
  }

  async #recordAccount(client: ExtensionOAuth['client'], session: OAuthSession): Promise<AccountRecord> {
    this.deps.sessions.adopt(session);
    const info = await session.getTokenInfo(false);
    const identity = await client.identityResolver.resolve(session.did).catch(() => null);
    return this.deps.accounts.recordSignIn({
      did: session.did,
      handle: identity?.handle && identity.handle !== 'handle.invalid' ? identity.handle : session.did,
      pds: info.aud,
      issuer: info.iss,
      scope: info.scope,
      accessExpiresAt: info.expiresAt ? info.expiresAt.getTime() : null,
    });
  }

  #get(id: string): Promise<LoginAttempt | undefined> {
    return this.deps.db.get('loginAttempts', id);
  }

  async #save(login: LoginAttempt): Promise<void> {
    await this.deps.db.put('loginAttempts', login);
  }

  async #fail(id: string, error: AccountError): Promise<LoginAttempt> {
    const login = (await this.#get(id)) ?? { id, input: '', startedAt: this.#now(), status: 'pending' as const };
    const failed: LoginAttempt = { ...login, status: 'failed', error: { code: error.code, message: error.message } };
    await this.#save(failed);
    this.deps.platform.notify({ type: 'loginFinished', login: failed });
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
