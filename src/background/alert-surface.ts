import { browser } from 'wxt/browser';
import { i18n } from '#i18n';
import { type AlertSurface, WRITE_ALERTS_ALARM } from '../activity/write-alerts';

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
    async notify(id, { title, message }) {
      await browser.notifications.create(id, {
        type: 'basic',
        iconUrl: browser.runtime.getURL('/icon/128.png'),
        title,
        message,
      });
    },
    async wakeAt(at) {
      // The MV3 worker sleeps between events: an alarm, not a timer, ends the badge's window.
      if (at === null) await browser.alarms.clear(WRITE_ALERTS_ALARM);
      else await browser.alarms.create(WRITE_ALERTS_ALARM, { when: at });
    },
  };
}
