import { browser } from 'wxt/browser';

/** What a notification says; its id names it (a later one with the same id replaces it). */
export interface NotificationText {
  title: string;
  message: string;
}

/** The part of a service worker's global scope that shows notifications and hears their clicks. */
export interface WorkerNotificationScope {
  registration: {
    showNotification(title: string, options: { body: string; tag: string; icon: string }): Promise<void>;
  };
  addEventListener(
    type: 'notificationclick',
    listener: (event: {
      notification: { tag: string; close(): void };
      waitUntil(promise: Promise<unknown>): void;
    }) => void,
  ): void;
}

/** The worker's own scope in Chromium; undefined in Firefox's event page (a window, without a registration). */
export function workerNotificationScope(scope: unknown = globalThis): WorkerNotificationScope | undefined {
  const registration = (scope as { registration?: { showNotification?: unknown } }).registration;
  return typeof registration?.showNotification === 'function' ? (scope as WorkerNotificationScope) : undefined;
}

const ICON = '/icon/128.png';

/**
 * Shows a notification. In Chromium's worker through the web's Notifications API (the extension's
 * `notifications` permission grants it): hearing its clicks is then a plain event listener, where
 * `chrome.notifications.onClicked` would build that whole API in every wake's first turn (about 1 ms, measured
 * with marks in bench section 3), for a click that comes rarely.
 */
export async function showNotification(
  id: string,
  { title, message }: NotificationText,
  worker = workerNotificationScope(),
): Promise<void> {
  const icon = browser.runtime.getURL(ICON);
  if (worker) await worker.registration.showNotification(title, { body: message, tag: id, icon });
  else await browser.notifications.create(id, { type: 'basic', iconUrl: icon, title, message });
}

/**
 * Calls `onClick` with the id of a notification the person clicked; a handler that returns true has dealt
 * with it, and the notification is closed. Registered in the first turn, so a click wakes a stopped worker.
 */
export function onNotificationClicked(
  onClick: (id: string) => Promise<boolean> | boolean,
  worker = workerNotificationScope(),
): void {
  if (worker) {
    worker.addEventListener('notificationclick', (event) => {
      const { notification } = event;
      event.waitUntil(
        Promise.resolve(onClick(notification.tag)).then((handled) => {
          if (handled) notification.close();
        }),
      );
    });
    return;
  }
  browser.notifications.onClicked.addListener(async (id) => {
    if (await onClick(id)) await browser.notifications.clear(id);
  });
}
