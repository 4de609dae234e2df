import { i18n } from '#i18n';
import type { AccountRecord, KeyringDB } from '../storage/db';
import { readMeta } from '../storage/db';

import { EXPIRY_NOTICE_BEFORE_MS } from './session-standing';

export { EXPIRY_NOTICE_BEFORE_MS, type SessionStanding, sessionStanding } from './session-standing';
/** The alarm that wakes the background when the next account comes within that time of its end. */
export const SESSION_EXPIRY_ALARM = 'session-expiry';
/** Notifications of this module: the id names the account, so a click knows whom to sign in again. */
export const EXPIRY_NOTIFICATION_PREFIX = 'session-expiry:';

export interface ExpiryNoticeSurface {
  notify(id: string, text: { title: string; message: string }): Promise<void>;
  /** Wakes the background at `at` (epoch ms) to check again; null: nothing to wait for. */
  wakeAt(at: number | null): Promise<void>;
}

export interface SessionExpiryDeps {
  db: KeyringDB;
  accounts(): Promise<AccountRecord[]>;
  surface: ExpiryNoticeSurface;
  /** The clock (tests set it). */
  now?: () => number;
}

const noticeKey = (did: string) => `expiryNoticeFor:${did}` as const;

/**
 * Tells the user, once per session, that an account's session is about to end (two days before) or has
 * ended (when the browser was closed through those two days): public clients' sessions end 14 days after
 * sign-in however often they are renewed, and nothing else would say so before sites stop working.
 */
export class SessionExpiryNotices {
  readonly #now: () => number;

  constructor(private readonly deps: SessionExpiryDeps) {
    this.#now = deps.now ?? Date.now;
  }

  /** Shows what is due and sets the alarm for the next account to come due. */
  async check(): Promise<void> {
    const now = this.#now();
    let next: number | null = null;
    for (const account of await this.deps.accounts()) {
      const dueAt = account.sessionExpiresAt - EXPIRY_NOTICE_BEFORE_MS;
      if (now < dueAt) {
        next = next === null ? dueAt : Math.min(next, dueAt);
        continue;
      }
      // A session the server ended early was already shown as ended where the user acted on it.
      if (account.health.state !== 'ok') continue;
      const key = noticeKey(account.did);
      if ((await readMeta(this.deps.db.transaction('meta').store, key)) === account.sessionExpiresAt) continue;
      await this.deps.db.put('meta', account.sessionExpiresAt, key);
      try {
        await this.deps.surface.notify(`${EXPIRY_NOTIFICATION_PREFIX}${account.did}`, noticeText(account, now));
      } catch (err) {
        console.error('AT Keyring: a session notice failed', err);
      }
    }
    await this.deps.surface.wakeAt(next);
  }

  /** Forgets an account's notice (it signed out). */
  forget(did: string): Promise<void> {
    return this.deps.db.delete('meta', noticeKey(did));
  }
}

function noticeText(account: AccountRecord, now: number): { title: string; message: string } {
  const handle = account.handle;
  if (now >= account.sessionExpiresAt)
    return {
      title: i18n.t('sessionNotice.endedTitle', { handle }),
      message: i18n.t('sessionNotice.endedMessage'),
    };
  const hours = Math.max(1, Math.round((account.sessionExpiresAt - now) / 3_600_000));
  return {
    title: i18n.t('sessionNotice.endingTitle', { handle }),
    message: i18n.t('sessionNotice.endingMessage', hours, { hours: String(hours) }),
  };
}
