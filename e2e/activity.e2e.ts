import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ExtensionBrowser } from './support/chromium';
import { launchSignedIn } from './support/keyring';
import { sendPrivileged } from './support/privileged';
import { createPostCall } from './support/records';
import { connectApproved, request } from './support/site';
import { startTestSite, type TestSite } from './support/test-site';

// Issue 13, the activity log: a write within the grant is logged with its content, undo deletes the record
// at the PDS (after a confirmation that shows it), reads are counted per day and add no rows.

const pds = inject('pds');
const extensionPath = inject('chromeExtensionPath');
const { alice } = pds.accounts;

let closeBrowser: () => Promise<void>;
let browser: ExtensionBrowser;
let popup: Page;
let site: TestSite;
let page: Page;

/** The record as the PDS serves it publicly now: its status, and its text when it is there. */
async function atPds(uri: string): Promise<{ status: number; text?: string }> {
  const [, , repo, collection, rkey] = uri.split('/');
  const query = new URLSearchParams({ repo: repo!, collection: collection!, rkey: rkey! });
  const res = await fetch(`${pds.pdsUrl}/xrpc/com.atproto.repo.getRecord?${query}`);
  const body = (await res.json()) as { value?: { text?: string } };
  return { status: res.status, ...(body.value?.text ? { text: body.value.text } : {}) };
}

async function openActivity(query = ''): Promise<Page> {
  const tab = await browser.context.newPage();
  await tab.goto(`chrome-extension://${browser.extensionId}/activity.html${query}`);
  return tab;
}

