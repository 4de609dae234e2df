import { useEffect, useState } from 'preact/hooks';
import { i18n } from '#i18n';
import { callKeyring } from '../api';

/**
 * "Always ask before deleting", checked by default: the network setting `allowAlwaysForDeletes` read the
 * other way round (src/permissions/risk.ts). Checked, every delete opens a window, even inside a grant.
 */
export function DeletePolicy({ onError }: { onError(message: string): void }) {
  const [ask, setAsk] = useState<boolean | null>(null);
  useEffect(() => {
    callKeyring('settings.get').then(
      (s) => setAsk(!s.allowAlwaysForDeletes),
      (e) => onError(e.message),
    );
  }, [onError]);
  if (ask === null) return null;
  return (
    <div class="policy">
      <label class="check">
        <input
          type="checkbox"
          checked={ask}
          aria-describedby="policy-ask-note"
          onChange={async (e) => {
            const checked = (e.target as HTMLInputElement).checked;
            try {
              const saved = await callKeyring('settings.update', { settings: { allowAlwaysForDeletes: !checked } });
              setAsk(!saved.allowAlwaysForDeletes);
            } catch (err) {
              onError((err as Error).message);
            }
          }}
          data-testid="policy-ask-before-deleting"
        />
        {i18n.t('popup.policy.askBeforeDeletingLabel')}
      </label>
      <p class="note" id="policy-ask-note">
        {i18n.t('popup.policy.askBeforeDeletingNote')}
      </p>
    </div>
  );
}
