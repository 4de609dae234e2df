import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chromeExtensionId, DEV_EXTENSION_KEY, releaseRedirectUris } from '../src/oauth/release-identity';
import { type ExtensionBrowser, launchWithExtension } from './support/chromium';
import { clickAndClose } from './support/driver';
import { HOSTED_CLIENT_CHROMIUM_ARGS, startHostedClientSite } from './support/hosted-client';
import { accountCard } from './support/keyring';
import { PDS_BUTTONS, PDS_PASSWORD_INPUT } from './support/pds-pages';
import { sendPrivileged } from './support/privileged';

const pds = inject('pds');
const extensionPath = inject('chromeExtensionPath');
const { alice } = pds.accounts;

// The production identity end to end: the hosted client-metadata document (as scripts/client-metadata.ts
// writes it, served from this machine), identity.launchWebAuthFlow and the chromiumapp.org redirect.
describe('sign-in as the hosted client (Chromium, local PDS)', () => {
  let site: Awaited<ReturnType<typeof startHostedClientSite>>;
  let profileDir: string;
  let browser: ExtensionBrowser;

  beforeAll(async () => {
    site = await startHostedClientSite(await releaseRedirectUris());
    profileDir = await mkdtemp(path.join(os.tmpdir(), 'at-keyring-profile-'));
    browser = await launchWithExtension(extensionPath, profileDir, HOSTED_CLIENT_CHROMIUM_ARGS);
  });
  afterAll(async () => {
    await browser?.close();
    await rm(profileDir, { recursive: true, force: true });
    await site?.close();
  });

  it('has the extension ID of the development key, whose redirect URL the document lists', async () => {
    expect(browser.extensionId).toBe(await chromeExtensionId(DEV_EXTENSION_KEY));
    const redirect = await (await browser.background()).evaluate(() =>
      (globalThis as any).chrome.identity.getRedirectURL(),
    );
    expect(await releaseRedirectUris()).toContain(redirect);
  });

  it('signs in through the PDS pages in the web-auth flow and makes an authenticated call', async () => {
    const popup = await browser.openPopup();
    const settings = {
      handleResolver: pds.pdsUrl,
      plcDirectoryUrl: pds.plcUrl,
      allowHttp: true,
      clientId: site.clientId,
    };
    expect(await sendPrivileged(popup, 'settings.update', { settings })).toMatchObject({ ok: true });
    await popup.reload();

    await popup.getByTestId('login-input').fill(alice.handle);
    const authPagePromise = browser.context.waitForEvent('page');
    await popup.getByTestId('login-submit').click();
    const auth = await authPagePromise;
    // The PDS knows the extension by its hosted document, not as a loopback client.
    await auth.waitForLoadState('domcontentloaded');
    expect(new URL(auth.url()).searchParams.get('client_id')).toBe(site.clientId);
    expect(site.fetches()).toBeGreaterThanOrEqual(1);
    await auth.locator(PDS_PASSWORD_INPUT).fill(alice.password);
    await auth.getByRole('button', { name: PDS_BUTTONS.signIn }).click();
    // launchWebAuthFlow closes its window when the PDS redirects to https://<id>.chromiumapp.org/.
    await clickAndClose(auth, { button: PDS_BUTTONS.authorize });

    const card = accountCard(popup, alice.did);
    await expect.poll(() => card.getByTestId('account-handle').textContent(), { timeout: 15_000 }).toBe('@alice.test');
    await card.getByTestId('check-account').click();
    await expect.poll(() => card.getByTestId('check-result').textContent()).toContain('Session works');
  });
});
