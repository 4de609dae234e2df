import { storage } from 'wxt/utils/storage';

/** The sign-in the popup started and reports on when reopened (it can close mid sign-in): its attempt id. */
export const pendingLogin = storage.defineItem<string>('local:at-keyring:pending-login');
