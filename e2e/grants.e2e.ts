import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SiteGrantView } from '../src/protocol/privileged';
import { DB_NAME, type GrantRecord } from '../src/storage/db';
import type { ExtensionBrowser } from './support/chromium';
import { clickAndClose } from './support/driver';
import { launchSignedIn, signIn } from './support/keyring';
import { sendPrivileged } from './support/privileged';
import { createLikeCall, createPostCall, createRecordCall } from './support/records';
import { nextConsentWindow, request } from './support/site';
import { startTestSite, type TestSite } from './support/test-site';

// Issue 13, grants you can edit: each scope removable, expiry enforced by the background, revoke behind
// an inline confirmation with an undo, "Always ask before deleting"; and the attacks on the new operations.

const pds = inject('pds');
const extensionPath = inject('chromeExtensionPath');
const { alice, bob } = pds.accounts;
const HOUR = 3_600_000;
const POST = 'repo:app.bsky.feed.post?action=create';
const LIKE = 'repo:app.bsky.feed.like?action=create';
const DELETE_POSTS = 'repo:app.bsky.feed.post?action=delete';
const FOLLOW = 'repo:app.bsky.graph.follow?action=create';

let browser: ExtensionBrowser;
let popup: Page;
let closeBrowser: () => Promise<void>;
let site: TestSite;
let page: Page;

const like = () => createLikeCall(alice.did, `at://${alice.did}/app.bsky.feed.post/3kabcdefghij2`);
const follow = () => createRecordCall(alice.did, 'app.bsky.graph.follow', { subject: bob.did });
const silently = <T extends object>(call: T) => ({ ...call, noPrompt: true });

async function grantView(): Promise<SiteGrantView | undefined> {
  const list = await sendPrivileged(popup, 'grants.list');
  if (!list.ok) throw new Error(JSON.stringify(list.error));
  return list.result.find((g) => g.origin === site.origin);
}

/** Rewrites the site's grant row in the background's database, then restarts the worker so its cache reloads. */
async function editStoredGrant(change: Partial<GrantRecord>) {
  await (await browser.background()).evaluate(
    async ({ dbName, key, change }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(dbName);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const store = db.transaction('grants', 'readwrite').objectStore('grants');
      await new Promise<void>((resolve, reject) => {
        const get = store.get(key);
        get.onsuccess = () => {
          const put = store.put({ ...get.result, ...change });
          put.onsuccess = () => resolve();
          put.onerror = () => reject(put.error);
        };
      });
      db.close();
    },
    { dbName: DB_NAME, key: [site.origin, alice.did], change },
  );
  await browser.stopBackground();
}

/** Asks from the page, approves in the consent window with a duration choice, and answers the page's outcome. */
async function approve(
  method: string,
  params: unknown,
  button: 'consent-approve' | 'consent-once' | 'consent-always',
  duration?: 'hour' | 'today' | 'revoke',
) {
  const consentPromise = nextConsentWindow(browser.context);
  const pending = request(page, method, params);
  const consent = await consentPromise;
  if (duration) await consent.getByTestId('consent-duration').selectOption(duration);
  await clickAndClose(consent, { testId: button });
  return pending;
}

const siteCard = () => popup.locator(`[data-testid=site][data-origin="${site.origin}"]`);

beforeAll(async () => {
  ({ browser, popup, close: closeBrowser } = await launchSignedIn(extensionPath, pds, alice));
  site = await startTestSite();
  page = await browser.context.newPage();
  await page.goto(site.origin);
  await page.evaluate(() => {
    (window as any).__events = [];
    (window as any).atproto.on('accountsChanged', (a: unknown) =>
      (window as any).__events.push(['accountsChanged', a]),
    );
    (window as any).atproto.on('disconnect', (e: unknown) => (window as any).__events.push(['disconnect', e]));
  });
  // The connect's default is "until I revoke it", as before the choice existed.
  const consentPromise = nextConsentWindow(browser.context);
  const connecting = request(page, 'atproto_connect', { scope: `atproto ${POST} ${LIKE} ${DELETE_POSTS}` });
  const consent = await consentPromise;
  expect(await consent.getByTestId('consent-duration').inputValue()).toBe('revoke');
  await clickAndClose(consent, { testId: 'consent-approve' });
  expect(await connecting).toMatchObject({ ok: true });
  expect((await grantView())?.expiresAt).toBeUndefined();
});
afterAll(async () => {
  await closeBrowser?.();
  await site?.close();
});

