import { i18n } from '#i18n';

/**
 * A failed sign-in in the popup's language: what is wrong and what to do, by the background's stable code.
 * `detail` (the background's English sentence) is shown only for a code without words of its own.
 */
export function signInErrorText(code: string | undefined, input: string, detail: string): string {
  switch (code) {
    case 'invalid-input':
      return i18n.t('popup.signInErrors.invalidInput');
    case 'unknown-identity':
      return i18n.t('popup.signInErrors.unknownIdentity', { input });
    case 'resolver-unreachable':
      return i18n.t('popup.signInErrors.resolverUnreachable', { input });
    case 'pds-unreachable':
      return i18n.t('popup.signInErrors.pdsUnreachable', { input });
    case 'pds-not-supported':
      return i18n.t('popup.signInErrors.pdsNotSupported', { input });
    case 'access-denied':
      return i18n.t('popup.signInErrors.accessDenied');
    case 'login-expired':
      return i18n.t('popup.signInErrors.loginExpired');
    default:
      return i18n.t('popup.signInErrors.other', { detail });
  }
}
