import { i18n } from '#i18n';
import type { ChangeCount } from './write-summary';

/** The most change lines one notification lists; more are counted in a last line. */
export const NOTIFICATION_MAX_LINES = 4;

/** One kind of change in words ("Created a record in app.bsky.feed.post"). */
export function changeLine({ kind, target, count }: ChangeCount): string {
  const values = { collection: target, count: String(count) };
  switch (kind) {
    case 'create':
      return i18n.t('alerts.created', count, values);
    case 'update':
      return i18n.t('alerts.updated', count, values);
    case 'delete':
      return i18n.t('alerts.deleted', count, values);
    case 'upload':
      return i18n.t('alerts.uploaded', count, { type: target, count: String(count) });
  }
}

/** The toolbar button's tooltip: one line per site that wrote in the window, in the order given. */
export function badgeTitle(sites: readonly { origin: string; changes: number }[], windowMinutes: number): string {
  const lines = sites.map(({ origin, changes }) =>
    i18n.t('alerts.badgeSite', changes, { origin, count: String(changes) }),
  );
  return [i18n.t('alerts.badgeTitle', { minutes: String(windowMinutes) }), ...lines].join('\n');
}

/** A badge fits about four characters. */
export const badgeText = (changes: number): string => (changes > 99 ? '99+' : String(changes));

/**
 * A notification's words: who wrote as whom, then what changed (at most a few lines), then the record's
 * text when there is one (already made safe by plainSnippet).
 */
export function notificationText(input: {
  origin: string;
  handles: readonly string[];
  changes: readonly ChangeCount[];
  snippet?: string;
  gathered: boolean;
}): { title: string; message: string } {
  const accounts = input.handles.map((h) => `@${h}`).join(', ');
  const lines = input.changes.slice(0, NOTIFICATION_MAX_LINES).map(changeLine);
  const hidden = input.changes.length - lines.length;
  if (hidden > 0) lines.push(i18n.t('alerts.moreChanges', { count: String(hidden) }));
  if (input.gathered) lines.unshift(i18n.t('alerts.notificationSince'));
  if (input.snippet) lines.push(i18n.t('alerts.quote', { text: input.snippet }));
  return { title: i18n.t('alerts.notificationTitle', { origin: input.origin, accounts }), message: lines.join('\n') };
}
