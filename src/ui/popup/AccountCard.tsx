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
            active
          </span>
        )}
      </div>
      <dl>
        <dt>DID</dt>
        <dd class="mono" data-testid="account-did">
          {account.did}
        </dd>
        <dt>Server</dt>
        <dd class="mono" data-testid="account-pds">
          {account.pds}
        </dd>
        <dt>Session</dt>
        <dd data-testid="account-session">
          {needsReauth ? (
            <span class="error-text">Ended: {account.health.state === 'reauth-required' && account.health.reason}</span>
          ) : (
            <span title={absoluteTime(account.sessionExpiresAt)}>
              ends {relativeTime(account.sessionExpiresAt)} · renewed {relativeTime(account.tokensUpdatedAt)}
              {account.accessExpiresAt
                ? ` · token ${account.accessExpiresAt > Date.now() ? 'valid' : 'due for renewal'}`
                : ''}
            </span>
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
            Sign in again
          </button>
        ) : (
          <>
            {!active && (
              <button type="button" onClick={onUse} disabled={busy} data-testid="use-account">
                Use
              </button>
            )}
            <button type="button" onClick={onCheck} disabled={busy} data-testid="check-account">
              Check
            </button>
          </>
        )}
        <button type="button" class="danger" onClick={onSignOut} disabled={busy} data-testid="sign-out">
          Sign out
        </button>
      </div>
    </li>
  );
}
