import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DB_NAME } from '../src/storage/db';
import { attachServiceWorker } from './support/cdp';
import type { ExtensionBrowser } from './support/chromium';
import { directRepo } from './support/direct-repo';
import { accountCard, finishPdsSignIn, launchSignedIn, signIn } from './support/keyring';
import { clickNotification, shownNotificationIds } from './support/notifications';
import { sendPrivileged } from './support/privileged';
import { TINY_PNG } from './support/records';

// Issue 14: accounts people recognise (name, picture, details behind a disclosure), honest states (an
// unreachable server is said as such, never beside "valid"), sessions that do not lapse silently (a
// notification two days before the end, one place to sign in again), and settings on the options page.

const pds = inject('pds');
const extensionPath = inject('chromeExtensionPath');
const { alice, bob } = pds.accounts;
const DAY = 24 * 3_600_000;

let closeBrowser: () => Promise<void>;
let browser: ExtensionBrowser;
let popup: Page;

/** Moves an account's stored session end (what the notices judge by), then starts the worker anew. */
async function setSessionEnd(did: string, at: number) {
  await (await browser.background()).evaluate(
    async ({ dbName, did, at }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(dbName);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const store = db.transaction('accounts', 'readwrite').objectStore('accounts');
      await new Promise<void>((resolve, reject) => {
        const get = store.get(did);
        get.onsuccess = () => {
          const put = store.put({ ...get.result, sessionExpiresAt: at });
          put.onsuccess = () => resolve();
          put.onerror = () => reject(put.error);
        };
      });
      db.close();
    },
    { dbName: DB_NAME, did, at },
  );
  await wakeAnew();
}

/** Stops the worker and wakes it with the popup's first request: a start runs the notices' check. */
async function wakeAnew() {
  await browser.stopBackground();
  await popup.reload();
  await popup.getByTestId('account').first().waitFor();
}

async function notificationIds(): Promise<string[]> {
  return shownNotificationIds(await browser.background());
}

