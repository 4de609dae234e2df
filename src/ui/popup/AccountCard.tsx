import { i18n } from '#i18n';
import { sessionEndReason, sessionStanding } from '../../accounts/session-standing';
import type { AccountRecord } from '../../storage/db';
import { SiteText } from '../consent/SiteText';
import { letterBadge } from '../consent/site-badge';
import { absoluteTime, relativeTime } from '../format';
import type { AccountProfile } from './profiles';

/** What the last Check found, in the popup's words (never shown beside a contradicting state). */
export type CheckView =
  | { kind: 'ok'; handle: string }
  /** No answer from the server: the session is kept, sites wait for the server. */
  | { kind: 'unreachable'; host: string }
  /** The server ended the session: the card shows it as ended. */
  | { kind: 'ended' }
  | { kind: 'failed'; message: string };

export interface AccountCardProps {
  account: AccountRecord;
  active: boolean;
  busy: boolean;
  profile?: AccountProfile;
  check?: CheckView;
  onUse(): void;
  onCheck(): void;
  onSignOut(): void;
  onSignInAgain(): void;
  now?: number;
}

/**
 * One account: by its name and picture, whether it is the one sites are offered, and where its session
 * stands in plain words; its DID, server and times behind "Details".
 */
export function AccountCard({ account, active, busy, profile, check, now = Date.now(), ...on }: AccountCardProps) {
  const standing = sessionStanding(account, now);
  const displayName = profile?.displayName;
  return (
    <li
      class={`account${active ? ' active' : ''}${standing === 'ended' ? ' reauth' : ''}`}
      data-testid="account"
      data-did={account.did}
      data-standing={standing}
    >
      <div class="account-head">
        <Avatar account={account} profile={profile} />
        <div class="account-names">
          {displayName ? (
            <>
              <strong data-testid="account-name">
                <SiteText text={displayName} max={64} />
              </strong>
              <span class="note handle" data-testid="account-handle">
                @{account.handle}
              </span>
            </>
          ) : (
            <strong class="handle" data-testid="account-handle">
              @{account.handle}
            </strong>
          )}
        </div>
        {active ? (
          <span class="badge" data-testid="active-badge">
            {i18n.t('popup.account.activeBadge')}
          </span>
        ) : (
          standing !== 'ended' && (
            <button
              type="button"
              onClick={on.onUse}
              disabled={busy}
              data-testid="use-account"
              aria-label={i18n.t('popup.account.useLabel', { handle: account.handle })}
            >
              {i18n.t('popup.account.useButton')}
            </button>
          )
        )}
      </div>
      <p
        class={standing === 'ok' ? 'note' : 'error-text'}
        data-testid="account-session"
        title={absoluteTime(account.sessionExpiresAt)}
      >
        {sessionLine(account, standing)}
      </p>
      {check && standing !== 'ended' && <CheckLine check={check} />}
      <div class="account-foot">
        <details class="account-details" data-testid="account-details">
          <summary>{i18n.t('popup.account.detailsSummary')}</summary>
          <dl>
            <dt>{i18n.t('popup.account.didLabel')}</dt>
            <dd class="mono" data-testid="account-did">
              {account.did}
            </dd>
            <dt>{i18n.t('popup.account.serverLabel')}</dt>
            <dd class="mono" data-testid="account-pds">
              {account.pds}
            </dd>
            <dt>{i18n.t('popup.account.signedInLabel')}</dt>
            <dd>{absoluteTime(account.signedInAt)}</dd>
            <dt>{i18n.t('popup.account.sessionLabel')}</dt>
            <dd>{absoluteTime(account.sessionExpiresAt)}</dd>
          </dl>
        </details>
        <div class="actions">
          {standing !== 'ok' && (
            <button type="button" onClick={on.onSignInAgain} disabled={busy} data-testid="sign-in-again">
              {i18n.t('popup.account.signInAgainButton')}
            </button>
          )}
          {standing !== 'ended' && (
            <button type="button" class="secondary" onClick={on.onCheck} disabled={busy} data-testid="check-account">
              {i18n.t('popup.account.checkButton')}
            </button>
          )}
          <button type="button" class="danger" onClick={on.onSignOut} disabled={busy} data-testid="sign-out">
            {i18n.t('popup.account.signOutButton')}
          </button>
        </div>
      </div>
    </li>
  );
}

function sessionLine(account: AccountRecord, standing: ReturnType<typeof sessionStanding>): string {
  if (standing === 'ok') return i18n.t('popup.account.sessionOk', { ends: relativeTime(account.sessionExpiresAt) });
  if (standing === 'ending')
    return i18n.t('popup.account.sessionEnding', { ends: relativeTime(account.sessionExpiresAt) });
  const reason = account.health.state === 'reauth-required' ? sessionEndReason(account.health.reason) : 'ended';
  switch (reason) {
    case 'revoked':
      return i18n.t('popup.account.endedRevoked');
    case 'refresh-refused':
    case 'rejected':
      return i18n.t('popup.account.endedRefused');
    case 'ended':
      return i18n.t('popup.account.endedExpired');
  }
}

function CheckLine({ check }: { check: CheckView }) {
  if (check.kind === 'ok')
    return (
      <p class="note" role="status" data-testid="check-result" data-result="ok">
        {i18n.t('popup.account.checkResult', { handle: check.handle })}
      </p>
    );
  const text =
    check.kind === 'unreachable'
      ? i18n.t('popup.account.checkUnreachable', { host: check.host })
      : check.kind === 'ended'
        ? i18n.t('popup.account.endedRefused')
        : i18n.t('popup.account.checkFailed', { message: check.message });
  return (
    <p class="error-text" role="alert" data-testid="check-result" data-result={check.kind}>
      {text}
    </p>
  );
}

/** The account's picture (a small copy kept by the popup), or a letter badge. */
function Avatar({ account, profile }: { account: AccountRecord; profile?: AccountProfile }) {
  if (profile?.avatar)
    return (
      <img
        class="account-avatar large"
        src={profile.avatar}
        alt=""
        width={32}
        height={32}
        data-testid="account-avatar"
      />
    );
  const badge = letterBadge(account.handle, account.did);
  return (
    <span
      class="account-avatar large account-badge"
      aria-hidden="true"
      style={`background-color: hsl(${badge.hue} 55% 28%)`}
      data-testid="account-avatar-badge"
      data-letter={badge.letter}
    />
  );
}
