import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from './support/chromium';
import {
  accountCard,
  configureNetwork,
  getSessionWithSavedToken,
  readStoredSession,
  requestWithSavedSession,
  signIn,
} from './support/keyring';

const pds = inject('pds');
const extensionPath = inject('chromeExtensionPath');
const { alice, bob } = pds.accounts;

let profileDir: string;
let browser: ExtensionBrowser;
let popup: Page;

async function check(did: string) {
  const card = accountCard(popup, did);
  await card.getByTestId('check-account').click();
  await expect.poll(() => card.getByTestId('check-result').textContent()).toContain('Session works');
}

describe('accounts in the popup, sessions in the background (Chromium, local PDS)', () => {
  beforeAll(async () => {
    profileDir = await mkdtemp(path.join(os.tmpdir(), 'at-keyring-profile-'));
    browser = await launchWithExtension(extensionPath, profileDir);
    popup = await browser.openPopup();
    await configureNetwork(popup, pds);
  });
  afterAll(async () => {
    await browser?.close();
    await rm(profileDir, { recursive: true, force: true });
  });

  it('explains an unknown handle in plain words', async () => {
    await popup.getByTestId('login-input').fill('nobody-here.test');
    await popup.getByTestId('login-submit').click();
    await expect
      .poll(() => popup.getByTestId('error').textContent())
      .toContain('No account found for “nobody-here.test”');
  });

  it('explains an unreachable server in plain words', async () => {
    await popup.getByTestId('login-input').fill('http://127.0.0.1:9');
    await popup.getByTestId('login-submit').click();
    await expect
      .poll(() => popup.getByTestId('error').textContent())
      .toContain('Couldn’t reach the server'.replace('’', "'"));
  });

  it('reports a sign-in the user denied at the PDS', async () => {
    await signIn(browser, popup, alice, 'deny');
    await expect.poll(() => popup.getByTestId('error').textContent()).toContain('declined at your server');
    expect(await popup.getByTestId('account').count()).toBe(0);
  });

  it('signs in through the PDS sign-in and consent pages and shows the account', async () => {
    await signIn(browser, popup, alice);
    const card = accountCard(popup, alice.did);
    await expect.poll(() => card.getByTestId('account-handle').textContent()).toBe('@alice.test');
    expect(await card.getByTestId('account-did').textContent()).toBe(alice.did);
    expect(await card.getByTestId('account-pds').textContent()).toBe(`${pds.pdsUrl}/`);
    expect(await card.getByTestId('account-session').textContent()).toMatch(/ends in 14 days/);
    expect(await card.getByTestId('active-badge').count()).toBe(1);
  });

  it('keeps tokens and a non-extractable DPoP key in the background only', async () => {
    const stored = await readStoredSession(await browser.background(), alice.did);
    expect(stored?.accessToken).toBeTruthy();
    expect(stored?.privateKeyExtractable).toBe(false);
    const popupStorage = await popup.evaluate(() => JSON.stringify({ ...localStorage }));
    expect(popupStorage).not.toContain(stored!.accessToken);
    // The popup's own small state is in extension storage: no token there either.
    const extensionStorage = await popup.evaluate(async () => {
      const { storage } = (globalThis as any).chrome;
      return JSON.stringify([await storage.local.get(null), await storage.session.get(null)]);
    });
    expect(extensionStorage).not.toContain(stored!.accessToken);
  });

  it('makes an authenticated call (getSession) from the background', async () => {
    await check(alice.did);
  });

  it('still works after the service worker is stopped', async () => {
    await (await browser.background()).evaluate(() => ((globalThis as any).__beforeStop = true));
    await browser.stopBackground();
    await check(alice.did);
    // A fresh worker answered: nothing survived in memory.
    expect(await (await browser.background()).evaluate(() => (globalThis as any).__beforeStop)).toBeUndefined();
  });

  it('adds a second account and switches the active one', async () => {
    await signIn(browser, popup, bob);
    await expect.poll(() => accountCard(popup, bob.did).count()).toBe(1);
    // The first account stays active until the user picks another.
    expect(await accountCard(popup, alice.did).getByTestId('active-badge').count()).toBe(1);
    await accountCard(popup, bob.did).getByTestId('use-account').click();
    await expect.poll(() => accountCard(popup, bob.did).getByTestId('active-badge').count()).toBe(1);
    expect(await accountCard(popup, alice.did).getByTestId('active-badge').count()).toBe(0);
  });

  it('keeps sessions across a browser restart', async () => {
    await browser.close();
    browser = await launchWithExtension(extensionPath, profileDir);
    popup = await browser.openPopup();
    await expect.poll(() => popup.getByTestId('account').count()).toBe(2);
    expect(await accountCard(popup, bob.did).getByTestId('active-badge').count()).toBe(1);
    await check(alice.did);
    await check(bob.did);
  });

  it('marks a session the PDS rejects and asks to sign in again', async () => {
    const sw = await browser.background();
    const stored = await readStoredSession(sw, bob.did);
    expect((await getSessionWithSavedToken(sw, bob.did, pds.pdsUrl)).status).toBe(200);
    // Revoke bob's tokens at the PDS behind the extension's back.
    const meta = await (await fetch(`${pds.pdsUrl}/.well-known/oauth-authorization-server`)).json();
    // The extension's loopback client id, encoded as the OAuth client encodes it.
    const clientId = `http://localhost?${new URLSearchParams({ scope: 'atproto transition:generic', redirect_uri: 'http://127.0.0.1/at-keyring/callback' })}`;
    const revoked = await requestWithSavedSession(sw, bob.did, {
      url: meta.revocation_endpoint,
      form: { token: stored!.refreshToken!, client_id: clientId },
    });
    expect(revoked.status).toBe(200);
    expect((await getSessionWithSavedToken(sw, bob.did, pds.pdsUrl)).status).toBe(401);

    const card = accountCard(popup, bob.did);
    await card.getByTestId('check-account').click();
    await expect.poll(() => card.getByTestId('sign-in-again').count()).toBe(1);
    // Said once, on the card, with what to do: not beside anything that says the session is fine.
    expect(await card.getAttribute('data-standing')).toBe('ended');
    expect(await card.getByTestId('account-session').textContent()).toBe(
      'The server ended this session. Sign in again to let sites act as this account.',
    );
    expect(await card.getByTestId('check-result').count()).toBe(0);
    expect(await card.getByTestId('check-account').count()).toBe(0);
    // Alice is unaffected.
    await check(alice.did);
  });

  it('signs out: revokes the token at the PDS and forgets the session and its key', async () => {
    const sw = await browser.background();
    const stored = await readStoredSession(sw, alice.did);
    // The saved token works before sign-out (so a 401 later means something).
    expect(await getSessionWithSavedToken(sw, alice.did, pds.pdsUrl)).toMatchObject({
      status: 200,
      body: { did: alice.did },
    });

    await accountCard(popup, alice.did).getByTestId('sign-out').click();
    await expect.poll(() => accountCard(popup, alice.did).count()).toBe(0);

    const after = await getSessionWithSavedToken(sw, alice.did, pds.pdsUrl);
    expect(after.status).toBe(401);
    expect(await readStoredSession(sw, alice.did)).toBeNull();
    expect(stored).toBeTruthy();
  });
});