describe('grants you can edit (Chromium, local PDS)', () => {
  it('removing one scope makes the next call of that kind prompt while the others stay silent', async () => {
    expect(await request(page, 'atproto_xrpc', silently(createPostCall(alice.did, 'before')))).toMatchObject({
      ok: true,
      result: { status: 200 },
    });
    await popup.reload();
    const postLine = siteCard().locator(`[data-testid=grant-scope][data-scope="${POST}"]`);
    expect(await postLine.innerText()).toContain('Create posts');
    expect(await siteCard().getByTestId('grant-last-used').innerText()).toMatch(/last used/);
    // The base scope is the connection itself: no remove button (Revoke takes it away).
    expect(await siteCard().locator('[data-scope="atproto"] [data-testid=remove-scope]').count()).toBe(0);
    await postLine.getByTestId('remove-scope').click();
    await expect.poll(async () => (await grantView())?.scope).toBe(`atproto ${LIKE} ${DELETE_POSTS}`);

    expect(await request(page, 'atproto_xrpc', silently(createPostCall(alice.did, 'after')))).toMatchObject({
      ok: false,
      error: { code: 4100 },
    });
    expect(await request(page, 'atproto_xrpc', silently(like()))).toMatchObject({ ok: true, result: { status: 200 } });
    // Asked without noPrompt: the consent window opens for the post, and the site stays connected.
    expect(await approve('atproto_xrpc', createPostCall(alice.did, 'asked'), 'consent-once')).toMatchObject({
      ok: true,
      result: { status: 200 },
    });
    expect(await request(page, 'atproto_accounts')).toMatchObject({ ok: true, result: [{ did: alice.did }] });
  });

  it('"Always ask before deleting" is on by default: a grant that allows deleting still asks', async () => {
    expect(await siteCard().getByTestId('grant-scope').allInnerTexts()).toContainEqual(
      expect.stringContaining('Delete posts'),
    );
    expect(await popup.getByTestId('policy-ask-before-deleting').isChecked()).toBe(true);
    const created = await request(page, 'atproto_xrpc', silently(like()));
    const rkey = (created as any).result.body.uri.split('/').pop();
    expect(
      await request(page, 'atproto_xrpc', {
        nsid: 'com.atproto.repo.deleteRecord',
        body: { repo: alice.did, collection: 'app.bsky.feed.post', rkey },
        noPrompt: true,
      }),
    ).toMatchObject({ ok: false, error: { code: 4100, message: expect.stringContaining('deletions ask each time') } });
  });

  it('an ended grant answers as no grant: calls are refused and connecting asks again', async () => {
    await editStoredGrant({ expiresAt: Date.now() - 1_000 });
    expect(await request(page, 'atproto_xrpc', silently(like()))).toMatchObject({ ok: false, error: { code: 4100 } });
    expect(await request(page, 'atproto_accounts')).toEqual({ ok: true, result: [] });
    await popup.reload();
    await expect.poll(() => siteCard().count()).toBe(0);
    // Connecting again opens the window; this time "for 1 hour", which the background times itself.
    const before = Date.now();
    expect(await approve('atproto_connect', { scope: `atproto ${LIKE}` }, 'consent-approve', 'hour')).toMatchObject({
      ok: true,
      result: { scope: `atproto ${LIKE}` },
    });
    const grant = await grantView();
    expect(grant?.expiresAt).toBeGreaterThanOrEqual(before + HOUR);
    expect(grant?.expiresAt).toBeLessThanOrEqual(Date.now() + HOUR);
    await popup.reload();
    expect(await siteCard().getByTestId('grant-ends').innerText()).toMatch(/access ends in (1 hour|\d+ minutes)/);
  });

  it('"Always allow" for 1 hour adds a scope with its own end; when it ends that call asks again', async () => {
    const before = Date.now();
    expect(await approve('atproto_xrpc', follow(), 'consent-always', 'hour')).toMatchObject({ ok: true });
    const grant = await grantView();
    const followScope = grant?.scopes.find((s) => s.scope === FOLLOW);
    expect(followScope?.expiresAt).toBeGreaterThanOrEqual(before + HOUR);
    expect(await request(page, 'atproto_xrpc', silently(follow()))).toMatchObject({ ok: true });
    await editStoredGrant({ scopeExpiresAt: { [FOLLOW]: Date.now() - 1_000 } });
    expect(await request(page, 'atproto_xrpc', silently(follow()))).toMatchObject({ ok: false, error: { code: 4100 } });
    expect(await request(page, 'atproto_xrpc', silently(like()))).toMatchObject({ ok: true, result: { status: 200 } });
    // Back to a grant without an end for the tests that follow.
    await editStoredGrant({ expiresAt: undefined, scopeExpiresAt: undefined });
  });

  it('revoke asks first; confirmed, it revokes; Undo restores and the site works again without a prompt', async () => {
    await page.evaluate(() => void ((window as any).__events = []));
    await popup.reload();
    await siteCard().getByTestId('revoke-site').click();
    expect(await siteCard().getByTestId('revoke-site-question').innerText()).toContain(site.origin);
    await new Promise((r) => setTimeout(r, 500));
    expect(await grantView()).toBeDefined();
    await siteCard().getByTestId('revoke-site-cancel').click();
    expect(await siteCard().getByTestId('revoke-site-question').count()).toBe(0);
    expect(await grantView()).toBeDefined();

    await siteCard().getByTestId('revoke-site').click();
    await siteCard().getByTestId('revoke-site-confirm').click();
    await expect.poll(() => siteCard().count()).toBe(0);
    expect(await grantView()).toBeUndefined();
    await expect
      .poll(() => page.evaluate(() => (window as any).__events))
      .toContainEqual(['disconnect', expect.objectContaining({ code: 4100 })]);
    expect(await request(page, 'atproto_xrpc', silently(like()))).toMatchObject({ ok: false, error: { code: 4100 } });
    const toast = popup.getByTestId('undo-toast');
    expect(await toast.innerText()).toContain(`Revoked ${site.origin}`);
    await toast.getByTestId('undo-revoke').click();
    await expect.poll(() => siteCard().count()).toBe(1);
    await expect
      .poll(() => page.evaluate(() => (window as any).__events.at(-1)))
      .toEqual(['accountsChanged', [{ did: alice.did, handle: alice.handle }]]);
    expect(await request(page, 'atproto_xrpc', silently(like()))).toMatchObject({ ok: true, result: { status: 200 } });
  });
});

