import { useEffect, useState } from 'preact/hooks';
import { i18n } from '#i18n';
import { callKeyring } from '../api';

/** A connected site's "notify me when it writes" checkbox (src/activity/write-alerts.ts). */
export function NotifyToggle({ origin }: { origin: string }) {
  const [on, setOn] = useState<boolean | null>(null);
  useEffect(() => {
    void callKeyring('writeAlerts.getNotify', { origin }).then(setOn, () => setOn(false));
  }, [origin]);
  if (on === null) return null;
  return (
    <label class="notify-toggle">
      <input
        type="checkbox"
        checked={on}
        data-testid="notify-toggle"
        onChange={async (e) => {
          const wanted = (e.target as HTMLInputElement).checked;
          await callKeyring('writeAlerts.setNotify', { origin, on: wanted }).then(
            () => setOn(wanted),
            () => setOn(!wanted),
          );
        }}
      />
      {i18n.t('popup.sites.notifyLabel')}
    </label>
  );
}
