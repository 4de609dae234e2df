import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ExtensionBrowser } from '../support/chromium';
import { clickAndClose } from '../support/driver';
import { launchConnected } from '../support/keyring';
import { createPostCall, createRecordCall } from '../support/records';
import { askWithPreview } from '../support/site';
import { startTestSite, type TestSite } from '../support/test-site';

// Issue 12: what a site writes into the consent window must not be able to pass for something else. A DID
// document may claim any handle; record text may hold direction overrides and invisible characters, links
// that say one address and open another, and more text than a window holds.

const pds = inject('pds');
const extensionPath = inject('chromeExtensionPath');
const { alice, bob } = pds.accounts;

let browser: ExtensionBrowser;
let closeBrowser: () => Promise<void>;
let site: TestSite;
let page: Page;
let impostor: { did: string; close(): Promise<void> };

/** A did:web account whose DID document claims `handle` (which resolves to someone else) and the real PDS. */
async function startImpostor(handle: string, pdsUrl: string) {
  let did = '';
  const server: Server = createServer((req, res) => {
    if (req.url !== '/.well-known/did.json') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' }).end(
      JSON.stringify({
        '@context': ['https://www.w3.org/ns/did/v1'],
        id: did,
        alsoKnownAs: [`at://${handle}`],
        service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: pdsUrl }],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  did = `did:web:localhost%3A${(server.address() as AddressInfo).port}`;
  return { did, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const askAndPreview = (params: unknown) => askWithPreview(browser.context, page, 'atproto_xrpc', params);

/** Whether an element lies wholly inside the window, without scrolling. */
async function inView(consent: Page, testId: string): Promise<boolean> {
  return consent.getByTestId(testId).evaluate((el) => {
    const box = el.getBoundingClientRect();
    return box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight && box.right <= window.innerWidth;
  });
}

describe('the consent window’s previews resist spoofing (Chromium, local PDS)', () => {
  beforeAll(async () => {
    site = await startTestSite();
    impostor = await startImpostor(bob.handle, pds.pdsUrl);
    ({ browser, page, close: closeBrowser } = await launchConnected(extensionPath, pds, alice, site.origin, 'atproto'));
  });
  afterAll(async () => {
    await closeBrowser?.();
    await Promise.all([site?.close(), impostor?.close()]);
  });

  it('a followed account whose DID document claims a handle that resolves elsewhere is shown with a warning', async () => {
    const { consent, pending } = await askAndPreview(
      createRecordCall(alice.did, 'app.bsky.graph.follow', { subject: impostor.did }),
    );
    const account = consent.getByTestId('preview-account');
    expect(await account.getAttribute('data-did')).toBe(impostor.did);
    expect(await account.getAttribute('data-handle-status')).toBe('mismatch');
    expect(await account.innerText()).toContain(impostor.did);
    const warning = consent.getByTestId('preview-handle-mismatch');
    expect(await warning.isVisible()).toBe(true);
    expect(await warning.innerText()).toContain(`@${bob.handle} does not lead back to this account`);
    // The claimed handle is struck through, never shown as if it were the account's.
    expect(await account.locator('.handle.unverified').count()).toBe(1);
    await clickAndClose(consent, { testId: 'consent-once' });
    expect(await pending).toMatchObject({ ok: true, result: { status: 200 } });
  });

  it('shows direction overrides and zero-width characters as markers, and what links and mentions really do', async () => {
    const text = 'Pay \u202Eevil\u202C at bsky.app, thanks @alice.test\u200B!';
    const bytes = (part: string) => {
      const byteStart = Buffer.byteLength(text.slice(0, text.indexOf(part)));
      return { byteStart, byteEnd: byteStart + Buffer.byteLength(part) };
    };
    const { consent, pending } = await askAndPreview(
      createPostCall(alice.did, text, {
        facets: [
          {
            index: bytes('bsky.app'),
            features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://evil.example/login' }],
          },
          // The text says @alice.test; the mention notifies Bob.
          { index: bytes('@alice.test'), features: [{ $type: 'app.bsky.richtext.facet#mention', did: bob.did }] },
        ],
      }),
    );
    const shownText = consent.getByTestId('preview-post-text');
    expect(await shownText.locator('.hidden-char').allInnerTexts()).toEqual(['U+202E', 'U+202C', 'U+200B']);
    // The characters themselves are not in the window's text: they cannot reorder it.
    const whole = await consent.getByTestId('consent').innerText();
    expect(whole).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200B-\u200F]/);
    expect(await consent.getByTestId('preview-link-target').innerText()).toContain('opens https://evil.example/login');
    expect(await consent.getByTestId('preview-mention-target').innerText()).toContain(
      `@alice.test notifies @${bob.handle} ${bob.did}`,
    );
    await clickAndClose(consent, { testId: 'consent-once' });
    expect(await pending).toMatchObject({ ok: true, result: { status: 200 } });
  });

  it('caps a huge text: the rest is one marker, and the origin line and the buttons stay in view', async () => {
    const huge = `${'A very long post. '.repeat(20_000)}THE END`;
    const { consent, pending } = await askAndPreview(createPostCall(alice.did, huge));
    const shownText = consent.getByTestId('preview-post-text');
    expect(await shownText.locator('.cut-marker').innerText()).toMatch(/more characters not shown/);
    expect(await shownText.innerText()).not.toContain('THE END');
    expect((await shownText.innerText()).length).toBeLessThan(4_000);
    for (const id of ['consent-origin', 'consent-deny', 'consent-once', 'consent-always']) {
      expect([id, await inView(consent, id)]).toEqual([id, true]);
    }
    // The PDS refuses a post this long (400 or 413, by version); the window's job was to show it.
    await clickAndClose(consent, { testId: 'consent-once' });
    const refused = await pending;
    expect(refused.ok && refused.result.status).toBeGreaterThanOrEqual(400);
  });

  it('an applyWrites of many writes answers in time, says which it could not look up, and keeps the buttons in view', async () => {
    const writes = Array.from({ length: 150 }, (_, i) => ({
      $type: 'com.atproto.repo.applyWrites#create',
      collection: 'app.bsky.feed.like',
      value: {
        $type: 'app.bsky.feed.like',
        subject: { uri: `at://${bob.did}/app.bsky.feed.post/nothing${i}`, cid: 'bafyreih' },
        createdAt: new Date().toISOString(),
      },
    }));
    const started = Date.now();
    const { consent, pending } = await askAndPreview({
      nsid: 'com.atproto.repo.applyWrites',
      body: { repo: alice.did, writes },
    });
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(await consent.getByTestId('consent-write').count()).toBe(150);
    const content = await consent.getByTestId('consent-call-content').innerText();
    expect(content).toContain('Could not look this up: it does not exist.');
    expect(content).toContain('Could not look this up: this request needs too many look-ups.');
    for (const id of ['consent-origin', 'consent-deny', 'consent-once']) {
      expect([id, await inView(consent, id)]).toEqual([id, true]);
    }
    await clickAndClose(consent, { testId: 'consent-deny' });
    expect(await pending).toMatchObject({ ok: false, error: { code: 4001 } });
  });
});
