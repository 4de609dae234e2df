import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ExtensionBrowser } from './support/chromium';
import { clickAndClose } from './support/driver';
import { launchSignedIn } from './support/keyring';
import { sendPrivileged } from './support/privileged';
import { createPostCall, createRecordCall, TINY_PNG } from './support/records';
import { nextConsentWindow, type RequestOutcome, request } from './support/site';

// Issue 12, the parts that say who asks and protect by default: a connect's scopes grouped by risk with
// broad grants called out, "first time this site asks", the plain-http warning, the site's icon (bytes
// only), "Allow once" as the primary answer, and no "Always allow" for deletes unless the settings say so.

const pds = inject('pds');
const extensionPath = inject('chromeExtensionPath');
const { alice } = pds.accounts;
/** The cooldown after a rejection (src/broker/prompts.ts). */
const PROMPT_COOLDOWN_MS = 10_000;
/** The icon size cap (src/consent/site-icon.ts). */
const SITE_ICON_MAX_BYTES = 64 * 1024;

const PNG = TINY_PNG;
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect width="16" height="16" fill="red"/><image href="https://tracker.invalid/p.png" width="1" height="1"/></svg>`;
/** A PNG well over the cap: the signature, then padding. */
const HUGE_PNG = Buffer.concat([PNG, Buffer.alloc(4 * SITE_ICON_MAX_BYTES)]);

interface IconSite {
  origin: string;
  close(): Promise<void>;
}

/** A site whose page names an icon (or none; the address may name the site's own origin), with an SVG and a huge PNG to point at. */
async function startIconSite(iconHref: ((origin: string) => string) | null): Promise<IconSite> {
  let origin = '';
  const server = createServer((req, res) => {
    const head = iconHref ? `<link rel="icon" href="${iconHref(origin).replaceAll('"', '&quot;')}">` : '';
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/icon.svg') return void res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(SVG);
    if (path === '/huge.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(HUGE_PNG);
    if (path !== '/') return void res.writeHead(404).end();
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<!doctype html><html><head><title>icon site</title>${head}</head><body><h1>icon site</h1></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

let browser: ExtensionBrowser;
let popup: Page;
let closeBrowser: () => Promise<void>;
const sites: IconSite[] = [];

async function site(iconHref: ((origin: string) => string) | null = null): Promise<{ origin: string; page: Page }> {
  const s = await startIconSite(iconHref);
  sites.push(s);
  const page = await browser.context.newPage();
  await page.goto(`${s.origin}/`);
  await page.waitForFunction(() => typeof (window as any).atproto?.request === 'function');
  return { origin: s.origin, page };
}

/**
 * What the browser reports as the tab's icon with the page's requests (test-only: a listener in the
 * background beside the extension's own). Waits until it says something or `ms` passed.
 */
async function reportedTabIcon(page: Page, ms = 5_000): Promise<string | null> {
  const sw: Worker = await browser.background();
  await sw.evaluate(() => {
    const g = globalThis as any;
    if (g.__tabIcons) return;
    g.__tabIcons = {};
    g.chrome.runtime.onMessage.addListener((_message: unknown, sender: any) => {
      if (sender.tab?.url) g.__tabIcons[sender.tab.url] = sender.tab.favIconUrl ?? null;
      return false;
    });
  });
  const deadline = Date.now() + ms;
  for (;;) {
    await request(page, 'atproto_accounts');
    const icon = await sw.evaluate((url) => (globalThis as any).__tabIcons[url] ?? null, page.url());
    if (icon || Date.now() > deadline) return icon;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Opens a consent window by a request from `page`; the request's outcome comes later. */
async function ask(
  page: Page,
  method: string,
  params: unknown,
): Promise<{ consent: Page; outcome: Promise<RequestOutcome> }> {
  const opened = nextConsentWindow(browser.context);
  const outcome = request(page, method, params);
  const consent = await opened;
  await consent.getByTestId('consent').waitFor();
  return { consent, outcome };
}

/** Once the window has its icon answer: what its images load, and any element that could draw SVG or a page. */
async function iconDom(consent: Page) {
  await consent.waitForFunction(() => !document.querySelector('[data-icon="loading"]'));
  return consent.evaluate(() => ({
    mark: document.querySelector('[data-icon]')?.getAttribute('data-icon'),
    imgSrcs: [...document.querySelectorAll('img')].map((img) => img.getAttribute('src') ?? ''),
    drawn: document.querySelectorAll('svg, object, embed, iframe, image, picture, source, link[rel~="icon"]').length,
    backgrounds: [...document.querySelectorAll('*')]
      .map((el) => getComputedStyle(el).backgroundImage)
      .filter((value) => value !== 'none'),
  }));
}

const RASTER_DATA_URL = /^data:image\/(png|jpeg|gif|webp|x-icon);base64,[A-Za-z0-9+/]+=*$/;

async function classes(consent: Page, testId: string): Promise<string[]> {
  return ((await consent.getByTestId(testId).getAttribute('class')) ?? '').split(/\s+/);
}

async function grantOf(origin: string): Promise<string | undefined> {
  const list = await sendPrivileged(popup, 'grants.list');
  if (!list.ok) throw new Error(JSON.stringify(list.error));
  return list.result.find((g) => g.origin === origin)?.scope;
}

beforeAll(async () => {
  ({ browser, popup, close: closeBrowser } = await launchSignedIn(extensionPath, pds, alice));
});
afterAll(async () => {
  await closeBrowser?.();
  await Promise.all(sites.map((s) => s.close()));
});

describe('who asks, and defaults that protect (Chromium, local PDS)', () => {
  let broad: { origin: string; page: Page };
  let turnedDownAt = 0;

  it('a connect asking transition:generic: the broad warning, lines grouped by risk, first time, the site’s icon', async () => {
    broad = await site(() => `data:image/png;base64,${PNG.toString('base64')}`);
    expect(await reportedTabIcon(broad.page)).toMatch(/^data:image\/png/);
    const { consent, outcome } = await ask(broad.page, 'atproto_connect', {
      scope: 'atproto transition:generic repo:app.bsky.feed.post blob:image/*',
    });
    const warning = await consent.getByTestId('consent-broad-warning').innerText();
    expect(warning).toContain('Broad access');
    expect(warning).toContain('Full access to your account’s data');
    const groups = await consent
      .getByTestId('consent-risk-group')
      .evaluateAll((sections) =>
        sections.map((s) => ({ group: s.getAttribute('data-group'), text: (s as HTMLElement).innerText })),
      );
    expect(groups.map((g) => g.group)).toEqual(['read', 'write', 'delete', 'account']);
    expect(groups[1].text).toContain('Create and edit posts (app.bsky.feed.post)');
    expect(groups[1].text).toContain('Upload image files');
    expect(groups[2].text).toContain('Delete posts (app.bsky.feed.post)');
    expect(groups[3].text).toContain('Full access');
    expect(await consent.getByTestId('consent-first-time').innerText()).toContain('First time this site asks');
    expect(await consent.title()).toContain(broad.origin);
    // The site's own raster icon, as a data: URL the extension built from checked bytes.
    const dom = await iconDom(consent);
    expect(dom.mark).toBe('image');
    expect(dom.imgSrcs).toEqual([`data:image/png;base64,${PNG.toString('base64')}`]);
    for (const src of dom.imgSrcs) expect(src).toMatch(RASTER_DATA_URL);
    expect(await classes(consent, 'consent-approve')).toContain('primary');
    await clickAndClose(consent, { testId: 'consent-reject' });
    expect(await outcome).toMatchObject({ ok: false, error: { code: 4001 } });
    turnedDownAt = Date.now();
  });

  let connected: { origin: string; page: Page };

  it('a site with a grant is not new: its call prompt has "Allow once" as the primary answer, "Always allow" says where to undo it', async () => {
    connected = await site();
    const first = await ask(connected.page, 'atproto_connect', {
      scope: 'atproto repo:app.bsky.feed.post?action=create',
    });
    expect(await first.consent.getByTestId('consent-first-time').count()).toBe(1);
    // No broad grant asked: no warning.
    expect(await first.consent.getByTestId('consent-broad-warning').count()).toBe(0);
    await clickAndClose(first.consent, { testId: 'consent-approve' });
    expect(await first.outcome).toMatchObject({ ok: true });

    // A follow is outside the grant: the site asks.
    const asked = await ask(
      connected.page,
      'atproto_xrpc',
      createRecordCall(alice.did, 'app.bsky.graph.follow', { subject: pds.accounts.bob.did }),
    );
    expect(await asked.consent.getByTestId('consent-first-time').count()).toBe(0);
    expect(await classes(asked.consent, 'consent-once')).toContain('primary');
    expect(await classes(asked.consent, 'consent-always')).toContain('secondary');
    expect(await classes(asked.consent, 'consent-always')).not.toContain('primary');
    expect(
      await asked.consent.locator('.actions button').evaluateAll((b) => b.map((x) => x.getAttribute('data-testid'))),
    ).toEqual(['consent-deny', 'consent-always', 'consent-once']);
    expect(await asked.consent.getByTestId('consent-always-note').innerText()).toContain(
      'You can undo this in AT Keyring → Connected sites',
    );
    expect(await asked.consent.getByTestId('consent-always').getAttribute('aria-describedby')).toBe(
      'consent-always-note',
    );
    expect(await asked.consent.getByTestId('consent-plain-http').innerText()).toContain(connected.origin);
    await clickAndClose(asked.consent, { testId: 'consent-once' });
    expect(await asked.outcome).toMatchObject({ ok: true, result: { status: 200 } });
  });

  it('a site the user turned down before is not new either', async () => {
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, turnedDownAt + PROMPT_COOLDOWN_MS + 500 - Date.now())),
    );
    const { consent, outcome } = await ask(broad.page, 'atproto_connect', { scope: 'atproto transition:generic' });
    expect(await consent.getByTestId('consent-broad-warning').count()).toBe(1);
    expect(await consent.getByTestId('consent-first-time').count()).toBe(0);
    await clickAndClose(consent, { testId: 'consent-reject' });
    expect(await outcome).toMatchObject({ ok: false, error: { code: 4001 } });
  });

  it('a delete prompt offers no "Always allow" by default; with the setting on it does, and it sticks', async () => {
    const { page, origin } = connected;
    const createPost = async (text: string) => {
      const created = await request(page, 'atproto_xrpc', createPostCall(alice.did, text));
      if (!created.ok) throw new Error(JSON.stringify(created.error));
      return (created.result.body.uri as string).split('/').pop()!;
    };
    const deletion = (rkey: string) => ({
      nsid: 'com.atproto.repo.deleteRecord',
      body: { repo: alice.did, collection: 'app.bsky.feed.post', rkey },
    });
    const before = await grantOf(origin);

    const once = await ask(page, 'atproto_xrpc', deletion(await createPost('delete me')));
    expect(await once.consent.getByTestId('consent-once').isVisible()).toBe(true);
    expect(await classes(once.consent, 'consent-once')).toContain('primary');
    expect(await once.consent.getByTestId('consent-always').count()).toBe(0);
    expect(await once.consent.getByTestId('consent-always-off').innerText()).toContain('Always ask before deleting');
    await clickAndClose(once.consent, { testId: 'consent-once' });
    expect(await once.outcome).toMatchObject({ ok: true, result: { status: 200 } });

    // applyWrites with a delete among its writes: the same.
    const mixed = await ask(page, 'atproto_xrpc', {
      nsid: 'com.atproto.repo.applyWrites',
      body: {
        repo: alice.did,
        writes: [
          {
            $type: 'com.atproto.repo.applyWrites#create',
            collection: 'app.bsky.feed.post',
            value: { $type: 'app.bsky.feed.post', text: 'kept', createdAt: new Date().toISOString() },
          },
          {
            $type: 'com.atproto.repo.applyWrites#delete',
            collection: 'app.bsky.feed.post',
            rkey: await createPost('gone'),
          },
        ],
      },
    });
    expect(await mixed.consent.getByTestId('consent-always').count()).toBe(0);
    await clickAndClose(mixed.consent, { testId: 'consent-once' });
    expect(await mixed.outcome).toMatchObject({ ok: true, result: { status: 200 } });
    expect(await grantOf(origin)).toBe(before);

    // The user unchecks "Always ask before deleting" beside the connected sites (checked by default).
    await popup.reload();
    const policy = popup.getByTestId('policy-ask-before-deleting');
    expect(await policy.isChecked()).toBe(true);
    await policy.uncheck();
    await expect
      .poll(() => sendPrivileged(popup, 'settings.get'))
      .toMatchObject({
        ok: true,
        result: { allowAlwaysForDeletes: true, allowHttp: true },
      });

    const always = await ask(page, 'atproto_xrpc', deletion(await createPost('delete me too')));
    expect(await classes(always.consent, 'consent-always')).toContain('secondary');
    expect(await classes(always.consent, 'consent-once')).toContain('primary');
    await clickAndClose(always.consent, { testId: 'consent-always' });
    expect(await always.outcome).toMatchObject({ ok: true, result: { status: 200 } });
    expect(await grantOf(origin)).toBe(`${before} repo:app.bsky.feed.post?action=delete`);
    expect(
      await request(page, 'atproto_xrpc', { ...deletion(await createPost('and me')), noPrompt: true }),
    ).toMatchObject({
      ok: true,
      result: { status: 200 },
    });
  });
});