describe('a site connected as two accounts (Chromium, local PDS)', () => {
  it('revoking one account asks first, tells the site its accounts changed (no disconnect), and undoes', async () => {
    await signIn(browser, popup, bob);
    const consentPromise = nextConsentWindow(browser.context);
    const connecting = request(page, 'atproto_connect', { scope: `atproto ${LIKE}`, account: bob.handle });
    await clickAndClose(await consentPromise, { testId: 'consent-approve' });
    expect(await connecting).toMatchObject({ ok: true, result: { did: bob.did } });
    await page.evaluate(() => void ((window as any).__events = []));
    await popup.reload();
    const bobGrant = siteCard().locator(`[data-testid=site-grant][data-did="${bob.did}"]`);
    await bobGrant.getByTestId('revoke-account').click();
    expect(await bobGrant.getByTestId('revoke-account-question').innerText()).toContain(`@${bob.handle}`);
    await bobGrant.getByTestId('revoke-account-confirm').click();
    await expect.poll(() => bobGrant.count()).toBe(0);
    await expect
      .poll(() => page.evaluate(() => (window as any).__events))
      .toEqual([['accountsChanged', [{ did: alice.did, handle: alice.handle }]]]);
    expect(await request(page, 'atproto_xrpc', { ...silently(like()), did: alice.did })).toMatchObject({ ok: true });
    await popup.getByTestId('undo-revoke').click();
    await expect.poll(() => bobGrant.count()).toBe(1);
    expect(await request(page, 'atproto_accounts')).toMatchObject({
      ok: true,
      result: expect.arrayContaining([{ did: bob.did, handle: bob.handle }]),
    });
    // Bob's grant goes again, for the tests that follow (confirmed, not undone).
    expect(await sendPrivileged(popup, 'grants.revoke', { origin: site.origin, did: bob.did })).toMatchObject({
      ok: true,
      result: { revoked: 1 },
    });
  });
});

