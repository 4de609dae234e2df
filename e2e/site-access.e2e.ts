import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { siteAccessScenario } from './scenarios/site-access';
import { poll } from './scenarios/steps';
import { type ExtensionBrowser, launchWithExtension } from './support/chromium';
import { launchChromiumDriver } from './support/driver';
import { startTestSite, type TestSite } from './support/test-site';

siteAccessScenario((profileDir) => launchChromiumDriver(inject('chromeExtensionPath'), profileDir), {
  name: 'Chromium',
  otherHost: '127.0.0.1',
  withdrawsAllSites: false,
});

describe('"Allow this site" in the toolbar popup (Chromium)', () => {
  let profileDir: string;
  let browser: ExtensionBrowser;
  let site: TestSite;
  let other: TestSite;
  beforeAll(async () => {
    [site, other] = await Promise.all([startTestSite(), startTestSite()]);
    profileDir = await mkdtemp(path.join(os.tmpdir(), 'at-keyring-allow-tab-'));
    browser = await launchWithExtension(inject('chromeExtensionPath'), profileDir);
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([site?.close(), other?.close()]);
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
  });

  it('offers the current tab’s site, and allowing it gives new loads of that site (only) the provider', async () => {
    const tab = await browser.context.newPage();
    await tab.goto(site.origin);
    await tab.bringToFront();
    const popup = await browser.openActionPopup();
    const inPopup = <T>(expression: string) => popup.evaluate<T>(expression);
    const shown = (selector: string) =>
      poll(
        () => inPopup<boolean>(`!!document.querySelector(${JSON.stringify(selector)})`),
        (found) => found,
        selector,
      );
    await shown('[data-testid=site-access][data-mode=all]');
    // Every site already has it: no "Allow" button in the default mode.
    expect(await inPopup('!!document.querySelector("[data-testid=site-access-allow-tab]")')).toBe(false);
    await inPopup('document.querySelector("[data-testid=site-access-allowed]").click()');
    await shown('[data-testid=site-access][data-mode=allowed]');
    await shown('[data-testid=site-access-allow-tab]');
    expect(await inPopup('document.querySelector("[data-testid=site-access-allow-tab]").textContent')).toBe(
      `Allow ${site.origin}`,
    );
    await inPopup('document.querySelector("[data-testid=site-access-allow-tab]").click()');
    await shown(`[data-testid=site-access-site][data-origin="${site.origin}"]`);
    await popup.close();

    const has = async (origin: string) => {
      const page = await browser.context.newPage();
      await page.goto(origin);
      return page.evaluate(() => 'atproto' in window);
    };
    expect(await has(site.origin)).toBe(true);
    expect(await has(other.origin)).toBe(false);
  });

  it('judges a frame by its own origin: none inside an allowed page, one for an allowed frame elsewhere', async () => {
    const framed = async (top: string, inner: string) => {
      const page = await browser.context.newPage();
      await page.goto(top);
      await page.evaluate(
        (src) =>
          new Promise((resolve) => {
            const frame = document.createElement('iframe');
            frame.onload = resolve;
            frame.src = src;
            document.body.append(frame);
          }),
        inner,
      );
      const frame = page.frames().find((f) => f.url().startsWith(inner));
      return frame?.evaluate(() => 'atproto' in window);
    };
    expect(await framed(site.origin, `${other.origin}/`)).toBe(false);
    expect(await framed(other.origin, `${site.origin}/`)).toBe(true);
  });
});