describe('the activity log (Chromium, local PDS)', () => {
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

  it('shows a write made within the grant, with its text, from the popup’s link for the site', async () => {
    const text = `logged ${Date.now()}`;
    const created = await request(page, 'atproto_xrpc', createPostCall(alice.did, text));
    expect(created).toMatchObject({ ok: true, result: { status: 200 } });

    await popup.reload();
    const card = popup.locator(`[data-testid=site][data-origin="${site.origin}"]`);
    const [activity] = await Promise.all([
      browser.context.waitForEvent('page'),
      card.getByTestId('site-activity').click(),
    ]);
    await activity.waitForLoadState();
    expect(new URL(activity.url()).searchParams.get('origin')).toBe(site.origin);
    const entry = activity.getByTestId('activity-entry').first();
    await expect.poll(() => entry.getByTestId('activity-text').innerText()).toBe(text);
    expect(await entry.innerText()).toContain('Created a record in app.bsky.feed.post');
    expect(await entry.getByTestId('activity-how').innerText()).toContain('without asking');
    expect(await entry.getByTestId('activity-outcome').innerText()).toBe('Done');
    expect(await entry.innerText()).toContain(`${site.origin} as @${alice.handle}`);

    // Its content, drawn by the consent window's previews.
    await entry.getByTestId('activity-details').click();
    await expect.poll(() => entry.getByTestId('preview-post').innerText()).toContain(text);
    await activity.close();
  });

  it('undo asks first, showing the record, then deletes it at the PDS; the log records the undo', async () => {
    const text = `to undo ${Date.now()}`;
    const created = await request(page, 'atproto_xrpc', createPostCall(alice.did, text));
    const uri = (created as { result: { body: { uri: string } } }).result.body.uri;
    expect(await atPds(uri)).toEqual({ status: 200, text });

    const activity = await openActivity(`?origin=${encodeURIComponent(site.origin)}`);
    const entry = activity.locator('[data-testid=activity-entry]', { hasText: text });
    await entry.getByTestId('activity-undo').click();
    // Nothing is deleted before the confirmation, which names the record and shows its content.
    expect(await atPds(uri)).toEqual({ status: 200, text });
    expect(await entry.getByTestId('activity-undo-records').innerText()).toContain(uri);
    await expect.poll(() => entry.getByTestId('preview-post').innerText()).toContain(text);
    await entry.getByTestId('activity-undo-confirm').click();

    await expect.poll(async () => (await atPds(uri)).status).toBe(400);
    const undone = activity.locator('[data-testid=activity-entry]', { hasText: text });
    await expect.poll(() => undone.getByTestId('activity-undone').count()).toBe(1);
    expect(await undone.getByTestId('activity-undo').count()).toBe(0);
    const newest = activity.getByTestId('activity-entry').first();
    expect(await newest.getAttribute('data-method')).toBe('undo');
    expect(await newest.innerText()).toContain('You deleted what the site had created');

    // A second undo of the same entry, sent straight to the background, is refused: nothing more is deleted.
    const id = Number(await undone.getAttribute('data-id'));
    expect(await sendPrivileged(popup, 'activity.undo', { id })).toMatchObject({
      ok: false,
      error: { code: 'already-undone' },
    });
    await activity.close();
  });

  it('an undo never deletes a record changed since the site wrote it (swapRecord)', async () => {
    const text = `changed later ${Date.now()}`;
    const created = await request(page, 'atproto_xrpc', createPostCall(alice.did, text));
    const uri = (created as { result: { body: { uri: string } } }).result.body.uri;
    // The user edits the post elsewhere (here: directly at the PDS with the account's password).
    const session = await fetch(`${pds.pdsUrl}/xrpc/com.atproto.server.createSession`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: alice.handle, password: alice.password }),
    }).then((r) => r.json() as Promise<{ accessJwt: string }>);
    const rkey = uri.split('/').pop()!;
    const put = await fetch(`${pds.pdsUrl}/xrpc/com.atproto.repo.putRecord`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.accessJwt}` },
      body: JSON.stringify({
        repo: alice.did,
        collection: 'app.bsky.feed.post',
        rkey,
        record: { $type: 'app.bsky.feed.post', text: `${text} (edited)`, createdAt: new Date().toISOString() },
      }),
    });
    expect(put.status).toBe(200);

    const list = await sendPrivileged(popup, 'activity.list', { origin: site.origin, limit: 10 });
    if (!list.ok) throw new Error(JSON.stringify(list.error));
    const entry = list.result.entries.find((e) => e.text === text)!;
    const undo = await sendPrivileged(popup, 'activity.undo', { id: entry.id! });
    expect(undo).toMatchObject({ ok: true, result: { deleted: [], kept: [{ uri, reason: 'InvalidSwap' }] } });
    expect(await atPds(uri)).toEqual({ status: 200, text: `${text} (edited)` });
    const activity = await openActivity(`?origin=${encodeURIComponent(site.origin)}`);
    const newest = activity.getByTestId('activity-entry').first();
    await expect
      .poll(() => newest.getByTestId('activity-outcome').innerText())
      .toBe('Not deleted: the record changed since the site wrote it');
    await activity.close();
  });

  it('a feed reader’s reads are counted per day and add no rows to the log', async () => {
    const before = await sendPrivileged(popup, 'activity.list', { origin: site.origin, limit: 200 });
    if (!before.ok) throw new Error(JSON.stringify(before.error));
    const reads = 120;
    const call = {
      nsid: 'com.atproto.repo.listRecords',
      params: { repo: alice.did, collection: 'app.bsky.feed.post', limit: 1 },
    };
    for (let i = 0; i < reads; i += 20)
      await Promise.all(Array.from({ length: 20 }, () => request(page, 'atproto_xrpc', call)));

    const after = await sendPrivileged(popup, 'activity.list', { origin: site.origin, limit: 200 });
    if (!after.ok) throw new Error(JSON.stringify(after.error));
    expect(after.result.entries.length).toBe(before.result.entries.length);

    const activity = await openActivity(`?origin=${encodeURIComponent(site.origin)}`);
    const row = activity.locator(`[data-testid=activity-read-row][data-origin="${site.origin}"]`);
    await expect.poll(async () => Number(await row.getByTestId('activity-read-count').innerText())).toBe(reads);
    await activity.close();
  });

  it('exports the log as JSON, and the popup links to the whole log', async () => {
    const exported = await sendPrivileged(popup, 'activity.export');
    if (!exported.ok) throw new Error(JSON.stringify(exported.error));
    expect(exported.result.entries.some((e) => e.method === 'undo')).toBe(true);
    expect(exported.result.reads.some((r) => r.origin === site.origin)).toBe(true);
    // No token of any kind is in what the log keeps.
    expect(JSON.stringify(exported.result)).not.toMatch(/accessJwt|refresh|eyJ[A-Za-z0-9_-]{10,}/);

    const [activity] = await Promise.all([
      browser.context.waitForEvent('page'),
      popup.getByTestId('popup-activity').click(),
    ]);
    await activity.waitForLoadState();
    await expect.poll(() => activity.getByTestId('activity-entry').count()).toBeGreaterThan(2);
    const [download] = await Promise.all([
      activity.waitForEvent('download'),
      activity.getByTestId('activity-export').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^at-keyring-activity-\d{4}-\d{2}-\d{2}\.json$/);
    await activity.close();
  });
});
