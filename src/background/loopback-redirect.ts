import { browser } from 'wxt/browser';
import { LOOPBACK_REDIRECT_URI } from '../oauth/client-identity';

/**
 * Calls `onRedirect` with each top-frame navigation to the loopback client's
 * redirect address (where nothing listens). Without the webNavigation
 * permission the API is absent: the listeners are added once it is granted.
 * Called synchronously at start-up so a navigation wakes a stopped worker.
 */
export function watchLoopbackRedirects(onRedirect: (details: { url: string; tabId: number }) => void): void {
  const callback = new URL(LOOPBACK_REDIRECT_URI);
  const filter = { url: [{ hostEquals: callback.hostname, pathEquals: callback.pathname }] };
  const onNavigation = (details: { url: string; tabId: number; frameId: number }) => {
    if (details.frameId === 0) onRedirect(details);
  };
  let watching = false;
  const watch = () => {
    const navigation = browser.webNavigation;
    if (watching || !navigation) return;
    watching = true;
    navigation.onBeforeNavigate.addListener(onNavigation, filter);
    navigation.onCommitted.addListener(onNavigation, filter);
    navigation.onErrorOccurred.addListener(onNavigation, filter);
  };
  watch();
  // Only while the permission is missing (a store build before the person picks the loopback client): each
  // API a wake's first turn touches costs that wake, and a granted permission stays granted for this life.
  if (!watching) browser.permissions.onAdded.addListener(watch);
}
