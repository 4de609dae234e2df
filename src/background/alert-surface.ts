import { browser } from 'wxt/browser';
import { i18n } from '#i18n';
import { type ExpiryNoticeSurface, SESSION_EXPIRY_ALARM } from '../accounts/session-expiry';
import { type AlertSurface, WRITE_ALERTS_ALARM } from '../activity/write-alerts';
import { type NotificationText, showNotification } from './notifications';

/** Amber: a notice, not an error; the browser picks a readable text colour on it. */
const BADGE_COLOR = '#b45309';

/** The toolbar badge, notifications and the wake-up alarm of src/activity/write-alerts.ts, in this browser. */
export function browserAlertSurface(): AlertSurface {
  return {
    async setBadge(badge) {
      if (badge) await browser.action.setBadgeBackgroundColor({ color: BADGE_COLOR });
      await browser.action.setBadgeText({ text: badge?.text ?? '' });
      await browser.action.setTitle({ title: badge?.title ?? i18n.t('extension.name') });
    },
    notify,
    // The MV3 worker sleeps between events: an alarm, not a timer, ends the badge's window.
    wakeAt: (at) => wakeAt(WRITE_ALERTS_ALARM, at),
  };
}

/** The "sign in again" notices of src/accounts/session-expiry.ts, in this browser. */
export function browserExpiryNoticeSurface(): ExpiryNoticeSurface {
  return { notify, wakeAt: (at) => wakeAt(SESSION_EXPIRY_ALARM, at) };
}

const notify = (id: string, text: NotificationText) => showNotification(id, text);

async function wakeAt(alarm: string, at: number | null): Promise<void> {
  if (at === null) await browser.alarms.clear(alarm);
  else await browser.alarms.create(alarm, { when: at });
}
