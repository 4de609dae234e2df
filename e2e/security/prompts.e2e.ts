import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ExtensionBrowser } from '../support/chromium';
import { clickAndClose } from '../support/driver';
import { launchSignedIn } from '../support/keyring';
import { isConsentWindow, nextConsentWindow, type RequestOutcome, request } from '../support/site';
import { startTestSite, type TestSite } from '../support/test-site';

// Security review findings 7 (prompt flooding, click-through) and 11 (the
// consent window names the tab's site, not just the frame's origin).

const pds = inject('pds');
const extensionPath = inject('chromeExtensionPath');
const { alice } = pds.accounts;
const FRAMES = 5;
/** The delay of the approving buttons (src/ui/consent/approval-guard.ts). */
const APPROVE_DELAY_MS = 800;
/** The cooldown after a rejection (src/broker/prompts.ts). */
const PROMPT_COOLDOWN_MS = 10_000;

let closeBrowser: () => Promise<void>;
let browser: ExtensionBrowser;
let top: TestSite;
let other: TestSite;
let framed: TestSite[];
let page: Page;
/** Every consent window the extension opens, in order. */
const consentWindows: Page[] = [];

/** The frame of `page` showing `origin`. */
function frameOf(origin: string): Frame {
  const frame = page.frames().find((f) => f.url().startsWith(`${origin}/`));
  if (!frame) throw new Error(`no frame for ${origin}`);
  return frame;
}

/** Whether `promise` settles within `ms` (and with what). */
function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([promise, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms))]);
}

const isDisabled = (consent: Page, testId: string) => consent.getByTestId(testId).isDisabled();

/** Resolves once the button is enabled; its duration in ms, from the call. */
async function msUntilEnabled(consent: Page, testId: string): Promise<number> {
  const started = Date.now();
  await consent.waitForFunction(
    (id) => !(document.querySelector(`[data-testid="${id}"]`) as HTMLButtonElement | null)?.disabled,
    testId,
    { polling: 20 },
  );
  return Date.now() - started;
}

