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
  /**
   * The store by DID, read once per worker life: the background is its only writer, so it keeps it in memory
   * too and every write here goes to both (IndexedDB stays the source of truth across restarts).
   */
  #mirror: Promise<Map<string, AccountRecord>> | undefined;

  constructor(
    private readonly db: KeyringDB,
    private readonly notify: (event: KeyringEvent) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads the store now, so a woken worker's first call finds its account read. */
  warm(): void {
    void this.#accounts().catch(() => {});
  }

  /** Every account, oldest sign-in first. */
  async list(): Promise<AccountList> {
    const accounts = [...(await this.#accounts()).values()].map(copy);
    accounts.sort((a, b) => a.signedInAt - b.signedInAt);
    return { accounts, activeDid: await this.activeDid() };
  }

  /** The active account's DID, or null when there is none (or it is gone). */
  async activeDid(): Promise<string | null> {
    const did = await readMeta(this.db.transaction('meta').store, 'activeDid');
    return did && (await this.#accounts()).has(did) ? did : null;
  }

  async get(did: string): Promise<AccountRecord> {
    const account = (await this.#accounts()).get(did);
    if (!account) throw new AccountError('no-such-account', 'That account is not in the keyring.');
    return copy(account);
  }

  async setActive(did: string): Promise<void> {
    await this.get(did);
    await this.db.put('meta', did, 'activeDid');
    this.notify({ type: 'activeChanged', did });
    this.notify({ type: 'accountsChanged' });
  }

  /** Saves an account after a sign-in (a fresh session, healthy); the first account becomes active. */
  async recordSignIn(signedIn: SignedInAccount): Promise<AccountRecord> {
    const mirror = await this.#accounts();
    const now = this.now();
    const previous = mirror.get(signedIn.did);
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
    mirror.set(account.did, account);
    if (!previous && !(await this.activeDid())) await this.db.put('meta', account.did, 'activeDid');
    return copy(account);
  }

  /** Changes some fields of an account, if it is still there. */
  async update(did: string, patch: Partial<AccountRecord>): Promise<void> {
    const mirror = await this.#accounts();
    const tx = this.db.transaction('accounts', 'readwrite');
    const account = await tx.store.get(did);
    const next = account ? { ...account, ...patch } : undefined;
    if (next) await tx.store.put(next);
    await tx.done;
    if (next) mirror.set(did, next);
  }

  /** Marks an account's session as ended (once), so it offers "Sign in again". */
  async markReauth(did: string, reason: string): Promise<void> {
    const mirror = await this.#accounts();
    const account = await this.db.get('accounts', did);
    if (!account || account.health.state === 'reauth-required') return;
    const next: AccountRecord = { ...account, health: { state: 'reauth-required', reason, at: this.now() } };
    await this.db.put('accounts', next);
    mirror.set(did, next);
    this.notify({ type: 'sessionEnded', did, reason });
    this.notify({ type: 'accountsChanged' });
  }

  /** Forgets an account; when it was the active one, the oldest remaining account becomes active. */
  async remove(did: string): Promise<void> {
    const mirror = await this.#accounts();
    await this.db.delete('accounts', did);
    mirror.delete(did);
    if ((await readMeta(this.db.transaction('meta').store, 'activeDid')) === did) {
      const [next] = (await this.list()).accounts;
      if (next) await this.db.put('meta', next.did, 'activeDid');
      else await this.db.delete('meta', 'activeDid');
    }
  }

  #accounts(): Promise<Map<string, AccountRecord>> {
    if (!this.#mirror) {
      const reading = this.db.getAll('accounts').then((all) => new Map(all.map((a) => [a.did, a])));
      // A failed read is not kept: the next call reads again.
      reading.catch(() => {
        if (this.#mirror === reading) this.#mirror = undefined;
      });
      this.#mirror = reading;
    }
    return this.#mirror;
  }
}

/** A record of the caller's own: nothing it changes reaches the mirror. */
const copy = (account: AccountRecord): AccountRecord => structuredClone(account);