describe('attacks on the grant operations', () => {
  it('a restore token works once: replayed or forged, it restores nothing', async () => {
    const revoked = await sendPrivileged(popup, 'grants.revoke', { origin: site.origin });
    if (!revoked.ok) throw new Error(JSON.stringify(revoked.error));
    const { undoToken } = revoked.result;
    expect(await sendPrivileged(popup, 'grants.restore', { undoToken: crypto.randomUUID() })).toMatchObject({
      ok: false,
      error: { code: 'undo-unavailable' },
    });
    expect(await sendPrivileged(popup, 'grants.restore', { undoToken })).toEqual({ ok: true, result: 1 });
    await sendPrivileged(popup, 'grants.revoke', { origin: site.origin });
    expect(await sendPrivileged(popup, 'grants.restore', { undoToken })).toMatchObject({
      ok: false,
      error: { code: 'undo-unavailable' },
    });
    expect(await grantView()).toBeUndefined();
  });

  it('removeScope refuses another origin’s grant and a scope not in the grant', async () => {
    expect(await approve('atproto_connect', { scope: `atproto ${LIKE}` }, 'consent-approve')).toMatchObject({
      ok: true,
    });
    const other = await startTestSite();
    try {
      expect(
        await sendPrivileged(popup, 'grants.removeScope', { origin: other.origin, did: alice.did, scope: LIKE }),
      ).toMatchObject({ ok: false, error: { code: 'no-such-grant' } });
      expect(
        await sendPrivileged(popup, 'grants.removeScope', { origin: site.origin, did: alice.did, scope: POST }),
      ).toMatchObject({ ok: false, error: { code: 'no-such-scope' } });
      expect(
        await sendPrivileged(popup, 'grants.removeScope', { origin: site.origin, did: alice.did, scope: 'atproto' }),
      ).toMatchObject({ ok: false, error: { code: 'not-removable' } });
      expect((await grantView())?.scope).toBe(`atproto ${LIKE}`);
    } finally {
      await other.close();
    }
  });

  it('a decision with an expiry choice not offered (or a time) is refused; the prompt still waits', async () => {
    const consentPromise = nextConsentWindow(browser.context);
    const pending = request(page, 'atproto_xrpc', follow());
    const consent = await consentPromise;
    const id = new URL(consent.url()).searchParams.get('prompt')!;
    for (const extra of [{ duration: 'week' }, { duration: Date.now() + 100 * HOUR }, { expiresAt: 1e15 }]) {
      const answer = await sendPrivileged(popup, 'prompt.decide', {
        id,
        outcome: 'approve',
        remember: true,
        ...extra,
      } as never);
      expect(answer).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    }
    await clickAndClose(consent, { testId: 'consent-once' });
    expect(await pending).toMatchObject({ ok: true, result: { status: 200 } });
    expect((await grantView())?.scope).toBe(`atproto ${LIKE}`);
  });
});