describe('consent prompts resist flooding and click-through (Chromium, local PDS)', () => {
  beforeAll(async () => {
    [top, other, ...framed] = await Promise.all(Array.from({ length: FRAMES + 2 }, () => startTestSite()));
    const signedIn = await launchSignedIn(extensionPath, pds, alice);
    ({ browser, close: closeBrowser } = signedIn);
    browser.context.on('page', (p) => isConsentWindow(p.url()) && consentWindows.push(p));
    await signedIn.popup.close();
    // One page, several cross-origin frames (each test site is its own origin: another port).
    page = await browser.context.newPage();
    await page.goto(top.origin);
    await page.evaluate(
      (origins) =>
        Promise.all(
          origins.map((origin) => {
            const iframe = document.createElement('iframe');
            iframe.src = `${origin}/frame`;
            const loaded = new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
            document.body.append(iframe);
            return loaded;
          }),
        ),
      framed.map((s) => s.origin),
    );
    for (const site of framed)
      await frameOf(site.origin).waitForFunction(() => typeof (window as any).atproto?.request === 'function');
  });
  afterAll(async () => {
    await closeBrowser?.();
    await Promise.all([top, other, ...(framed ?? [])].map((s) => s?.close()));
  });

  let consent: Page;
  let winner: string;
  let winnerRequest: Promise<RequestOutcome>;

  it('opens one consent window per tab: frames asking at once get -32002 tab-busy', async () => {
    const windowPromise = nextConsentWindow(browser.context);
    const asks = new Map(
      framed.map((s) => [s.origin, request(frameOf(s.origin), 'atproto_connect', { scope: 'atproto' })]),
    );
    consent = await windowPromise;
    await consent.getByTestId('consent').waitFor();
    winner = (await consent.getByTestId('consent-origin').textContent())!;
    expect(asks.has(winner)).toBe(true);
    winnerRequest = asks.get(winner)!;
    for (const [origin, ask] of asks) {
      if (origin === winner) continue;
      expect(await ask).toMatchObject({ ok: false, error: { code: -32002, data: { reason: 'tab-busy' } } });
    }
    expect(await settledWithin(winnerRequest, 500)).toBe('pending');
    // No other window turned up meanwhile.
    expect(consentWindows).toHaveLength(1);
  });

  it('names the requesting frame and the site open in the tab, in the window and its title', async () => {
    expect(await consent.getByTestId('consent-origin').textContent()).toBe(winner);
    expect(await consent.getByTestId('consent-top-origin').textContent()).toBe(top.origin);
    expect(await consent.getByTestId('consent-frame-note').innerText()).toContain(
      `Requested by a frame inside ${top.origin}`,
    );
    expect(await consent.title()).toContain(winner);
  });

  it('a tab of its own gets its own window meanwhile, without the frame note', async () => {
    const otherPage = await browser.context.newPage();
    await otherPage.goto(other.origin);
    const windowPromise = nextConsentWindow(browser.context);
    const pending = request(otherPage, 'atproto_connect', { scope: 'atproto' });
    const second = await windowPromise;
    await second.getByTestId('consent').waitFor();
    expect(await second.getByTestId('consent-origin').textContent()).toBe(other.origin);
    expect(await second.getByTestId('consent-frame-note').count()).toBe(0);
    await clickAndClose(second, { testId: 'consent-reject' });
    expect(await pending).toMatchObject({ ok: false, error: { code: 4001, data: { reason: 'denied' } } });
    await otherPage.close();
  });

  it('holds the approving button off for a moment after the window appears and each time it comes back; Cancel stays enabled', async () => {
    // The first window has been up for a while (other windows came and went: say it has the focus again).
    await consent.evaluate(() => window.dispatchEvent(new Event('focus')));
    await msUntilEnabled(consent, 'consent-approve');
    // Losing focus turns it off; getting focus back starts the delay again.
    await consent.evaluate(() => window.dispatchEvent(new Event('blur')));
    expect(await isDisabled(consent, 'consent-approve')).toBe(true);
    expect(await isDisabled(consent, 'consent-reject')).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, APPROVE_DELAY_MS + 200));
    expect(await isDisabled(consent, 'consent-approve')).toBe(true);
    await consent.evaluate(() => window.dispatchEvent(new Event('focus')));
    expect(await isDisabled(consent, 'consent-approve')).toBe(true);
    expect(await msUntilEnabled(consent, 'consent-approve')).toBeGreaterThan(APPROVE_DELAY_MS / 2);
    // A window that was hidden and shown again likewise.
    await consent.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    expect(await isDisabled(consent, 'consent-approve')).toBe(true);
    expect(await msUntilEnabled(consent, 'consent-approve')).toBeGreaterThan(APPROVE_DELAY_MS / 2);
  });

  it('after the user denies, the same origin asking again at once gets 4001 cooldown and no window, even after a worker restart', async () => {
    await clickAndClose(consent, { testId: 'consent-reject' });
    expect(await winnerRequest).toMatchObject({ ok: false, error: { code: 4001, data: { reason: 'denied' } } });
    const windowsBefore = consentWindows.length;
    const again = await request(frameOf(winner), 'atproto_connect', { scope: 'atproto' });
    expect(again).toMatchObject({ ok: false, error: { code: 4001, data: { reason: 'cooldown' } } });
    const retryAfterMs = (again as any).error.data.retryAfterMs as number;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(PROMPT_COOLDOWN_MS);
    await browser.stopBackground();
    expect(await request(frameOf(winner), 'atproto_connect', { scope: 'atproto' })).toMatchObject({
      ok: false,
      error: { code: 4001, data: { reason: 'cooldown' } },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(consentWindows).toHaveLength(windowsBefore);
  });

  it('the Connect button is off right after a window appears and comes on after the delay; the cooldown lifts', async () => {
    // Another frame of the tab may ask now that the window is gone (the cooldown is the denied origin's only).
    const next = framed.map((s) => s.origin).find((o) => o !== winner)!;
    let windowPromise = nextConsentWindow(browser.context);
    let pending = request(frameOf(next), 'atproto_connect', { scope: 'atproto' });
    let fresh = await windowPromise;
    await fresh.getByTestId('consent-approve').waitFor();
    expect(await isDisabled(fresh, 'consent-approve')).toBe(true);
    expect(await isDisabled(fresh, 'consent-reject')).toBe(false);
    expect(await msUntilEnabled(fresh, 'consent-approve')).toBeGreaterThan(APPROVE_DELAY_MS / 2);
    await clickAndClose(fresh, { testId: 'consent-approve' });
    expect(await pending).toMatchObject({ ok: true, result: { did: alice.did } });

    // Once the cooldown has run out, the denied origin may ask again, and the user can say yes.
    windowPromise = nextConsentWindow(browser.context);
    windowPromise.catch(() => {});
    pending = request(frameOf(winner), 'atproto_connect', { scope: 'atproto' });
    const early = await settledWithin(pending, 2_000);
    if (early !== 'pending') {
      // Still in the cooldown (the usual case): wait it out, and ask again.
      expect(early).toMatchObject({ ok: false, error: { code: 4001, data: { reason: 'cooldown' } } });
      await new Promise((resolve) => setTimeout(resolve, (early as any).error.data.retryAfterMs + 200));
      windowPromise = nextConsentWindow(browser.context);
      pending = request(frameOf(winner), 'atproto_connect', { scope: 'atproto' });
    }
    fresh = await windowPromise;
    await clickAndClose(fresh, { testId: 'consent-approve' });
    expect(await pending).toMatchObject({ ok: true, result: { did: alice.did } });
  });
});
