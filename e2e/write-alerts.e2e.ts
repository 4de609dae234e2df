import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ExtensionBrowser } from './support/chromium';
import { launchSignedIn } from './support/keyring';
import { clickNotification, shownNotificationIds } from './support/notifications';
import { sendPrivileged } from './support/privileged';
import { createPostCall } from './support/records';
import { connectApproved, request } from './support/site';
import { startTestSite, type TestSite } from './support/test-site';

const pds = inject('pds');
const extensionPath = inject('chromeExtensionPath');
const { alice } = pds.accounts;

let closeBrowser: () => Promise<void>;
let browser: ExtensionBrowser;
let popup: Page;
let site: TestSite;
let page: Page;

/**
 * The toolbar button's badge and tooltip, and the notifications shown, as the background sees them once it has
 * taken in the calls answered so far. A page's answer does not wait for the write alerts (the badge is drawn just
 * after it); their list is read behind the writes already queued, so the badge is read after those.
 */
async function alerts() {
  expect(await sendPrivileged(popup, 'writeAlerts.recent')).toMatchObject({ ok: true });
  const worker = await browser.background();
  const notifications = (await shownNotificationIds(worker)).length;
  const surface = await worker.evaluate(async () => {
    const chrome = (globalThis as any).chrome;
    return {
      badge: (await chrome.action.getBadgeText({})) as string,
      title: (await chrome.action.getTitle({})) as string,
    };
  });
  return { ...surface, notifications };
}

const listPosts = () => ({
  nsid: 'com.atproto.repo.listRecords',
  params: { repo: alice.did, collection: 'app.bsky.feed.post' },
});

describe('the toolbar badge and write notifications (Chromium, local PDS)', () => {
  beforeAll(async () => {
    site = await startTestSite();
    ({ browser, popup, close: closeBrowser } = await launchSignedIn(extensionPath, pds, alice));
    page = await browser.context.newPage();
    await page.goto(site.origin);
    const scope = 'atproto repo:app.bsky.feed.post?action=create';
    expect(await connectApproved(browser.context, page, { scope })).toMatchObject({ ok: true });
  });
  afterAll(async () => {
    await closeBrowser?.();
    await site?.close();
  });

  it('reads light nothing; a write within the grant lights the badge and names the site', async () => {
    expect(await request(page, 'atproto_xrpc', listPosts())).toMatchObject({ ok: true, result: { status: 200 } });
    expect(await alerts()).toEqual({ badge: '', title: 'AT Keyring', notifications: 0 });

    expect(await request(page, 'atproto_xrpc', createPostCall(alice.did, 'badge one'))).toMatchObject({ ok: true });
    const lit = await alerts();
    expect(lit.badge).toBe('1');
    expect(lit.title).toContain(`${site.origin}: 1 change`);
    // No notification for a site not marked "notify".
    expect(lit.notifications).toBe(0);

    await popup.reload();
    await expect.poll(() => popup.getByTestId('recent-writes').innerText()).toContain(`${site.origin} (1)`);
  });

  it('with "notify" on, a write shows a notification; revoking the site forgets the setting, undo restores it', async () => {
    await popup.reload();
    const card = popup.locator(`[data-testid=site][data-origin="${site.origin}"]`);
    await card.getByTestId('notify-toggle').check();
    await expect
      .poll(async () => (await sendPrivileged(popup, 'writeAlerts.getNotify', { origin: site.origin })) as unknown)
      .toEqual({ ok: true, result: true });

    expect(await request(page, 'atproto_xrpc', listPosts())).toMatchObject({ ok: true });
    expect((await alerts()).notifications).toBe(0);
    // Attacker: the site's text spells the id of a "sign in again" notice. It goes only into the notification's
    // body: the notification's id is ours (the site's origin and a time), and a click on it opens nothing.
    const lookalike = `session-expiry:${alice.did}`;
    expect(await request(page, 'atproto_xrpc', createPostCall(alice.did, lookalike))).toMatchObject({ ok: true });
    await expect.poll(async () => (await alerts()).notifications).toBe(1);
    expect((await alerts()).badge).toBe('2');
    const worker = await browser.background();
    const [id] = await shownNotificationIds(worker);
    expect(id?.startsWith(`write-alert:${site.origin}:`)).toBe(true);
    const pagesBefore = browser.context.pages().length;
    expect(await clickNotification(worker, id!)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(browser.context.pages().length).toBe(pagesBefore);
    expect(await shownNotificationIds(worker)).toEqual([id]);

    const notify = () => sendPrivileged(popup, 'writeAlerts.getNotify', { origin: site.origin });
    await card.getByTestId('revoke-site').click();
    await card.getByTestId('revoke-site-confirm').click();
    await expect.poll(() => card.count()).toBe(0);
    expect(await notify()).toEqual({ ok: true, result: false });
    await popup.getByTestId('undo-revoke').click();
    await expect.poll(() => card.count()).toBe(1);
    expect(await notify()).toEqual({ ok: true, result: true });
    expect(await card.getByTestId('notify-toggle').isChecked()).toBe(true);
  });
});
