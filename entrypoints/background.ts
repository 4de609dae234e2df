import { browser } from 'wxt/browser';
import { Keyring } from '@/src/accounts/keyring';
import { browserKeyringPlatform } from '@/src/background/keyring-platform';
import { handlePopupRequest, isExtensionPage } from '@/src/background/popup-router';
import { buildTimeSettings } from '@/src/oauth/settings';
import { LOOPBACK_REDIRECT_URI } from '@/src/oauth/client-identity';
import { openKeyringDB } from '@/src/storage/db';

// Wiring only: the logic lives in src/. Listeners are registered synchronously
// at start-up so that a stopped service worker is woken by them.
export default defineBackground(() => {
  const keyringReady = openKeyringDB().then(
    (db) => new Keyring(db, browserKeyringPlatform(() => {}), buildTimeSettings(import.meta.env)),
  );
  const extensionOrigin = browser.runtime.getURL('/');

  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (!isExtensionPage(sender, browser.runtime.id, extensionOrigin)) return false;
    if (typeof message === 'object' && message && 'channel' in message) return false; // our own broadcasts
    keyringReady.then((keyring) => handlePopupRequest(keyring, message)).then(sendResponse);
    return true;
  });

  // The loopback client's redirect goes to an address where nothing listens:
  // catch the navigation, finish the sign-in here, and close its window.
  const callback = new URL(LOOPBACK_REDIRECT_URI);
  const filter = { url: [{ hostEquals: callback.hostname, pathEquals: callback.pathname }] };
  const onCallbackNavigation = (details: { url: string; tabId: number; frameId: number }) => {
    if (details.frameId !== 0) return;
    void keyringReady.then(async (keyring) => {
      const login = await keyring.completeLoginFromUrl(details.url);
      if (login) await browser.tabs.remove(details.tabId).catch(() => {});
    });
  };
  browser.webNavigation.onBeforeNavigate.addListener(onCallbackNavigation, filter);
  browser.webNavigation.onCommitted.addListener(onCallbackNavigation, filter);
  browser.webNavigation.onErrorOccurred.addListener(onCallbackNavigation, filter);

  browser.alarms.create('sweep', { periodInMinutes: 5 });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === 'sweep') void keyringReady.then((keyring) => keyring.sweep());
  });
  void keyringReady.then((keyring) => keyring.sweep());
});
