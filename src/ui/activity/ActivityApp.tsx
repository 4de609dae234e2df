import { useCallback, useEffect, useState } from 'preact/hooks';
import { i18n } from '#i18n';
import type { AccountList } from '../../accounts/keyring';
import type { ActivityEntry, ReadCount } from '../../activity/activity-log';
import { callKeyring } from '../api';
import { ActivityItem } from './ActivityItem';
import { ReadCounts } from './ReadCounts';

/** Entries asked for at a time: the page opens on the newest, however long the log is. */
export const ACTIVITY_PAGE_SIZE = 50;

interface Filter {
  origin?: string;
  did?: string;
}

/** The activity log: what sites did as the user's accounts, newest first, per site and per account. */
export function ActivityApp(initial: Filter) {
  const [filter, setFilter] = useState<Filter>(initial);
  const [entries, setEntries] = useState<ActivityEntry[] | null>(null);
  const [next, setNext] = useState<number>();
  const [reads, setReads] = useState<ReadCount[]>([]);
  const [facets, setFacets] = useState<{ origins: string[]; dids: string[] }>({ origins: [], dids: [] });
  const [handles, setHandles] = useState<Record<string, string>>({});
  const [error, setError] = useState('');

  const load = useCallback(async (which: Filter) => {
    try {
      const page = await callKeyring('activity.list', { ...which, limit: ACTIVITY_PAGE_SIZE });
      setEntries(page.entries);
      setNext(page.next);
      setError('');
    } catch (err) {
      setError((err as Error).message);
      setEntries([]);
    }
    // The rest follows the first page: the newest entries show first.
    callKeyring('activity.reads', which).then(setReads, () => setReads([]));
  }, []);

  useEffect(() => {
    document.title = i18n.t('activity.windowTitle');
    void load(filter);
    callKeyring('activity.facets').then(setFacets, () => {});
    callKeyring('accounts.list').then(
      (list: AccountList) => setHandles(Object.fromEntries(list.accounts.map((a) => [a.did, a.handle]))),
      () => {},
    );
  }, []);

  const choose = (change: Filter) => {
    const chosen = { ...filter, ...change };
    for (const key of ['origin', 'did'] as const) if (!chosen[key]) delete chosen[key];
    setFilter(chosen);
    setEntries(null);
    const url = new URL(location.href);
    url.search = new URLSearchParams(chosen as Record<string, string>).toString();
    history.replaceState(null, '', url);
    void load(chosen);
  };

  const more = async () => {
    if (next === undefined) return;
    const page = await callKeyring('activity.list', { ...filter, before: next, limit: ACTIVITY_PAGE_SIZE });
    setEntries((shown) => [...(shown ?? []), ...page.entries]);
    setNext(page.next);
  };

  const exportLog = async () => {
    const log = await callKeyring('activity.export');
    const blob = new Blob([JSON.stringify(log, null, 2)], { type: 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `at-keyring-activity-${log.exportedAt.slice(0, 10)}.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  };

  // After an undo the log has a new entry and the undone one changed: read the page again.
  const reload = () => void load(filter);

  const origins = withCurrent(facets.origins, filter.origin);
  const dids = withCurrent(facets.dids, filter.did);
  const accountName = (did: string) => (handles[did] ? `@${handles[did]}` : did);

  return (
    <main class="activity" data-testid="activity">
      <header class="activity-header">
        <h1>{i18n.t('activity.heading')}</h1>
        <button type="button" class="secondary" onClick={exportLog} data-testid="activity-export">
          {i18n.t('activity.exportButton')}
        </button>
      </header>
      <p class="note">{i18n.t('activity.intro')}</p>
      <div class="activity-filters">
        <label>
          {i18n.t('activity.filterSite')}
          <select
            value={filter.origin ?? ''}
            onChange={(e) => choose({ origin: e.currentTarget.value })}
            data-testid="activity-filter-site"
          >
            <option value="">{i18n.t('activity.allSites')}</option>
            {origins.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <label>
          {i18n.t('activity.filterAccount')}
          <select
            value={filter.did ?? ''}
            onChange={(e) => choose({ did: e.currentTarget.value })}
            data-testid="activity-filter-account"
          >
            <option value="">{i18n.t('activity.allAccounts')}</option>
            {dids.map((d) => (
              <option key={d} value={d}>
                {accountName(d)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {entries === null ? (
        <p class="note">{i18n.t('popup.loading')}</p>
      ) : entries.length === 0 ? (
        <p class="note" data-testid="activity-empty">
          {i18n.t('activity.empty')}
        </p>
      ) : (
        <ol class="activity-list" data-testid="activity-list" data-ready="true">
          {entries.map((entry) => (
            <ActivityItem key={entry.id} entry={entry} accountName={accountName} onUndone={reload} />
          ))}
        </ol>
      )}
      {next !== undefined && (
        <button type="button" class="secondary" onClick={more} data-testid="activity-more">
          {i18n.t('activity.moreButton')}
        </button>
      )}
      <ReadCounts reads={reads} accountName={accountName} />
    </main>
  );
}

/** A filter's value stays choosable even when the log has nothing of it (a link from the popup). */
const withCurrent = (values: string[], current: string | undefined) =>
  current && !values.includes(current) ? [current, ...values] : values;
