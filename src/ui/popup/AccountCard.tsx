import { i18n } from '#i18n';
import type { AccountRecord } from '../../storage/db';
import { absoluteTime, relativeTime } from '../format';

export interface AccountCardProps {
  account: AccountRecord;
  active: boolean;
  busy: boolean;
  onUse(): void;
  onCheck(): void;
  onSignOut(): void;
  onSignInAgain(): void;
  checkResult?: string;
}

export function AccountCard({
  account,
  active,
  busy,
  onUse,
  onCheck,
  onSignOut,
  onSignInAgain,
  checkResult,
}: AccountCardProps) {
  const needsReauth = account.health.state === 'reauth-required';
  return (
    <li
      class={`account${active ? ' active' : ''}${needsReauth ? ' reauth' : ''}`}
      data-testid="account"
      data-did={account.did}
    >
      <div class="account-head">
        <strong class="handle" data-testid="account-handle">
          @{account.handle}
        </strong>
        {active && (
          <span class="badge" data-testid="active-badge">
            {i18n.t('popup.account.activeBadge')}
          </span>
        )}
      </div>
      <dl>
        <dt>{i18n.t('popup.account.didLabel')}</dt>
        <dd class="mono" data-testid="account-did">
          {account.did}
        </dd>
        <dt>{i18n.t('popup.account.serverLabel')}</dt>
        <dd class="mono" data-testid="account-pds">
          {account.pds}
        </dd>
        <dt>{i18n.t('popup.account.sessionLabel')}</dt>
        <dd data-testid="account-session">
          {needsReauth ? (
            <span class="error-text">
              {i18n.t('popup.account.sessionEnded', {
                reason: account.health.state === 'reauth-required' ? account.health.reason : '',
              })}
            </span>
          ) : (
            <span title={absoluteTime(account.sessionExpiresAt)}>{sessionTimes(account)}</span>
          )}
        </dd>
      </dl>
      {checkResult && (
        <p class="note" data-testid="check-result">
          {checkResult}
        </p>
      )}
      <div class="actions">
        {needsReauth ? (
          <button type="button" onClick={onSignInAgain} disabled={busy} data-testid="sign-in-again">
            {i18n.t('popup.account.signInAgainButton')}
          </button>
        ) : (
          <>
            {!active && (
              <button type="button" onClick={onUse} disabled={busy} data-testid="use-account">
                {i18n.t('popup.account.useButton')}
              </button>
            )}
            <button type="button" onClick={onCheck} disabled={busy} data-testid="check-account">
              {i18n.t('popup.account.checkButton')}
            </button>
          </>
        )}
        <button type="button" class="danger" onClick={onSignOut} disabled={busy} data-testid="sign-out">
          {i18n.t('popup.account.signOutButton')}
        </button>
      </div>
    </li>
  );
}

/** When the session ends and was last renewed, and whether the access token is still good (if known). */
function sessionTimes(account: AccountRecord): string {
  const times = { ends: relativeTime(account.sessionExpiresAt), renewed: relativeTime(account.tokensUpdatedAt) };
  if (!account.accessExpiresAt) return i18n.t('popup.account.sessionTimes', times);
  return account.accessExpiresAt > Date.now()
    ? i18n.t('popup.account.sessionTimesTokenValid', times)
    : i18n.t('popup.account.sessionTimesTokenDue', times);
}
