import {
  type OAuthSession,
  type Session,
  TokenInvalidError,
  TokenRefreshError,
  TokenRevokedError,
} from '@atproto/oauth-client-browser';
import type { ExtensionOAuth } from '../oauth/client-lifecycle';
import type { AccountRecord, SessionEndReason } from '../storage/db';
import type { Accounts } from './accounts';
import { AccountError, isNetworkFailure } from './errors';
import type { KeyringEvent } from './platform';

/**
 * The live OAuth session of each account: restored from the client's store
 * on first use and kept, signed out on request, and followed (refreshes
 * update the account, a session the client drops marks it for re-sign-in).
 */
export class SessionPool {
  /** Live sessions by DID; each reads its tokens from the store on every call, so refreshes show. */
  #sessions = new Map<string, OAuthSession>();
  #signingOut = new Set<string>();

  constructor(
    private readonly oauth: { get(): Promise<ExtensionOAuth> },
    private readonly accounts: Accounts,
    private readonly notify: (event: KeyringEvent) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Keeps the session a sign-in just made (it may bring a new DPoP key). */
  adopt(session: OAuthSession): void {
    this.#sessions.set(session.did, session);
  }

  /** Forgets every live session (the OAuth client they belong to is being replaced). */
  clear(): void {
    this.#sessions.clear();
  }

  /**
   * The live OAuth session of an account (refreshed when due, by its fetch
   * handler). Pass the account record when the caller already has it.
   */
  async session(did: string, known?: AccountRecord): Promise<OAuthSession> {
    const account = known?.did === did ? known : await this.accounts.get(did);
    if (account.health.state === 'reauth-required') {
      throw new AccountError('session-expired', `The session of ${account.handle} has ended. Sign in again.`);
    }
    const cached = this.#sessions.get(did);
    if (cached) return cached;
    const { client } = await this.oauth.get();
    try {
      const session = await client.restore(did, 'auto');
      performance.mark('keyring:session-restored'); // once per account and worker, for the bench
      this.#sessions.set(did, session);
      return session;
    } catch (err) {
      if (isSessionGone(err)) {
        await this.accounts.markReauth(did, describeSessionEnd(err));
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
  async sessionDeleted(did: string, cause: unknown): Promise<void> {
    this.#sessions.delete(did);
    if (this.#signingOut.has(did)) return;
    await this.accounts.markReauth(did, describeSessionEnd(cause));
  }
}

function isSessionGone(err: unknown): boolean {
  return err instanceof TokenRefreshError || err instanceof TokenRevokedError || err instanceof TokenInvalidError;
}

function describeSessionEnd(cause: unknown): SessionEndReason {
  if (cause instanceof TokenRevokedError) return 'revoked';
  if (cause instanceof TokenRefreshError) return 'refresh-refused';
  if (cause instanceof TokenInvalidError) return 'rejected';
  return 'ended';
}
