import { type AccountRecord, type KeyringDB, readMeta } from '../storage/db';
import { AccountError } from './errors';
import type { KeyringEvent } from './platform';

/** Public-client sessions end this long after sign-in at the reference PDS. */
export const PUBLIC_CLIENT_SESSION_LIFETIME_MS = 14 * 24 * 3600_000;

export interface AccountList {
  accounts: AccountRecord[];
  activeDid: string | null;
}

/** What a sign-in tells about an account (from its token response and identity). */
export interface SignedInAccount {
  did: string;
  handle: string;
  pds: string;
  issuer: string;
  scope: string;
  accessExpiresAt: number | null;
}

/**
 * The signed-in accounts (the `accounts` store) and which one is active
 * (`meta.activeDid`), with each account's session health as last seen.
 */
export class Accounts {
  constructor(
    private readonly db: KeyringDB,
    private readonly notify: (event: KeyringEvent) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every account, oldest sign-in first. */
  async list(): Promise<AccountList> {
    const accounts = await this.db.getAll('accounts');
    accounts.sort((a, b) => a.signedInAt - b.signedInAt);
    return { accounts, activeDid: await this.activeDid() };
  }

  /** The active account's DID, or null when there is none (or it is gone). */
  async activeDid(): Promise<string | null> {
    const did = await readMeta(this.db.transaction('meta').store, 'activeDid');
    return did && (await this.db.get('accounts', did)) ? did : null;
  }

  async get(did: string): Promise<AccountRecord> {
    const account = await this.db.get('accounts', did);
    if (!account) throw new AccountError('no-such-account', 'That account is not in the keyring.');
    return account;
  }

  async setActive(did: string): Promise<void> {
    await this.get(did);
    await this.db.put('meta', did, 'activeDid');
    this.notify({ type: 'activeChanged', did });
    this.notify({ type: 'accountsChanged' });
  }

  /** Saves an account after a sign-in (a fresh session, healthy); the first account becomes active. */
  async recordSignIn(signedIn: SignedInAccount): Promise<AccountRecord> {
    const now = this.now();
    const previous = await this.db.get('accounts', signedIn.did);
    const account: AccountRecord = {
      did: signedIn.did,
      handle: signedIn.handle,
      pds: signedIn.pds,
      issuer: signedIn.issuer,
      scope: signedIn.scope,
      signedInAt: now,
      tokensUpdatedAt: now,
      accessExpiresAt: signedIn.accessExpiresAt,
      sessionExpiresAt: now + PUBLIC_CLIENT_SESSION_LIFETIME_MS,
      health: { state: 'ok' },
    };
    await this.db.put('accounts', account);
    if (!previous && !(await this.activeDid())) await this.db.put('meta', account.did, 'activeDid');
    return account;
  }

  /** Changes some fields of an account, if it is still there. */
  async update(did: string, patch: Partial<AccountRecord>): Promise<void> {
    const tx = this.db.transaction('accounts', 'readwrite');
    const account = await tx.store.get(did);
    if (account) await tx.store.put({ ...account, ...patch });
    await tx.done;
  }

  /** Marks an account's session as ended (once), so it offers "Sign in again". */
  async markReauth(did: string, reason: string): Promise<void> {
    const account = await this.db.get('accounts', did);
    if (!account || account.health.state === 'reauth-required') return;
    await this.db.put('accounts', { ...account, health: { state: 'reauth-required', reason, at: this.now() } });
    this.notify({ type: 'sessionEnded', did, reason });
    this.notify({ type: 'accountsChanged' });
  }

  /** Forgets an account; when it was the active one, the oldest remaining account becomes active. */
  async remove(did: string): Promise<void> {
    await this.db.delete('accounts', did);
    if ((await readMeta(this.db.transaction('meta').store, 'activeDid')) === did) {
      const [next] = (await this.list()).accounts;
      if (next) await this.db.put('meta', next.did, 'activeDid');
      else await this.db.delete('meta', 'activeDid');
    }
  }
}
