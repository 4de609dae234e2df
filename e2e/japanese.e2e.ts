import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ExtensionBrowser } from './support/chromium';
import { clickAndClose } from './support/driver';
import { launchSignedIn } from './support/keyring';
import { createPostCall } from './support/records';
import { nextConsentWindow, request } from './support/site';
import { startTestSite, type TestSite } from './support/test-site';

// Issue 14: with the browser in Japanese, the popup, the options page, the consent window and the activity
// page show no English: every string comes from src/locales/ja.yml. (The PDS's own sign-in pages follow the
// browser's Accept-Language, kept English here so the helpers can drive them.)

const pds = inject('pds');
const extensionPath = inject('chromeExtensionPath');
const { alice } = pds.accounts;
/**
 * Chromium on Linux takes its UI language (what chrome.i18n and Intl read) from LANGUAGE / LANG, and the
 * pages' Accept-Language from --accept-lang, kept English for the PDS pages' helpers.
 */
const JAPANESE_ARGS = ['--lang=ja', '--accept-lang=en-US,en'];
const JAPANESE_ENV = { LANGUAGE: 'ja', LANG: 'ja_JP.UTF-8', LC_ALL: 'ja_JP.UTF-8' };

let closeBrowser: () => Promise<void>;
let browser: ExtensionBrowser;
let popup: Page;
let site: TestSite;

/** Words left in a page's text once names and values that are the same in every language are taken out. */
async function englishWords(page: Page): Promise<string[]> {
  const { text, userNames } = await page.evaluate(() => ({
    text: document.body.innerText,
    // An account's display name is the person's own data, in whatever language they wrote it (another test
    // file on the same PDS gives alice an English one).
    userNames: [...document.querySelectorAll('[data-testid="account-name"]')].map((e) => (e as HTMLElement).innerText),
  }));
  const neutral = userNames
    .filter((name) => name.trim())
    .reduce((t, name) => t.split(name).join(' '), text)
    .replace(/\bhttps?:\/\/[^\s)）]+/g, ' ') // origins and URLs
    .replace(/\bdid:[a-z]+:[\w.:%-]+/g, ' ') // DIDs
    .replace(/@?[\w-]+(\.[\w-]+)*\.test\b/g, ' ') // the test accounts' handles
    .replace(/\b[a-z][\w-]*(\.[a-zA-Z][\w-]*){2,}\b/g, ' ') // NSIDs (app.bsky.feed.post)
    .replace(/\b(AT Keyring|DID|PDS|PLC|OAuth|JSON|URL|Bluesky|http|https|did:plc)\b/g, ' ');
  // Each English word with a little of what surrounds it, so a failure says where it is.
  return [...neutral.matchAll(/[A-Za-z]{2,}/g)].map((m) =>
    neutral.slice(Math.max(0, m.index - 20), m.index + 30).trim(),
  );
}

describe('the extension in Japanese (Chromium, local PDS)', () => {
  beforeAll(async () => {
    site = await startTestSite();
    ({
      browser,
      popup,
      close: closeBrowser,
    } = await launchSignedIn(extensionPath, pds, alice, JAPANESE_ARGS, JAPANESE_ENV));
  });
  afterAll(async () => {
    await closeBrowser?.();
    await site?.close();
  });

  it('the browser picked the Japanese catalogue, and the pages say so', async () => {
    expect(await popup.evaluate(() => (globalThis as any).chrome.i18n.getMessage('format_locale'))).toBe('ja');
    expect(await popup.evaluate(() => document.documentElement.lang)).toBe('ja');
  });

  it('the popup, signed in, has no English left', async () => {
    await popup.reload();
    await popup.getByTestId('account').first().waitFor();
    await popup.getByTestId('account-details').first().locator('summary').click();
    expect(await englishWords(popup)).toEqual([]);
    expect(await popup.getByTestId('account-session').first().innerText()).toContain('セッション');
  });

  it('the options page has no English left', async () => {
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
    await options.getByTestId('network-settings').waitFor();
    expect(await englishWords(options)).toEqual([]);
    await options.close();
  });

  it('the consent window for a connect and for a post has no English left', async () => {
    const page = await browser.context.newPage();
    await page.goto(site.origin);
    const connectWindow = nextConsentWindow(browser.context);
    const connecting = request(page, 'atproto_connect', { scope: 'atproto' });
    const connect = await connectWindow;
    await connect.getByTestId('consent-approve').waitFor();
    expect(await englishWords(connect)).toEqual([]);
    await clickAndClose(connect, { testId: 'consent-approve' });
    expect(await connecting).toMatchObject({ ok: true });

    const postWindow = nextConsentWindow(browser.context);
    const posting = request(page, 'atproto_xrpc', createPostCall(alice.did, 'こんにちは'));
    const post = await postWindow;
    await post.getByTestId('preview-post').waitFor();
    expect(await englishWords(post)).toEqual([]);
    await post.close();
    await posting;
    await page.close();
  });

  it('the activity page has no English left', async () => {
    const activity = await browser.context.newPage();
    await activity.goto(`chrome-extension://${browser.extensionId}/activity.html`);
    await activity.getByTestId('activity-entry').first().waitFor();
    expect(await englishWords(activity)).toEqual([]);
    await activity.close();
  });
});
