import { i18n } from '#i18n';

/**
 * The language of the catalogue the browser picked (not the browser's own, which may have no catalogue):
 * dates and sizes are formatted in the language of the words around them.
 */
export function uiLocale(): string | undefined {
  const tag = i18n.t('format.locale');
  try {
    return tag && Intl.DateTimeFormat.supportedLocalesOf(tag).length ? tag : undefined;
  } catch {
    return undefined;
  }
}

/** Short, human dates for the popup ("in 13 days", "5 min ago"). */
export function relativeTime(at: number, now = Date.now()): string {
  const diff = at - now;
  const abs = Math.abs(diff);
  const units: [number, Intl.RelativeTimeFormatUnit][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  const format = new Intl.RelativeTimeFormat(uiLocale(), { numeric: 'auto' });
  for (const [ms, unit] of units) {
    if (abs >= ms) return format.format(Math.round(diff / ms), unit);
  }
  return diff >= 0 ? i18n.t('format.relativeTime.underAMinuteAhead') : i18n.t('format.relativeTime.justNow');
}

let dateTime: Intl.DateTimeFormat | undefined;

/** A date and time ("Dec 7, 2026, 1:12 AM"); one formatter for all (making one per date costs a list of them). */
export function absoluteTime(at: number): string {
  dateTime ??= new Intl.DateTimeFormat(uiLocale(), { dateStyle: 'medium', timeStyle: 'short' });
  return dateTime.format(at);
}

/** A file's size in the units people read (70 bytes, 12.3 kB, 4.8 MB), in the browser's language. */
export function fileSize(bytes: number): string {
  const [value, unit] =
    bytes < 1_000 ? [bytes, 'byte'] : bytes < 1_000_000 ? [bytes / 1e3, 'kilobyte'] : [bytes / 1e6, 'megabyte'];
  return new Intl.NumberFormat(uiLocale(), {
    style: 'unit',
    unit,
    unitDisplay: unit === 'byte' ? 'long' : 'short',
    maximumFractionDigits: 1,
  }).format(value);
}
