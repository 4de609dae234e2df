import { i18n } from '#i18n';

/** Short, human dates for the popup ("in 13 days", "5 min ago"). */
export function relativeTime(at: number, now = Date.now()): string {
  const diff = at - now;
  const abs = Math.abs(diff);
  const units: [number, Intl.RelativeTimeFormatUnit][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [ms, unit] of units) {
    if (abs >= ms) return format.format(Math.round(diff / ms), unit);
  }
  return diff >= 0 ? i18n.t('format.relativeTime.underAMinuteAhead') : i18n.t('format.relativeTime.justNow');
}

export function absoluteTime(at: number): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
