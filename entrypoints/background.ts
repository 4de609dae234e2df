import { browser } from 'wxt/browser';
import { EXPIRY_NOTIFICATION_PREFIX, SESSION_EXPIRY_ALARM } from '@/src/accounts/session-expiry';
import { WRITE_ALERTS_ALARM } from '@/src/activity/write-alerts';
import { watchLoopbackRedirects } from '@/src/background/loopback-redirect';
import { onNotificationClicked } from '@/src/background/notifications';
import { handlePageMessage, isPageMessage } from '@/src/background/page-channel';
import { handlePrivilegedRequest, isExtensionPage } from '@/src/background/privileged/channel';
import { type BackgroundServices, createBackgroundServices } from '@/src/background/services';
import { importOAuthKitAtInstall } from '@/src/oauth/kit-loader';
import { buildTimeSettings } from '@/src/oauth/settings';
import { ErrorCode } from '@/src/protocol/page';

/** How long after a wake its housekeeping runs. */
const WAKE_HOUSEKEEPING_DELAY_MS = 2_000;

// Wiring only: the logic lives in src/. Listeners are registered synchronously
// at start-up so that a stopped service worker is woken by them.
export default defineBackground(() => {
  performance.mark('keyring:evaluated'); // the script has run this far: the bench times a wake's evaluation
  // Nothing reads the worker's Resource Timing: without this it keeps an entry per fetch, up to 250 (~300 KiB).
  performance.setResourceTimingBufferSize(0);
  // The OAuth library is a script of its own, loaded when a sign-in or a renewal needs it (Chromium: it
  // can be loaded later only if it was loaded at install).
  importOAuthKitAtInstall();
  const ready = createBackgroundServices(buildTimeSettings(import.meta.env));
  const extensionOrigin = browser.runtime.getURL('/');

  // A listener answers with sendResponse, keeping the channel open by returning true (both browsers, with no
  // polyfill); it returns false for a message that is not for it, which then gets no answer from us.
  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    let answer: Promise<unknown>;
    if (isExtensionPage(sender, browser.runtime.id, extensionOrigin)) {
      // The privileged channel: popup and consent window only.
      if (typeof message === 'object' && message && 'channel' in message) return false; // our own broadcasts
      answer = ready
        .then((s) => handlePrivilegedRequest(s, message))
        .catch(() => ({ ok: false, error: { code: 'internal', message: 'AT Keyring could not start.' } }));
    } else if (sender.tab && isPageMessage(message)) {
      // The page channel: content scripts relaying website requests.
      answer = ready
        .then((s) => handlePageMessage(s, message, sender))
        .catch(() => ({ error: { code: ErrorCode.internal, message: 'AT Keyring could not start' } }));
    } else return false;
    void answer.then(sendResponse);
    return true;
  });

  // The loopback client's redirect goes to an address where nothing listens:
  // catch the navigation, finish the sign-in here, and close its window.
  watchLoopbackRedirects((details) => {
    void ready.then(async ({ keyring }) => {
      const login = await keyring.completeLoginFromUrl(details.url);
      if (login) await browser.tabs.remove(details.tabId).catch(() => {});
    });
  });

  // Closing a consent window is a rejection.
  // Closing a sign-in window ends the sign-in waiting in it.
  // This wakes a stopped worker at each window closed (Chromium's windowTypes filter is applied only after the
  // wake: e2e/wakes.e2e.ts).
  browser.windows.onRemoved.addListener(
    (windowId) =>
      void ready.then(({ prompts, keyring }) =>
        Promise.all([prompts.windowClosed(windowId), keyring.windowClosed(windowId)]),
      ),
  );
  // No tabs.onRemoved listener: it would wake the worker at every tab closed anywhere. The documents of closed
  // tabs are dropped by the 5-minute sweep below (and when an event sent to one fails), not at each wake.
  const forgetClosedTabs = ({ events }: BackgroundServices) =>
    events.forgetClosedTabs(async () => (await browser.tabs.query({})).flatMap((tab) => tab.id ?? []));

  // Wakes the background when the browser starts or the extension is installed or updated, so the content
  // scripts are registered (services start syncs them) before pages load; an update clears registered scripts.
  browser.runtime.onStartup.addListener(() => void ready);
  browser.runtime.onInstalled.addListener(() => void ready);

  const sweepStores = ({ keyring, prompts, grants }: BackgroundServices) =>
    Promise.all([keyring.sweep(), prompts.sweep(), grants.sweep()]);

  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === 'sweep')
      void ready.then((services) => Promise.all([sweepStores(services), forgetClosedTabs(services)]));
    // The toolbar badge's window passed, or a held write notification is due.
    if (alarm.name === WRITE_ALERTS_ALARM) void ready.then(({ writeAlerts }) => writeAlerts.tick());
    // An account's session comes within two days of its end.
    if (alarm.name === SESSION_EXPIRY_ALARM) void ready.then(({ sessionNotices }) => sessionNotices.check());
  });
  // A "sign in again" notice opens the popup's page in a tab, where each account that needs it is listed.
  onNotificationClicked(async (id) => {
    if (!id.startsWith(EXPIRY_NOTIFICATION_PREFIX)) return false;
    await browser.tabs.create({ url: browser.runtime.getURL('/popup.html') });
    return true;
  });
  // Also on each wake (an alarm may have been missed while the browser was closed), a little after it: a wake
  // is mostly a site's call, which this must not slow (the sweeps' writes would hold its first reads back).
  setTimeout(() => {
    // Created once, not at each wake: creating it again would restart its period, and a worker woken more
    // often than that would never see it fire. Looked for here, not in the first turn, which a call waits for.
    void browser.alarms.get('sweep').then((alarm) => {
      if (!alarm) void browser.alarms.create('sweep', { periodInMinutes: 5 });
    });
    void ready.then(sweepStores);
    void ready.then(({ writeAlerts }) => writeAlerts.tick());
    void ready.then(({ sessionNotices }) => sessionNotices.check());
  }, WAKE_HOUSEKEEPING_DELAY_MS);
});
