import { i18n } from '#i18n';
import type { LookupFailure } from '../../../consent/lookup';
import { uiLocale } from '../../format';

/** Why a look-up has no answer, in plain words. */
export function lookupReason(failure: LookupFailure): string {
  switch (failure) {
    case 'not-found':
      return i18n.t('consent.preview.lookupReason.notFound');
    case 'unreachable':
      return i18n.t('consent.preview.lookupReason.unreachable');
    case 'invalid':
      return i18n.t('consent.preview.lookupReason.invalid');
    case 'too-large':
      return i18n.t('consent.preview.lookupReason.tooLarge');
    case 'skipped':
      return i18n.t('consent.preview.lookupReason.skipped');
  }
}

/** The plain line shown where a look-up failed. */
export const lookupFailedLine = (failure: LookupFailure) =>
  i18n.t('consent.preview.lookupFailed', { reason: lookupReason(failure) });

/** A length of time in the user's words ("60 seconds", "5 minutes", "2 hours"). */
export function duration(seconds: number): string {
  const [value, unit] =
    seconds < 120
      ? [seconds, 'second']
      : seconds < 7_200
        ? [seconds / 60, 'minute']
        : seconds < 172_800
          ? [seconds / 3_600, 'hour']
          : [seconds / 86_400, 'day'];
  return new Intl.NumberFormat(uiLocale(), {
    style: 'unit',
    unit,
    unitDisplay: 'long',
    maximumFractionDigits: 1,
  }).format(value);
}
