import type { AccountRecord, PromptRecord } from '../../storage/db';

/** Accounts the consent window lists and lets the user pick: a session that needs signing in again is not offered. */
export function selectable(accounts: AccountRecord[]): AccountRecord[] {
  return accounts.filter((a) => a.health.state === 'ok');
}

/**
 * The account to preselect in a consent window: the current choice while it
 * stays selectable; else the site's `account` hint, only if it names an
 * account the list shows; else the active account (if listed); else the
 * first listed one; '' when none is.
 */
export function preselect(
  view: { prompt: Pick<PromptRecord, 'details'>; accounts: AccountRecord[]; activeDid: string | null },
  current: string,
): string {
  const usable = selectable(view.accounts);
  if (usable.some((a) => a.did === current)) return current;
  const hint = view.prompt.details.kind === 'connect' ? view.prompt.details.account : undefined;
  const hinted = hint ? usable.find((a) => a.did === hint || a.handle.toLowerCase() === hint.toLowerCase()) : undefined;
  return (hinted ?? usable.find((a) => a.did === view.activeDid) ?? usable[0])?.did ?? '';
}
