import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from './support/chromium';

const extensionPath = inject('chromeExtensionPath');
/** Long enough for a woken worker to be reported starting. */
const SETTLE_MS = 1_500;
const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

let profileDir: string;
let browser: ExtensionBrowser;

// Each wake starts a renderer process and runs the background's start-up (its script, its database): the tabs a
// person opens and closes must not start it.
describe('what wakes a stopped background (Chromium)', () => {
  beforeAll(async () => {
    profileDir = await mkdtemp(path.join(os.tmpdir(), 'at-keyring-profile-'));
    browser = await launchWithExtension(extensionPath, profileDir);
  });
  afterAll(async () => {
    await browser?.close();
    await rm(profileDir, { recursive: true, force: true });
  });

  it('opening and closing a tab does not wake it; closing a window does (the consent and sign-in windows are watched)', async () => {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await browser.stopBackground();
    const watch = await browser.watchBackgroundStarts();
    try {
      const tab = await browser.context.newPage();
      await tab.goto('about:blank');
      await tab.close();
      await settle();
      expect(watch.starts()).toBe(0);

      // The same watcher sees a wake: a window closing, which windows.onRemoved is told of.
      const cdp = await browser.context.newCDPSession(page);
      const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank', newWindow: true });
      await settle();
      expect(watch.starts()).toBe(0);
      await cdp.send('Target.closeTarget', { targetId });
      await cdp.detach();
      await expect.poll(() => watch.starts(), { timeout: 10_000 }).toBe(1);
    } finally {
      await watch.stop();
    }
  });
});
