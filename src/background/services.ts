import { browser } from 'wxt/browser';
import { Keyring, type KeyringEvent } from '../accounts/keyring';
import { SessionExpiryNotices } from '../accounts/session-expiry';
import { ActivityLog } from '../activity/activity-log';
import { WriteAlerts } from '../activity/write-alerts';
import { Broker } from '../broker/broker';
import { GrantStore } from '../broker/grants';
import { parseXrpcIntent } from '../broker/intent';
import { PromptManager } from '../broker/prompts';
import { OriginRateLimiter } from '../broker/rate-limit';
import { SiteEvents } from '../broker/site-events';
import { executeXrpc } from '../broker/xrpc';
import { BlobPreviews } from '../consent/blob-previews';
import { RecentUploads } from '../consent/recent-uploads';
import { SiteIcons } from '../consent/site-icon';
import type { NetworkSettings } from '../oauth/settings';
import { SiteAccessControl } from '../site-access/control';
import { BROWSER_DIALECT } from '../site-access/dialect';
import { ContentScriptRegistrar } from '../site-access/registration';
import { type KeyringDB, openKeyringDB } from '../storage/db';
import { browserAlertSurface, browserExpiryNoticeSurface } from './alert-surface';
import { CONSENT_WINDOW_SIZE } from './consent-window';
import { sessionFrameRegistry } from './frame-registry';
import { browserKeyringPlatform } from './keyring-platform';

export interface BackgroundServices {
  db: KeyringDB;
  keyring: Keyring;
  grants: GrantStore;
  prompts: PromptManager;
  events: SiteEvents;
  broker: Broker;
  siteIcons: SiteIcons;
  previews: BlobPreviews;
  writeAlerts: WriteAlerts;
  siteAccess: SiteAccessControl;
  activity: ActivityLog;
  sessionNotices: SessionExpiryNotices;
}

/** Builds the background's object graph; browser APIs are bound here and nowhere deeper. */
export async function createBackgroundServices(defaults: NetworkSettings): Promise<BackgroundServices> {
  const db = await openKeyringDB();
  performance.mark('keyring:db-open'); // the bench's account of a cold call (bench/phases/cold.ts)
  let broker: Broker | undefined;
  let sessionNotices: SessionExpiryNotices | undefined;
  const onKeyringEvent = (event: KeyringEvent) => {
    // A sign-in, a sign-out or an ended session moves the next "sign in again" notice.
    if (event.type === 'accountsChanged') void sessionNotices?.check().catch(() => {});
    if (event.type === 'sessionEnded' && event.reason === 'signed-out') void sessionNotices?.forget(event.did);
    if (event.type === 'sessionEnded') {
      const ended = broker?.sessionEnded(event.did, event.reason === 'signed-out');
      // Once the broker dropped a signed-out account's grants, sites left with none lose their "notify" setting.
      if (event.reason === 'signed-out') void ended?.then(() => writeAlerts.forgetDisconnected());
    }
    if (event.type === 'activeChanged') void broker?.activeAccountChanged(event.did);
  };
  const keyring = new Keyring(db, browserKeyringPlatform(onKeyringEvent), defaults);
  const grants = new GrantStore(db);
  // A wake is mostly a site's call: its grant, account, session and DPoP nonce are read now, all at once, where
  // the call would read them one after another.
  keyring.warm();
  void grants.warm().catch(() => {});
  sessionNotices = new SessionExpiryNotices({
    db,
    accounts: async () => (await keyring.listAccounts()).accounts,
    surface: browserExpiryNoticeSurface(),
  });
  const writeAlerts = new WriteAlerts({
    db,
    surface: browserAlertSurface(),
    handleOf: async (did) => (await keyring.getAccount(did).catch(() => undefined))?.handle,
    isConnected: async (origin) => (await grants.forOrigin(origin)).length > 0,
  });
  const prompts = new PromptManager(db, {
    async open(promptId) {
      const win = await browser.windows.create({
        url: browser.runtime.getURL(`/consent.html?prompt=${encodeURIComponent(promptId)}`),
        type: 'popup',
        ...CONSENT_WINDOW_SIZE,
        focused: true,
      });
      return win?.id;
    },
    async close(windowId) {
      await browser.windows.remove(windowId);
    },
  });
  let siteAccess: SiteAccessControl | undefined;
  const events = new SiteEvents(sessionFrameRegistry(), async (frame, message) => {
    // A page left from before "only sites I allow" left its origin out gets no more events (and is forgotten).
    if (siteAccess && !siteAccess.allows(frame.origin)) return false;
    // Addressed to the document where the browser names documents (Chromium; Firefox 153 too):
    // the send fails once that document is gone. The relay also checks the event's document id.
    const target = frame.documentId
      ? { frameId: frame.frameId, documentId: frame.documentId }
      : { frameId: frame.frameId };
    const answer: unknown = await browser.tabs.sendMessage(frame.tabId, message, target);
    return answer === false ? false : undefined;
  });
  const siteIcons = new SiteIcons({ fetch: (url, init) => fetch(url, init) });
  const previews = new BlobPreviews({
    uploads: new RecentUploads(),
    pdsOf: async (did) => (await keyring.getAccount(did).catch(() => undefined))?.pds,
  });
  const activity = new ActivityLog({
    db,
    // An undo acts as the account through its own session, as the site's call did.
    async deleteRecord(did, { collection, rkey, swapRecord }) {
      const intent = parseXrpcIntent({
        nsid: 'com.atproto.repo.deleteRecord',
        body: { repo: did, collection, rkey, swapRecord },
      });
      const { status, body } = await executeXrpc(await keyring.session(did), intent);
      const error = (body as { error?: unknown } | null)?.error;
      return { status, ...(typeof error === 'string' ? { error } : {}) };
    },
  });
  const observers = [writeAlerts.observe, activity.observe];
  broker = new Broker({ db, keyring, grants, prompts, events, limiter: new OriginRateLimiter(), previews, observers });
  siteAccess = await SiteAccessControl.load(
    db,
    new ContentScriptRegistrar(browser.scripting, browser.permissions, BROWSER_DIALECT),
    browser.permissions,
    BROWSER_DIALECT,
  );
  // Not awaited: requests are judged by the stored setting at once; the browser's registration follows.
  void siteAccess.sync().catch((err) => console.error('AT Keyring: registering the content scripts failed', err));
  performance.mark('keyring:services');
  return {
    db,
    keyring,
    grants,
    prompts,
    events,
    broker,
    siteIcons,
    previews,
    writeAlerts,
    siteAccess,
    activity,
    sessionNotices,
  };
}
