import { browser } from 'wxt/browser';
import type { KeyringEvent, KeyringPlatform } from '../accounts/keyring';
import { loadOAuthKit } from '../oauth/kit-loader';
import { EXTENSION_PAGE_EVENT_CHANNEL, type ExtensionPageEvent } from '../protocol/privileged';

/** The keyring's view of the browser: windows, the identity API, page broadcasts. */
export function browserKeyringPlatform(onEvent: (event: KeyringEvent) => void): KeyringPlatform {
  return {
    async openAuthorizationPage(url) {
      // A small window of its own, like other wallets; the popup may close meanwhile.
      const win = await browser.windows.create({ url, type: 'popup', width: 520, height: 760, focused: true });
      return win?.id;
    },
    async focusWindow(windowId) {
      try {
        await browser.windows.update(windowId, { focused: true, drawAttention: true });
        return true;
      } catch {
        return false; // closed meanwhile
      }
    },
    async closeWindow(windowId) {
      await browser.windows.remove(windowId);
    },
    async launchWebAuthFlow(url) {
      const redirect = await browser.identity.launchWebAuthFlow({ url, interactive: true });
      if (!redirect) throw new Error('The sign-in window closed without an answer');
      return redirect;
    },
    redirectBase: () => browser.identity.getRedirectURL(),
    oauthKit: loadOAuthKit,
    notify(event) {
      onEvent(event);
      const message: ExtensionPageEvent | null =
        event.type === 'accountsChanged'
          ? { event: 'accountsChanged' }
          : event.type === 'loginFinished'
            ? { event: 'loginFinished', loginId: event.login.id, status: event.login.status as 'done' | 'failed' }
            : null;
      if (message) {
        // No open extension page is not an error.
        browser.runtime.sendMessage({ channel: EXTENSION_PAGE_EVENT_CHANNEL, ...message }).catch(() => {});
      }
    },
  };
}
