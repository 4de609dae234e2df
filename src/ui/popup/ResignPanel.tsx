import { i18n } from '#i18n';
import { sessionStanding } from '../../accounts/session-standing';
import type { AccountRecord } from '../../storage/db';
import { relativeTime } from '../format';

/**
 * The one place that lists every account whose session has ended or ends within two days, each with its own
 * "Sign in again": a browser app's session cannot be renewed past its end, and each account must consent again
 * at its own server, so they are done one at a time, from the top.
 */
export function ResignPanel(props: {
  accounts: AccountRecord[];
  busy: boolean;
  onSignInAgain(account: AccountRecord): void;
}) {
  const now = Date.now();
  const due = props.accounts
    .filter((a) => sessionStanding(a, now) !== 'ok')
    .sort((a, b) => a.sessionExpiresAt - b.sessionExpiresAt);
  if (!due.length) return null;
  return (
    <section class="resign" data-testid="resign-panel" aria-labelledby="resign-heading">
      <h2 id="resign-heading">{i18n.t('popup.resign.heading', due.length, { count: String(due.length) })}</h2>
      <p class="note">{i18n.t('popup.resign.explain')}</p>
      <ol>
        {due.map((account, i) => (
          <li key={account.did} data-testid="resign-account" data-did={account.did}>
            <span>
              @{account.handle}{' '}
              <span class="note">
                {sessionStanding(account, now) === 'ended'
                  ? i18n.t('popup.resign.ended')
                  : i18n.t('popup.resign.ends', { ends: relativeTime(account.sessionExpiresAt, now) })}
              </span>
            </span>
            <button
              type="button"
              class={i === 0 ? '' : 'secondary'}
              disabled={props.busy}
              onClick={() => props.onSignInAgain(account)}
              aria-label={i18n.t('popup.resign.buttonLabel', { handle: account.handle })}
              data-testid="resign-sign-in"
            >
              {i18n.t('popup.account.signInAgainButton')}
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
