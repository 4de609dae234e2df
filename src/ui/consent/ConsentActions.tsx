import { useState } from 'preact/hooks';
import { i18n } from '#i18n';
import type { GrantDuration } from '../../broker/grant-expiry';
import type { PromptView } from '../../protocol/privileged';
import { DurationPicker } from './DurationPicker';

export interface ConsentActionsProps {
  view: PromptView;
  busy: boolean;
  /** The approval guard's state: approving buttons wait a moment (see approval-guard.ts). */
  armed: boolean;
  /** Connect: an account that can be connected is chosen. */
  accountChosen: boolean;
  onReject(): void;
  /** `duration`: how long the connect, or what "Always allow" adds, lasts. */
  onApprove(remember: boolean, duration: GrantDuration): void;
}

/**
 * The answers. The safest "yes" is the primary one: "Connect" for a connect,
 * "Allow once" for a call. "Always allow" is secondary, says where to undo
 * it, and is not offered when the background says so (deletes, by default). Both a connect and "Always
 * allow" last until revoked unless the user picks a shorter time (as before the choice existed).
 */
export function ConsentActions({ view, busy, armed, accountChosen, onReject, onApprove }: ConsentActionsProps) {
  const [duration, setDuration] = useState<GrantDuration>('revoke');
  if (view.prompt.kind === 'connect') {
    return (
      <>
        <DurationPicker kind="connect" value={duration} disabled={busy} onChange={setDuration} />
        <div class="actions">
          <button type="button" class="secondary" disabled={busy} onClick={onReject} data-testid="consent-reject">
            {i18n.t('consent.cancelButton')}
          </button>
          <button
            type="button"
            class="primary"
            disabled={busy || !armed || !accountChosen}
            onClick={() => onApprove(false, duration)}
            data-testid="consent-approve"
          >
            {i18n.t('consent.connectButton')}
          </button>
        </div>
      </>
    );
  }
  const offered = view.always === 'offered';
  return (
    <>
      {offered && <DurationPicker kind="always" value={duration} disabled={busy} onChange={setDuration} />}
      <div class="actions">
        <button type="button" class="secondary" disabled={busy} onClick={onReject} data-testid="consent-deny">
          {i18n.t('consent.denyButton')}
        </button>
        {offered && (
          <button
            type="button"
            class="secondary"
            disabled={busy || !armed}
            onClick={() => onApprove(true, duration)}
            aria-describedby="consent-always-note"
            data-testid="consent-always"
          >
            {i18n.t('consent.alwaysAllowButton')}
          </button>
        )}
        <button
          type="button"
          class="primary"
          disabled={busy || !armed}
          onClick={() => onApprove(false, duration)}
          data-testid="consent-once"
        >
          {i18n.t('consent.allowOnceButton')}
        </button>
      </div>
      {offered && (
        <p class="note" id="consent-always-note" data-testid="consent-always-note">
          {i18n.t('consent.alwaysUndoNote')}
        </p>
      )}
      {view.always === 'off-for-deletes' && (
        <p class="note" data-testid="consent-always-off">
          {i18n.t('consent.alwaysOffForDeletesNote')}
        </p>
      )}
    </>
  );
}
