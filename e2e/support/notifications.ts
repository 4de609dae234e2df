import type { Worker } from 'playwright-core';

/**
 * The ids of the notifications the worker shows: in Chromium they go through the worker's registration (the
 * web's Notifications API, src/background/notifications.ts), where a notification's tag is its id.
 */
export function shownNotificationIds(worker: Worker): Promise<string[]> {
  return worker.evaluate(async () =>
    ((await (globalThis as any).registration.getNotifications()) as { tag: string }[]).map((n) => n.tag),
  );
}

/**
 * Clicks the worker's notification with this id: a notificationclick event dispatched to the worker's own
 * listeners (no API clicks a system notification). The event is the script's, not the browser's, so the
 * listener's waitUntil throws after its work has begun; the test looks at what that work did.
 */
export function clickNotification(worker: Worker, id: string): Promise<boolean> {
  return worker.evaluate(async (tag) => {
    const scope = globalThis as any;
    const [notification] = await scope.registration.getNotifications({ tag });
    if (!notification) return false;
    scope.dispatchEvent(new scope.NotificationEvent('notificationclick', { notification }));
    return true;
  }, id);
}
