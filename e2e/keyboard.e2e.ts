import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from './support/chromium';
import { accountCard, configureNetwork, finishPdsSignIn } from './support/keyring';

// Issue 14: the popup's daily tasks with the keyboard alone: sign in, switch the account sites are offered,
// sign out. Tab moves the focus, Enter acts; nothing is clicked in AT Keyring's own UI. (The PDS's sign-in
// and consent pages are the server's, driven as the other suites drive them.)

const pds = inject('pds');
const extensionPath = inject('chromeExtensionPath');
const { alice, bob } = pds.accounts;

let browser: ExtensionBrowser;
let popup: Page;
let profileDir: string;

/** What has the focus: its test id, and the account card it is in. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return {
      testId: el?.dataset.testid ?? el?.tagName.toLowerCase() ?? '',
      did: el?.closest<HTMLElement>('[data-did]')?.dataset.did ?? '',
    };
  });

/** Presses Tab until the focus is on `testId` (an element without one: its tag), in `did`'s card when given. */
async function tabTo(page: Page, testId: string, did?: string) {
  for (let i = 0; i < 80; i++) {
    const now = await focused(page);
    if (now.testId === testId && (!did || now.did === did)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${testId}${did ? ` of ${did}` : ''}`);
}

/** Signs in with the keyboard: Tab to the field, type, Enter; then the PDS's own pages. */
async function signInByKeyboard(account: typeof alice) {
  await popup.bringToFront();
  await tabTo(popup, 'login-input');
  await popup.keyboard.type(account.handle);
  const authPage = browser.context.waitForEvent('page');
  await popup.keyboard.press('Enter');
  await finishPdsSignIn(await authPage, account);
  await expect.poll(() => accountCard(popup, account.did).count(), { timeout: 15_000 }).toBe(1);
}

describe('the popup with the keyboard alone (Chromium, local PDS)', () => {
  beforeAll(async () => {
    profileDir = await mkdtemp(path.join(os.tmpdir(), 'at-keyring-keyboard-'));
    browser = await launchWithExtension(extensionPath, profileDir);
    popup = await browser.openPopup();
    await configureNetwork(popup, pds);
    await popup.reload();
  });
  afterAll(async () => {
    await browser?.close();
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
  });

  it('signs in two accounts', async () => {
    await signInByKeyboard(alice);
    await popup.reload();
    await signInByKeyboard(bob);
    expect(await popup.getByTestId('account').count()).toBe(2);
  });

  it('switches the account sites are offered', async () => {
    await popup.reload();
    await popup.getByTestId('account').first().waitFor();
    // The first account signed in is the active one; Use on the other makes it active.
    const inactive = (await accountCard(popup, alice.did).getByTestId('active-badge').count()) ? bob : alice;
    await tabTo(popup, 'use-account', inactive.did);
    await popup.keyboard.press('Enter');
    await expect.poll(() => accountCard(popup, inactive.did).getByTestId('active-badge').count()).toBe(1);
    // The details open with Enter too, and show the DID.
    await tabTo(popup, 'summary', inactive.did);
    await popup.keyboard.press('Enter');
    expect(await accountCard(popup, inactive.did).getByTestId('account-did').isVisible()).toBe(true);
  });

  it('signs out', async () => {
    await popup.reload();
    await popup.getByTestId('account').first().waitFor();
    await tabTo(popup, 'sign-out', bob.did);
    await popup.keyboard.press('Enter');
    await expect.poll(() => accountCard(popup, bob.did).count(), { timeout: 15_000 }).toBe(0);
    expect(await accountCard(popup, alice.did).count()).toBe(1);
  });
});
