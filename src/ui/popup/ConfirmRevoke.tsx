import { useState } from 'preact/hooks';
import { i18n } from '#i18n';

/**
 * A revoke button that asks first, inline: the first click only shows the question with "Yes, revoke"
 * and "Cancel" (no `window.confirm`, which an extension popup cannot style or test). Not the primary look.
 */
export function ConfirmRevoke(props: {
  label: string;
  question: string;
  /** Names the test ids: `${testId}` opens the question, `${testId}-confirm` revokes. */
  testId: string;
  onConfirm(): Promise<void>;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) {
    return (
      <button type="button" class="secondary" onClick={() => setAsking(true)} data-testid={props.testId}>
        {props.label}
      </button>
    );
  }
  return (
    <div class="confirm" role="alert" data-testid={`${props.testId}-question`}>
      <p>{props.question}</p>
      <div class="actions">
        <button
          type="button"
          class="secondary"
          disabled={busy}
          onClick={() => setAsking(false)}
          data-testid={`${props.testId}-cancel`}
        >
          {i18n.t('popup.sites.cancelButton')}
        </button>
        <button
          type="button"
          class="danger"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            try {
              await props.onConfirm();
            } finally {
              setBusy(false);
              setAsking(false);
            }
          }}
          data-testid={`${props.testId}-confirm`}
        >
          {i18n.t('popup.sites.confirmRevokeButton')}
        </button>
      </div>
    </div>
  );
}
