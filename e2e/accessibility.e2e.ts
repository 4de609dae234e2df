import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDemoSite } from '../scripts/demo-site';
import { APPROVE_DELAY_MS } from '../src/ui/consent/approval-guard';
import { APPROVING_TEST_IDS } from '../src/ui/consent/keyboard';
import { axeViolations } from './support/axe';
import type { ExtensionBrowser } from './support/chromium';
import { CONSENT_WINDOW_INNER, pressClosing, zoomConsentWindow } from './support/consent-window';
import { clickAndClose } from './support/driver';
import { launchSignedIn } from './support/keyring';
import { createPostCall } from './support/records';
import { connectApproved, nextConsentWindow, type RequestOutcome, request } from './support/site';
import { startTestSite, type TestSite } from './support/test-site';

// WCAG 2.2 AA (issue 12): axe on the popup, the consent window and the demo site in light and dark;
// the consent window's keyboard (first focus, Enter, Escape) and its reflow at 200 % zoom.

const pds = inject('pds');
const extensionPath = inject('chromeExtensionPath');
const { alice } = pds.accounts;
const SCHEMES = ['light', 'dark'] as const;
const MIN_TEXT_PX = 13;
/** When the approving buttons are surely armed (approval-guard.ts). */
const ARMED_AFTER_MS = APPROVE_DELAY_MS + 400;
const INNER = CONSENT_WINDOW_INNER;

let closeBrowser: () => Promise<void>;
let browser: ExtensionBrowser;
let popup: Page;
let connectSite: TestSite;
let callSite: TestSite;
let demo: { url: string; close(): Promise<void> };

/** Axe's WCAG 2.2 AA violations on `page` in light and in dark mode (both must be empty). */
async function violationsBySchemes(page: Page) {
  const found: Record<string, unknown> = {};
  for (const colorScheme of SCHEMES) {
    await page.emulateMedia({ colorScheme });
    found[colorScheme] = await axeViolations(page);
  }
  await page.emulateMedia({ colorScheme: null });
  return found;
}

/** Elements with text of their own set under 13 px (by a stylesheet or the browser's defaults). */
function smallText(page: Page) {
  return page.evaluate((min) => {
    const small: string[] = [];
    for (const el of document.body.querySelectorAll<HTMLElement>('*')) {
      const ownText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim());
      const size = Number.parseFloat(getComputedStyle(el).fontSize);
      if (ownText && size < min) small.push(`${el.tagName.toLowerCase()}.${el.className} ${size}px: ${el.textContent}`);
    }
    return small;
  }, MIN_TEXT_PX);
}

/** What has the focus in the page: its tag, test id and text. */
function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return { tag: el?.tagName, testId: el?.getAttribute('data-testid') ?? null, text: el?.textContent ?? '' };
  });
}

/** Resolves when `promise` settles within `ms`, with what; 'pending' otherwise. */
function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([promise, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms))]);
}

/** Where the window's buttons are, against its viewport; and whether anything scrolls sideways. */
function layoutAtZoom(consent: Page) {
  return consent.evaluate(() => {
    const root = document.documentElement;
    const buttons = [...document.querySelectorAll<HTMLElement>('.actions button')].map((b) => {
      const r = b.getBoundingClientRect();
      const inView = r.left >= 0 && r.top >= 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight;
      return { testId: b.dataset.testid, inView, rect: [r.left, r.top, r.right, r.bottom].map(Math.round) };
    });
    return {
      viewport: { width: window.innerWidth, height: window.innerHeight, dpr: window.devicePixelRatio },
      scrollsSideways: root.scrollWidth > root.clientWidth,
      buttons,
    };
  });
}

interface PromptCase {
  kind: 'connect' | 'call';
  /** The page that asks. */
  page: () => Page;
  ask(page: Page): Promise<RequestOutcome>;
  /** Approving buttons the window shows. */
  approving: string[];
}

const pages: Partial<Record<PromptCase['kind'], Page>> = {};
const CASES: PromptCase[] = [
  {
    kind: 'connect',
    page: () => pages.connect!,
    ask: (page) => request(page, 'atproto_connect', { scope: 'atproto repo:app.bsky.feed.post?action=create' }),
    approving: ['consent-approve'],
  },
  {
    kind: 'call',
    page: () => pages.call!,
    // A post: outside the connect-only grant, so it asks.
    ask: (page) => request(page, 'atproto_xrpc', createPostCall(alice.did, 'accessible?')),
    approving: ['consent-once', 'consent-always'],
  },
];

