import type { OAuthSession, Session } from '@atproto/oauth-client-browser';
import type { ExtensionOAuth } from '../oauth/client-lifecycle';
import { DirectSession, type FetchHandlerSession } from '../oauth/dpop-session';
import type { OAuthStores } from '../oauth/stores';
import type { AccountRecord, SessionEndReason } from '../storage/db';
import type { Accounts } from './accounts';
import { AccountError, isNetworkFailure } from './errors';
import type { KeyringEvent } from './platform';

/**
 * The live OAuth session of each account, signed out on request, and followed (refreshes update the
 * account, a session the client drops marks it for re-sign-in). A call goes out directly with the stored
 * token (../oauth/dpop-session); the OAuth library's session is restored only for what that leaves to it.
 */
export class SessionPool {
  /** Each account's session for calls; it reads its tokens from the store on every call, so refreshes show. */
  #sessions = new Map<string, FetchHandlerSession>();
  /** The OAuth library's session of each account, restored on first need (once, however many calls wait). */
  #library = new Map<string, Promise<OAuthSession>>();
  #signingOut = new Set<string>();
  /** Ends the OAuth library reported that are still being recorded (it does not wait for its listeners). */
  #ending = new Map<string, Promise<void>>();

  constructor(
    private readonly oauth: { get(): Promise<ExtensionOAuth>; readonly stores: OAuthStores },
    private readonly accounts: Accounts,
    private readonly notify: (event: KeyringEvent) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Keeps the session a sign-in just made (it may bring a new DPoP key). */
  adopt(session: OAuthSession): void {
    this.#library.set(session.did, Promise.resolve(session));
  }

  /** Forgets every live session (the OAuth client they belong to is being replaced). */
  clear(): void {
    this.#sessions.clear();
    this.#library.clear();
  }

  /**
   * The session an account's calls go through (its tokens renewed when due).
   * Pass the account record when the caller already has it.
   */
  async session(did: string, known?: AccountRecord): Promise<FetchHandlerSession> {
    const account = known?.did === did ? known : await this.accounts.get(did);
    if (account.health.state === 'reauth-required') throw ended(account.handle);
    const cached = this.#sessions.get(did);
    if (cached) return cached;
    const { sessionStore, dpopNonceCache } = this.oauth.stores;
    // No stored session: the library says why (and the account is marked).
    if (!(await sessionStore.get(did))) return this.#librarySession(did, account.handle);
    const session = new DirectSession({
      did,
      sessions: sessionStore,
      nonces: dpopNonceCache,
      library: () => this.#librarySession(did, account.handle),
    });
    performance.mark('keyring:session-restored'); // once per account and worker, for the bench
    this.#sessions.set(did, session);
    return session;
  }

  /** The OAuth library's session of an account (loading the library on first need). */
  #librarySession(did: string, handle: string): Promise<OAuthSession> {
    let session = this.#library.get(did);
    if (!session) {
      session = this.#restore(did, handle);
      this.#library.set(did, session);
      session.catch(() => this.#library.get(did) === session && this.#library.delete(did));
    }
    return session;
  }

  async #restore(did: string, handle: string): Promise<OAuthSession> {
    const { client, kit } = await this.oauth.get();
    try {
      return await client.restore(did, 'auto');
    } catch (err) {
      const reason = kit.sessionEndReason(err);
      if (reason) {
        await this.accounts.markReauth(did, reason);
        throw ended(handle, err);
      }
      throw err;
    }
  }

  /**
   * An authenticated call to the PDS (com.atproto.server.getSession) that
   * proves the session works; the popup's "check" and the tests use it.
   */
  async checkSession(did: string): Promise<{ did: string; handle: string; status: number }> {
    let response: Response;
    try {
      const session = await this.session(did);
      response = await session.fetchHandler('/xrpc/com.atproto.server.getSession');
    } catch (err) {
      // Renewing the tokens or the call itself found no server: that is not an ended session.
      if (!(err instanceof AccountError) && isNetworkFailure(err)) {
        const { pds } = await this.accounts.get(did);
        throw new AccountError('pds-unreachable', `Couldn't reach the server ${new URL(pds).host}.`, { cause: err });
      }
      throw err;
    }
    const body = (await response.json().catch(() => ({}))) as { did?: string; handle?: string };
    if (response.status === 401) {
      await this.accounts.markReauth(did, 'rejected');
      throw new AccountError('session-expired', 'The server rejected the session. Sign in again.');
    }
    if (body.handle && body.did === did) await this.accounts.update(did, { handle: body.handle });
    return { did: body.did ?? did, handle: body.handle ?? '', status: response.status };
  }

  /** Revokes the tokens at the PDS (best effort), then forgets the session, its DPoP key and the account. */
  async signOut(did: string): Promise<{ revokedAtServer: boolean }> {
    await this.accounts.get(did);
    const { client } = await this.oauth.get();
    this.#signingOut.add(did);
    this.#sessions.delete(did);
    this.#library.delete(did);
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
    await this.accounts.remove(did);
    this.notify({ type: 'sessionEnded', did, reason: 'signed-out' });
    this.notify({ type: 'accountsChanged' });
    return { revokedAtServer };
  }

  /** The OAuth client stored new tokens for a session. */
  async sessionUpdated(did: string, session: Session): Promise<void> {
    const expiresAt = session.tokenSet.expires_at;
    await this.accounts.update(did, {
      tokensUpdatedAt: this.now(),
      accessExpiresAt: expiresAt ? Date.parse(expiresAt) : null,
    });
  }

  /** The OAuth client deleted a session: revoked, refused, or signed out here. */
  sessionDeleted(did: string, reason: SessionEndReason): Promise<void> {
    this.#sessions.delete(did);
    this.#library.delete(did);
    if (this.#signingOut.has(did)) return Promise.resolve();
    // Known at once: a call the library answered with the server's refusal must find the account ended, even
    // before the mark is stored (see `recorded`).
    const marking = this.accounts.markReauth(did, reason).finally(() => {
      if (this.#ending.get(did) === marking) this.#ending.delete(did);
    });
    this.#ending.set(did, marking);
    return marking;
  }

  /** Once every end of `did`'s session the library reported so far is stored (its account then says so). */
  async recorded(did: string): Promise<void> {
    await this.#ending.get(did)?.catch(() => {});
  }
}

function ended(handle: string, cause?: unknown): AccountError {
  return new AccountError('session-expired', `The session of ${handle} has ended. Sign in again.`, { cause });
}