describe('attacker’s site: who asks cannot be dressed up (Chromium, local PDS)', () => {
  it('a page on http://127.0.0.1 gets the plain-http warning, naming it', async () => {
    const { page, origin } = await site();
    expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:/);
    const { consent, outcome } = await ask(page, 'atproto_connect', { scope: 'atproto' });
    const warning = await consent.getByTestId('consent-plain-http').innerText();
    expect(warning).toContain(origin);
    expect(warning).toContain('plain http');
    await clickAndClose(consent, { testId: 'consent-reject' });
    await outcome;
  });

  const cases: Array<{ name: string; href: (origin: string) => string; reported: RegExp | null }> = [
    {
      name: 'an SVG data: icon (with a remote image inside)',
      href: () => `data:image/svg+xml,${encodeURIComponent(SVG)}`,
      reported: /^data:image\/svg\+xml/,
    },
    // Chromium does not decode it, so reports no icon: the unit tests hold the extension to refusing it.
    {
      name: 'an SVG declared as PNG',
      href: () => `data:image/png;base64,${Buffer.from(SVG).toString('base64')}`,
      reported: null,
    },
    {
      name: 'a huge PNG data: icon',
      href: () => `data:image/png;base64,${HUGE_PNG.toString('base64')}`,
      reported: /^data:image\/png;base64,/,
    },
    { name: 'an SVG file of its own', href: (origin) => `${origin}/icon.svg`, reported: /\/icon\.svg$/ },
    { name: 'a huge PNG file of its own', href: (origin) => `${origin}/huge.png`, reported: /\/huge\.png$/ },
    // Never loads (the name does not resolve): no icon is reported, and none is fetched.
    { name: 'a remote image', href: () => 'https://tracker.invalid/icon.png', reported: null },
  ];
  for (const { name, href, reported } of cases) {
    it(`${name}: the window shows the letter badge, never a remote URL or SVG`, async () => {
      const { page } = await site(href);
      const seen = await reportedTabIcon(page, 3_000);
      // Where the browser reports the icon, the test sees it is the hostile one (else it proves less).
      if (reported) expect(seen).toMatch(reported);
      const { consent, outcome } = await ask(page, 'atproto_connect', { scope: 'atproto' });
      const dom = await iconDom(consent);
      expect(dom.mark).toBe('badge');
      expect(dom.imgSrcs).toEqual([]);
      expect(dom.drawn).toBe(0);
      expect(dom.backgrounds).toEqual([]);
      await clickAndClose(consent, { testId: 'consent-reject' });
      await outcome;
    });
  }
});
