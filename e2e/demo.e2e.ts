import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDemoSite } from '../scripts/demo-site';
import type { ExtensionBrowser } from './support/chromium';
import { clickAndClose } from './support/driver';
import { launchSignedIn } from './support/keyring';
import { TINY_PNG } from './support/records';
import { nextConsentWindow } from './support/site';
import { startTestSite, type TestSite } from './support/test-site';

const pds = inject('pds');
const extensionPath = inject('chromeExtensionPath');
const { bob } = pds.accounts;

let closeBrowser: () => Promise<void>;
let browser: ExtensionBrowser;
let demo: { url: string; close(): Promise<void> };
let appview: TestSite;
let page: Page;

describe('the demo site: SDK and @atproto/api Agent through the extension (Chromium, local PDS)', () => {
  beforeAll(async () => {
    [demo, appview] = await Promise.all([startDemoSite(), startTestSite()]);
    ({ browser, close: closeBrowser } = await launchSignedIn(extensionPath, pds, bob));
    page = await browser.context.newPage();
    await page.goto(demo.url);
  });
  afterAll(async () => {
    await closeBrowser?.();
    await Promise.all([demo?.close(), appview?.close()]);
  });

  it('finds the extension and connects after consent', async () => {
    // Found the provider, checked for an earlier connection, found none.
    await expect.poll(() => page.locator('#status').textContent()).toBe('Not connected.');
    expect(await page.locator('#connect').isEnabled()).toBe(true);
    const consentPromise = nextConsentWindow(browser.context);
    await page.locator('#connect').click();
    const consent = await consentPromise;
    expect(await consent.getByTestId('consent-permissions').innerText()).toContain('Upload image files');
    await clickAndClose(consent, { testId: 'consent-approve' });
    await expect.poll(() => page.locator('#handle').textContent()).toBe('@bob.test');
    expect(await page.locator('#did').textContent()).toBe(bob.did);
  });

  it('updates the profile with agent.upsertProfile', async () => {
    await page.locator('#display-name-input').fill('Bob the Builder');
    await page.locator('#profile-form button').click();
    await expect.poll(() => page.locator('#display-name').textContent()).toBe('Bob the Builder');
  });

  it('posts with an image (agent.uploadBlob + agent.post) and lists it with the image loaded', async () => {
    await page.locator('#post-text').fill('a post from the demo');
    await page.locator('#post-image').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: TINY_PNG });
    await page.locator('#post-submit').click();
    const post = page.locator('.post', { hasText: 'a post from the demo' });
    await expect.poll(() => post.count()).toBe(1);
    await expect
      .poll(() => post.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBe(1);
    expect(await page.locator('#error').textContent()).toBe('');
  });

  it("routes the Agent's proxied calls (getTimeline via withProxy) through the extension", async () => {
    const consentPromise = nextConsentWindow(browser.context);
    const timeline = page.evaluate(async (serviceDid) => {
      const { agent } = (window as any).demo;
      const proxied = agent.withProxy('bsky_appview', serviceDid);
      proxied.configureLabelers(['did:plc:ar7c4by46qjdydhdevvrndac']);
      const res = await proxied.getTimeline({ limit: 5 });
      return res.data;
    }, appview.serviceDid);
    const consent = await consentPromise;
    expect(await consent.getByTestId('consent-permissions').innerText()).toContain(
      `Call app.bsky.feed.getTimeline as you at ${appview.serviceDid}#bsky_appview`,
    );
    await clickAndClose(consent, { testId: 'consent-once' });
    expect(await timeline).toEqual({ feed: [], cursor: 'end' });
    expect(appview.hits).toContain('/xrpc/app.bsky.feed.getTimeline?limit=5');
    // The Agent's labeler preference reached the AppView through extension and PDS.
    expect(appview.labelerHeaders.at(-1)).toContain('did:plc:ar7c4by46qjdydhdevvrndac');
  });

  it('turns a refusal into a typed error the Agent surfaces', async () => {
    const outcome = await page.evaluate(async () => {
      const { agent } = (window as any).demo;
      try {
        await agent.com.atproto.server.deleteAccount({ did: agent.did, password: 'x', token: 'y' });
        return 'resolved';
      } catch (err: any) {
        let e = err;
        while (e && typeof e.code !== 'number') e = e.cause;
        return e?.code;
      }
    });
    expect(outcome).toBe(4100);
  });

  it('disconnects', async () => {
    await page.locator('#disconnect').click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('Not connected.');
    expect(await page.locator('#signed-in').isHidden()).toBe(true);
  });
});