describe('the popup (Chromium, local PDS)', () => {
  beforeAll(async () => {
    // Alice has a profile with a display name and a picture.
    const repo = await directRepo(pds.pdsUrl, alice);
    const avatar = await repo.uploadBlob(TINY_PNG, 'image/png');
    await repo.createRecord('app.bsky.actor.profile', { displayName: 'Alice Liddell', avatar }, 'self');
    ({ browser, popup, close: closeBrowser } = await launchSignedIn(extensionPath, pds, alice));
    await signIn(browser, popup, bob);
  });
  afterAll(async () => {
    await closeBrowser?.();
  });

  it('shows each account by its display name and picture; DID and server are behind Details', async () => {
    await popup.reload();
    const card = accountCard(popup, alice.did);
    await expect.poll(() => card.getByTestId('account-name').innerText(), { timeout: 15_000 }).toBe('Alice Liddell');
    expect(await card.getByTestId('account-handle').innerText()).toBe(`@${alice.handle}`);
    await expect.poll(() => card.getByTestId('account-avatar').count()).toBe(1);
    expect(await card.getByTestId('account-avatar').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    // Bob has no profile: his handle, and a letter badge.
    expect(await accountCard(popup, bob.did).getByTestId('account-avatar-badge').count()).toBe(1);
    // The DID and server are there for who looks, not in the way.
    expect(await card.getByTestId('account-did').isVisible()).toBe(false);
    await card.getByTestId('account-details').locator('summary').click();
    expect(await card.getByTestId('account-did').innerText()).toBe(alice.did);
    // Kept: the next opening shows the name at once, before any look-up.
    await popup.reload();
    await expect.poll(() => card.getByTestId('account-name').count()).toBe(1);
    // No jargon on the card: no "token", no "PLC".
    expect(await popup.getByTestId('accounts').innerText()).not.toMatch(/token|PLC|handle resolver/i);
  });

  it('with the server unreachable, Check says so and what it means, and the card says nothing is wrong with the session', async () => {
    const sw = await attachServiceWorker(browser.context, browser.extensionId);
    await sw.send('Network.enable');
    await sw.send('Network.emulateNetworkConditions', {
      offline: true,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    try {
      await popup.reload();
      const card = accountCard(popup, alice.did);
      await card.getByTestId('check-account').click();
      const result = card.getByTestId('check-result');
      await expect.poll(() => result.getAttribute('data-result'), { timeout: 35_000 }).toBe('unreachable');
      const text = await result.innerText();
      expect(text).toContain(`Can't reach the server ${new URL(pds.pdsUrl).host}`);
      expect(text).toContain('The session is kept');
      expect(text).not.toMatch(/went wrong inside/i);
      expect(await card.getAttribute('data-standing')).toBe('ok');
      expect(await card.innerText()).not.toMatch(/\bvalid\b/i);
      expect(await popup.getByTestId('error').count()).toBe(0);
    } finally {
      await sw.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
      await sw.detach();
    }
    const card = accountCard(popup, alice.did);
    await card.getByTestId('check-account').click();
    await expect.poll(() => card.getByTestId('check-result').getAttribute('data-result')).toBe('ok');
  });

  it('two days before a session ends, a notification says so, and the popup lists each account to sign in again', async () => {
    expect(await notificationIds()).not.toContain(`session-expiry:${bob.did}`);
    await setSessionEnd(bob.did, Date.now() + DAY);
    await expect.poll(notificationIds, { timeout: 15_000 }).toContain(`session-expiry:${bob.did}`);
    // A click opens the popup's page in a tab and closes the notice; once per session, it does not come back
    // when the worker starts again.
    const opened = browser.context.waitForEvent('page', { predicate: (p) => p.url().endsWith('/popup.html') });
    expect(await clickNotification(await browser.background(), `session-expiry:${bob.did}`)).toBe(true);
    await (await opened).close();
    await expect.poll(notificationIds).not.toContain(`session-expiry:${bob.did}`);
    await wakeAnew();
    expect(await notificationIds()).not.toContain(`session-expiry:${bob.did}`);
    await popup.reload();
    const panel = popup.getByTestId('resign-panel');
    expect(await panel.innerText()).toContain('1 account needs signing in again');
    const row = panel.locator(`[data-testid=resign-account][data-did="${bob.did}"]`);
    expect(await row.innerText()).toContain(`@${bob.handle}`);
    expect(await accountCard(popup, bob.did).getAttribute('data-standing')).toBe('ending');
    expect(await accountCard(popup, bob.did).getByTestId('account-session').innerText()).toContain(
      'sign in again to keep sites working',
    );

    // Signing in again from the panel: a new session, fourteen days long, and the panel is gone.
    await signInAgainFromPanel(bob.did);
    await expect.poll(() => popup.getByTestId('resign-panel').count(), { timeout: 15_000 }).toBe(0);
    expect(await accountCard(popup, bob.did).getAttribute('data-standing')).toBe('ok');
  });

  it('a pending sign-in can be brought back, cancelled (its window closes), and says so when its window is closed', async () => {
    await popup.reload();
    const start = async () => {
      const opened = browser.context.waitForEvent('page');
      await popup.getByTestId('login-input').fill(alice.handle);
      await popup.getByTestId('login-submit').click();
      const auth = await opened;
      await popup.getByTestId('login-pending').waitFor();
      return auth;
    };
    // Cancel: the window closes, nothing is said to be wrong.
    let auth = await start();
    const closed = auth.waitForEvent('close');
    await popup.getByTestId('login-cancel').click();
    await closed;
    await expect.poll(() => popup.getByTestId('login-pending').count()).toBe(0);
    expect(await popup.getByTestId('error').count()).toBe(0);

    // Bring back: the window is still there (the background focuses it); then the user closes it.
    auth = await start();
    const attempts = await popup.evaluate(async () => {
      const chrome = (globalThis as any).chrome;
      const stored = await chrome.storage.local.get('at-keyring:pending-login');
      return stored['at-keyring:pending-login'] as string;
    });
    expect(await sendPrivileged(popup, 'login.focus', { id: attempts })).toEqual({ ok: true, result: true });
    await popup.getByTestId('login-focus').click();
    expect(auth.isClosed()).toBe(false);
    await auth.close();
    await expect.poll(() => popup.getByTestId('error').count(), { timeout: 15_000 }).toBe(1);
    expect(await popup.getByTestId('error').innerText()).toContain('its window was closed');
    expect(await popup.getByTestId('login-pending').count()).toBe(0);
    expect(await sendPrivileged(popup, 'login.focus', { id: attempts })).toEqual({ ok: true, result: false });
  });

  it('network settings live on the options page, with presets and a line on each field', async () => {
    await popup.reload();
    expect(await popup.getByTestId('setting-handleResolver').count()).toBe(0);
    const [options] = await Promise.all([
      browser.context.waitForEvent('page'),
      popup.getByTestId('open-options').click(),
    ]);
    await options.waitForLoadState();
    expect(new URL(options.url()).pathname).toBe('/options.html');
    const resolver = options.getByTestId('setting-handleResolver');
    await resolver.waitFor();
    // The e2e network is set up as local development: the fields show it.
    expect(await resolver.inputValue()).toBe(pds.pdsUrl);
    expect(await options.locator('#help-handleResolver').innerText()).toContain('turns a handle');
    // A preset fills the fields and changes nothing until saved.
    await options.getByTestId('preset-bluesky').click();
    expect(await resolver.inputValue()).toBe('https://bsky.social');
    await options.reload();
    expect(await options.getByTestId('setting-handleResolver').inputValue()).toBe(pds.pdsUrl);
    await options.close();
  });
});

/** The panel's button for `did`, then the PDS's sign-in and consent pages. */
async function signInAgainFromPanel(did: string) {
  const account = did === bob.did ? bob : alice;
  const authPagePromise = browser.context.waitForEvent('page');
  await popup.locator(`[data-testid=resign-account][data-did="${did}"]`).getByTestId('resign-sign-in').click();
  await finishPdsSignIn(await authPagePromise, account);
}
