import { useEffect, useState } from 'preact/hooks';
import { i18n } from '#i18n';
import type { PrivilegedResult } from '../../protocol/privileged';
import { callKeyring } from '../api';

/** One line saying which sites wrote for the user lately: what the toolbar badge counts. */
export function RecentWrites() {
  const [recent, setRecent] = useState<PrivilegedResult<'writeAlerts.recent'> | null>(null);
  useEffect(() => {
    void callKeyring('writeAlerts.recent').then(setRecent, () => {});
  }, []);
  if (!recent?.sites.length) return null;
  const sites = recent.sites
    .map(({ origin, changes }) => i18n.t('popup.recentWritesSite', { origin, count: String(changes) }))
    .join(', ');
  return (
    <p class="note" data-testid="recent-writes">
      {i18n.t('popup.recentWrites', { minutes: String(recent.windowMinutes), sites })}
    </p>
  );
}