describe('accessibility: WCAG 2.2 AA, keyboard and zoom (Chromium, local PDS)', () => {
  beforeAll(async () => {
    [connectSite, callSite, demo] = await Promise.all([startTestSite(), startTestSite(), startDemoSite()]);
    ({ browser, popup, close: closeBrowser } = await launchSignedIn(extensionPath, pds, alice));
    pages.connect = await browser.context.newPage();
    await pages.connect.goto(connectSite.origin);
    // The call case's site is connected first (read-only grant), so its post asks for more.
    pages.call = await browser.context.newPage();
    await pages.call.goto(callSite.origin);
    expect(await connectApproved(browser.context, pages.call, { scope: 'atproto' })).toMatchObject({ ok: true });
  });
  afterAll(async () => {
    await closeBrowser?.();
    await Promise.all([connectSite?.close(), callSite?.close(), demo?.close()]);
  });

  it(`the popup, signed in with an account, has no violations in light or dark, and no text under ${MIN_TEXT_PX} px`, async () => {
    await popup.reload();
    await popup.getByTestId('accounts').waitFor();
    await popup.getByTestId('account').first().waitFor();
    expect(await violationsBySchemes(popup)).toEqual({ light: [], dark: [] });
    expect(await smallText(popup)).toEqual([]);
    // With an account's details open too.
    await popup.getByTestId('account-details').first().locator('summary').click();
    expect(await violationsBySchemes(popup)).toEqual({ light: [], dark: [] });
  });

  it(`the options page has no violations in light or dark, and no text under ${MIN_TEXT_PX} px`, async () => {
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
    await page.getByTestId('network-settings').waitFor();
    expect(await violationsBySchemes(page)).toEqual({ light: [], dark: [] });
    expect(await smallText(page)).toEqual([]);
    await page.close();
  });

  for (const c of CASES) {
    describe(`the consent window for a ${c.kind} prompt`, () => {
      let consent: Page;
      let outcome: Promise<RequestOutcome>;

      it('opens with the focus on the question, not on a button that approves', async () => {
        const windowPromise = nextConsentWindow(browser.context);
        outcome = c.ask(c.page());
        consent = await windowPromise;
        await consent.getByTestId('consent').waitFor();
        for (const id of c.approving) await consent.getByTestId(id).waitFor();
        await consent.waitForFunction(() => document.activeElement && document.activeElement !== document.body);
        const first = await focused(consent);
        expect(APPROVING_TEST_IDS).not.toContain(first.testId);
        expect(first.tag).toBe('H1');
        expect(first.text).toContain(c.page().url().replace(/\/$/, ''));
      });

      it(`has no WCAG 2.2 AA violations in light or dark, and no text under ${MIN_TEXT_PX} px`, async () => {
        expect(await violationsBySchemes(consent)).toEqual({ light: [], dark: [] });
        expect(await smallText(consent)).toEqual([]);
      });

      it('reflows at 200 % zoom in its window: every button in view, nothing scrolls sideways', async () => {
        await zoomConsentWindow(consent, 2);
        const layout = await layoutAtZoom(consent);
        expect(layout.viewport).toEqual({ width: INNER.width / 2, height: INNER.height / 2, dpr: 2 });
        expect(layout.scrollsSideways).toBe(false);
        expect(layout.buttons.length).toBeGreaterThanOrEqual(c.approving.length + 1);
        expect(layout.buttons.filter((b) => !b.inView)).toEqual([]);
        // Scrolled to the top (the heading in view), the buttons are still there.
        await consent.evaluate(() => window.scrollTo(0, 0));
        expect((await layoutAtZoom(consent)).buttons.filter((b) => !b.inView)).toEqual([]);
        await zoomConsentWindow(consent, 1);
      });

      it('Enter on the focused heading approves nothing, even once the buttons are armed', async () => {
        await consent.bringToFront();
        await consent.locator('h1').focus();
        await new Promise((resolve) => setTimeout(resolve, ARMED_AFTER_MS));
        for (const id of c.approving) expect(await consent.getByTestId(id).isDisabled(), id).toBe(false);
        await consent.keyboard.press('Enter');
        if (c.kind === 'connect') {
          // Nor on the account's radio button.
          await consent.getByTestId('consent-account').first().locator('input').focus();
          await consent.keyboard.press('Enter');
        }
        expect(await settledWithin(outcome, 500)).toBe('pending');
        expect(consent.isClosed()).toBe(false);
      });

      it('Escape rejects: the window closes and the page gets 4001', async () => {
        const closed = consent.waitForEvent('close');
        await pressClosing(consent, 'Escape');
        await closed;
        expect(await outcome).toMatchObject({ ok: false, error: { code: 4001, data: { reason: 'denied' } } });
      });
    });
  }

  it('the demo site has no violations in light or dark, before and after connecting', async () => {
    const page = await browser.context.newPage();
    await page.goto(demo.url);
    await expect.poll(() => page.locator('#status').textContent()).toBe('Not connected.');
    expect(await violationsBySchemes(page)).toEqual({ light: [], dark: [] });
    const consentPromise = nextConsentWindow(browser.context);
    await page.locator('#connect').click();
    await clickAndClose(await consentPromise, { testId: 'consent-approve' });
    await expect.poll(() => page.locator('#handle').textContent()).toBe(`@${alice.handle}`);
    expect(await violationsBySchemes(page)).toEqual({ light: [], dark: [] });
    await page.close();
  });

  it(`the activity page, with an entry opened and an undo asked, has no violations in light or dark`, async () => {
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/activity.html`);
    // Entries as the background logs them: a post with the record it created, a service token, a refusal.
    await page.evaluate(
      async ({ origin, did }) => {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const open = indexedDB.open('at-keyring');
          open.onsuccess = () => resolve(open.result);
          open.onerror = () => reject(open.error);
        });
        const store = db.transaction('activity', 'readwrite').objectStore('activity');
        const base = { at: Date.now(), origin, did, prompted: false, remembered: false };
        const post = { $type: 'app.bsky.feed.post', text: 'An accessible post', createdAt: new Date().toISOString() };
        const intent = (nsid: string, body: unknown, params = {}) => ({
          nsid,
          key: nsid.toLowerCase(),
          route: 'pds',
          httpMethod: 'POST',
          params,
          body: body === undefined ? { kind: 'none' } : { kind: 'json', encoding: 'application/json', value: body },
        });
        store.add({
          ...base,
          method: 'atproto_serviceAuth',
          intent: {
            ...intent('com.atproto.server.getServiceAuth', undefined, { aud: 'did:web:video.example' }),
            httpMethod: 'GET',
          },
          outcome: { kind: 'answered', status: 200 },
        });
        store.add({
          ...base,
          method: 'atproto_xrpc',
          prompted: true,
          intent: intent('com.atproto.repo.createRecord', {
            repo: did,
            collection: 'app.bsky.feed.post',
            record: post,
          }),
          changes: [{ kind: 'create', target: 'app.bsky.feed.post', count: 1 }],
          text: post.text,
          outcome: { kind: 'rejected', reason: 'denied' },
        });
        store.add({
          ...base,
          method: 'atproto_xrpc',
          intent: intent('com.atproto.repo.createRecord', {
            repo: did,
            collection: 'app.bsky.feed.post',
            record: post,
          }),
          changes: [{ kind: 'create', target: 'app.bsky.feed.post', count: 1 }],
          text: post.text,
          outcome: { kind: 'answered', status: 200 },
          created: [
            {
              uri: `at://${did}/app.bsky.feed.post/3kaccessible2`,
              cid: 'bafyx',
              collection: 'app.bsky.feed.post',
              rkey: '3kaccessible2',
            },
          ],
        });
        await new Promise((resolve) => {
          store.transaction.oncomplete = resolve;
        });
        db.close();
      },
      { origin: callSite.origin, did: alice.did },
    );
    await page.reload();
    const entries = page.getByTestId('activity-entry');
    await expect.poll(() => entries.count()).toBeGreaterThanOrEqual(3);
    await entries.nth(1).getByTestId('activity-details').click();
    await entries.first().getByTestId('activity-undo').click();
    await entries.first().getByTestId('preview-post').waitFor();
    expect(await violationsBySchemes(page)).toEqual({ light: [], dark: [] });
    expect(await smallText(page)).toEqual([]);
    await page.close();
  });
});
