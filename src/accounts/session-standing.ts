import type { AccountRecord, SessionEndReason } from '../storage/db';

const DAY_MS = 24 * 60 * 60_000;
/** How long before a session's end the user is told to sign in again. */
export const EXPIRY_NOTICE_BEFORE_MS = 2 * DAY_MS;

/**
 * Where an account's session stands, as the popup shows it: fine, ending within {@link EXPIRY_NOTICE_BEFORE_MS}
 * (a public client cannot renew past its end, so only a new sign-in helps), or ended. Pages import this
 * module alone (no storage code comes with it).
 */
export type SessionStanding = 'ok' | 'ending' | 'ended';

export function sessionStanding(account: AccountRecord, now: number): SessionStanding {
  if (account.health.state === 'reauth-required' || now >= account.sessionExpiresAt) return 'ended';
  return account.sessionExpiresAt - now <= EXPIRY_NOTICE_BEFORE_MS ? 'ending' : 'ok';
}

const SESSION_END_REASONS: readonly string[] = ['revoked', 'refresh-refused', 'rejected', 'ended'];

/** A stored reason as a code: rows from before the codes hold an English sentence, read as "ended". */
export const sessionEndReason = (stored: string): SessionEndReason =>
  SESSION_END_REASONS.includes(stored) ? (stored as SessionEndReason) : 'ended';
