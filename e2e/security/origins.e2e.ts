import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EXTENSION_PAGE_EVENT_CHANNEL, privilegedRequestMessage } from '../../src/protocol/privileged';
import type { ExtensionBrowser } from '../support/chromium';
import { launchSignedIn } from '../support/keyring';
import { createPostCall } from '../support/records';
import { connectApproved, isConsentWindow, recordPageMessages, request } from '../support/site';
import { startTestSite, type TestSite } from '../support/test-site';

/**
 * Who may use the API (security review findings 6, 8, 10): only documents
 * with a real, secure origin, and events only reach the document that asked.
 * https is not available locally: http://127.0.0.1 and http://localhost are
 * the loopback development origins, allowed like https.
 */

const pds = inject('pds');
const extensionPath = inject('chromeExtensionPath');
const { alice } = pds.accounts;
/** A name for the test server that is not loopback as far as the page's origin goes. */
const EVIL_HOST = 'evil-http.test';
const SCOPE = 'atproto repo:app.bsky.feed.post?action=create rpc:com.example.test.echo?aud=*';

let closeBrowser: () => Promise<void>;
let browser: ExtensionBrowser;
let popup: Page;
let siteA: TestSite;
let siteB: TestSite;
let pageA: Page;

const listPosts = async () => {
  const listed = await request(pageA, 'atproto_xrpc', {
    nsid: 'com.atproto.repo.listRecords',
    params: { repo: alice.did, collection: 'app.bsky.feed.post', limit: 100 },
  });
  expect(listed.ok).toBe(true);
  return ((listed as any).result.body.records as any[]).map((r) => r.uri as string).sort();
};

const createPost = (text: string) => ({ ...createPostCall(alice.did, text), noPrompt: true });

/** Every API call a page with A's grant could make; each must be refused with 4100 as an opaque origin. */
async function expectOpaqueRefused(target: Page | Frame) {
  expect(await target.evaluate(() => ({ origin: window.origin, provider: typeof (window as any).atproto }))).toEqual({
    origin: 'null',
    provider: 'object',
  });
  const opaque = { ok: false, error: { code: 4100, message: expect.stringContaining('opaque') } };
  expect(await request(target, 'atproto_accounts')).toMatchObject(opaque);
  expect(await request(target, 'atproto_xrpc', createPost('from an opaque origin'))).toMatchObject(opaque);
  expect(
    await request(target, 'atproto_serviceAuth', {
      aud: siteA.serviceDid,
      lxm: 'com.example.test.echo',
      noPrompt: true,
    }),
  ).toMatchObject(opaque);
  expect(await request(target, 'atproto_connect', { scope: 'atproto' })).toMatchObject(opaque);
}

async function frameWhere(page: Page, predicate: (f: Frame) => boolean): Promise<Frame> {
  await expect.poll(() => page.frames().some(predicate)).toBe(true);
  return page.frames().find(predicate)!;
}

describe('only real, secure origins use the API, and events reach only their document (Chromium, local PDS)', () => {
  beforeAll(async () => {
    [siteA, siteB] = await Promise.all([startTestSite(), startTestSite()]);
    ({
      browser,
      popup,
      close: closeBrowser,
    } = await launchSignedIn(extensionPath, pds, alice, [`--host-resolver-rules=MAP ${EVIL_HOST} 127.0.0.1`]));
    await recordPageMessages(browser.context);
    pageA = await browser.context.newPage();
    await pageA.goto(siteA.origin);
    expect(await connectApproved(browser.context, pageA, { scope: SCOPE })).toMatchObject({
      ok: true,
      result: { did: alice.did },
    });
    // Site A itself can do everything the opaque documents below try.
    expect(await request(pageA, 'atproto_xrpc', createPost('from site A'))).toMatchObject({
      ok: true,
      result: { status: 200 },
    });
    expect(
      await request(pageA, 'atproto_serviceAuth', {
        aud: siteA.serviceDid,
        lxm: 'com.example.test.echo',
        noPrompt: true,
      }),
    ).toMatchObject({ ok: true });
  });
  afterAll(async () => {
    await closeBrowser?.();
    await Promise.all([siteA?.close(), siteB?.close()]);
  });

  it('what Chromium tells the background about senders (origin, documentId, tab.url)', async () => {
    const sw = await browser.background();
    await sw.evaluate(() => {
      (globalThis as any).__senders = [];
      (globalThis as any).chrome.runtime.onMessage.addListener((_m: unknown, s: any) => {
        (globalThis as any).__senders.push({
          origin: s.origin,
          url: s.url,
          documentId: s.documentId,
          frameId: s.frameId,
          tabUrl: s.tab?.url,
        });
        return false;
      });
    });
    await request(pageA, 'atproto_accounts');
    const senders = await sw.evaluate(() => (globalThis as any).__senders);
    expect(senders.at(-1)).toMatchObject({
      origin: siteA.origin,
      url: `${siteA.origin}/`,
      documentId: expect.any(String),
      frameId: 0,
    });
    console.log('Chromium MessageSender for a content script:', JSON.stringify(senders.at(-1)));
  });

  it("gives a web page's tab no privileged answer, however the message is dressed", async () => {
    // Sent from the extension's own isolated world in site A's tab (where the relay runs): the privileged
    // channel answers extension pages only, judged by the sender the browser reports, not by the message.
    const worker = await browser.background();
    const answers = await worker.evaluate(
      async ({ origin, messages }) => {
        const chrome = (globalThis as any).chrome;
        const [tab] = await chrome.tabs.query({ url: `${origin}/*` });
        const [injected] = await chrome.scripting.executeScript({
          target: { tabId: tab.id },
          world: 'ISOLATED',
          args: [messages],
          func: (all: unknown[]) =>
            Promise.all(
              all.map((m) =>
                (globalThis as any).chrome.runtime.sendMessage(m).then(
                  (answer: unknown) => ({ answer: answer ?? null }),
                  (err: Error) => ({ refused: String(err?.message ?? err) }),
                ),
              ),
            ),
        });
        return injected.result;
      },
      {
        origin: siteA.origin,
        messages: [
          privilegedRequestMessage('accounts.list'),
          // Claims to come from the extension's own pages.
          {
            ...privilegedRequestMessage('accounts.list'),
            origin: `chrome-extension://${browser.extensionId}`,
            url: `chrome-extension://${browser.extensionId}/popup.html`,
          },
          // Looks like one of the background's broadcasts to its pages.
          { channel: EXTENSION_PAGE_EVENT_CHANNEL, event: 'accountsChanged' },
          // A page-channel kind in other letter case.
          { kind: 'AT-KEYRING:PAGE-PROBE', doc: { id: 'e2e-case', origin: siteA.origin } },
        ],
      },
    );
    expect(answers).toHaveLength(4);
    for (const a of answers) {
      // No answer at all (or the browser saying none came): never a result, never an account.
      expect(JSON.stringify(a)).not.toContain(alice.did);
      expect((a as { answer?: unknown }).answer ?? null).toBeNull();
    }
  });

  it('refuses a sandboxed iframe whose src is the site itself, and the site posts nothing', async () => {
    const before = await listPosts();
    await pageA.evaluate((src) => {
      const frame = document.createElement('iframe');
      frame.sandbox.add('allow-scripts');
      frame.src = `${src}/?sandboxed-frame`;
      document.body.append(frame);
    }, siteA.origin);
    const frame = await frameWhere(pageA, (f) => f.url().endsWith('?sandboxed-frame'));
    await expect.poll(() => frame.evaluate(() => typeof (window as any).atproto)).toBe('object');
    await expectOpaqueRefused(frame);
    expect(await listPosts()).toEqual(before);
    // The site itself is still connected.
    expect(await request(pageA, 'atproto_accounts')).toEqual({
      ok: true,
      result: [{ did: alice.did, handle: 'alice.test' }],
    });
  });

  it('refuses a page of the site served with Content-Security-Policy: sandbox', async () => {
    const before = await listPosts();
    const page = await browser.context.newPage();
    await page.goto(`${siteA.origin}/csp-sandbox`);
    await expectOpaqueRefused(page);
    expect(await listPosts()).toEqual(before);
    await page.close();
  });

  it('refuses a top-level popup opened by a sandboxed frame (it inherits the opaque origin)', async () => {
    await pageA.evaluate((src) => {
      const frame = document.createElement('iframe');
      frame.sandbox.add('allow-scripts', 'allow-popups');
      frame.srcdoc = `<script>window.open(${JSON.stringify(`${src}/?sandboxed-popup`)})</script>`;
      document.body.append(frame);
    }, siteA.origin);
    const popupPage = await browser.context.waitForEvent('page', {
      predicate: (p) => p.url().endsWith('?sandboxed-popup'),
    });
    await popupPage.waitForLoadState();
    await expectOpaqueRefused(popupPage);
    await popupPage.close();
  });

  it('gives no provider to srcdoc and data: sandboxed frames (the content scripts do not run there)', async () => {
    await pageA.evaluate(() => {
      const srcdoc = document.createElement('iframe');
      srcdoc.sandbox.add('allow-scripts');
      srcdoc.name = 'opaque-srcdoc';
      srcdoc.srcdoc = '<p>srcdoc</p>';
      const data = document.createElement('iframe');
      data.name = 'opaque-data';
      data.src = 'data:text/html,<p>data</p>';
      document.body.append(srcdoc, data);
    });
    for (const name of ['opaque-srcdoc', 'opaque-data']) {
      const frame = await frameWhere(pageA, (f) => f.name() === name);
      await frame.waitForLoadState();
      await new Promise((r) => setTimeout(r, 300));
      // The page cannot reach its parent's provider either: the frame is cross-origin to it.
      expect(
        await frame.evaluate(() => ({
          origin: window.origin,
          provider: typeof (window as any).atproto,
          parent: (() => {
            try {
              return typeof (window.parent as any).atproto;
            } catch {
              return 'blocked';
            }
          })(),
        })),
      ).toEqual({ origin: 'null', provider: 'undefined', parent: 'blocked' });
    }
  });

  it('refuses plain http on a non-loopback host with 4100 and opens no consent window', async () => {
    const { port } = new URL(siteA.origin);
    const page = await browser.context.newPage();
    await page.goto(`http://${EVIL_HOST}:${port}/`);
    // No secure context: the provider cannot start there (it needs crypto.randomUUID), but a
    // page can speak the window protocol to the relay itself, so the background must refuse.
    expect(
      await page.evaluate(() => ({
        origin: window.origin,
        secure: isSecureContext,
        provider: typeof (window as any).atproto,
      })),
    ).toEqual({
      origin: `http://${EVIL_HOST}:${port}`,
      secure: false,
      provider: 'undefined',
    });
    const direct = (method: string, params?: unknown) =>
      page.evaluate(
        ({ method, params }) =>
          new Promise<any>((resolve) => {
            const id = `direct-${Math.random()}`;
            window.addEventListener('message', (e) => {
              if (e.data?.source === 'at-keyring:reply' && e.data.id === id) resolve(e.data);
            });
            window.postMessage({ source: 'at-keyring:request', id, method, params }, '*');
          }),
        { method, params },
      );
    let prompted = false;
    const onPage = (p: Page) => void (isConsentWindow(p.url()) && (prompted = true));
    browser.context.on('page', onPage);
    const insecure = { error: { code: 4100, message: expect.stringContaining('only works on secure pages') } };
    expect(await direct('atproto_connect', { scope: 'atproto' })).toMatchObject(insecure);
    expect(await direct('atproto_accounts')).toMatchObject(insecure);
    await new Promise((r) => setTimeout(r, 500));
    browser.context.off('page', onPage);
    expect(prompted).toBe(false);
    // localhost is loopback: the same server by that name may ask (not connected: no accounts).
    await page.goto(`http://localhost:${port}/`);
    expect(await request(page, 'atproto_accounts')).toEqual({ ok: true, result: [] });
    await page.close();
  });

  it('refuses a plain-http frame from a non-loopback host inside a loopback page (the frame is judged, not the tab)', async () => {
    const { port } = new URL(siteA.origin);
    const page = await browser.context.newPage();
    await page.goto(siteA.origin);
    await page.evaluate((src) => {
      const iframe = document.createElement('iframe');
      iframe.src = src;
      document.body.append(iframe);
      return new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
    }, `http://${EVIL_HOST}:${port}/frame`);
    const frame = page.frames().find((f) => f.url().startsWith(`http://${EVIL_HOST}`))!;
    const answer = await frame.evaluate(
      () =>
        new Promise<any>((resolve) => {
          window.addEventListener(
            'message',
            (e) => e.data?.source === 'at-keyring:reply' && e.data.id === 'framed' && resolve(e.data),
          );
          window.postMessage({ source: 'at-keyring:request', id: 'framed', method: 'atproto_accounts' }, '*');
        }),
    );
    expect(answer).toMatchObject({
      error: { code: 4100, message: expect.stringContaining('only works on secure pages') },
    });
    await page.close();
  });

  it("sends a site's events only to its own documents, not to the next site in the same tab", async () => {
    const listen = (page: Page) =>
      page.evaluate(() => {
        (window as any).__events = [];
        (window as any).atproto.on('accountsChanged', (a: unknown) =>
          (window as any).__events.push(['accountsChanged', a]),
        );
        (window as any).atproto.on('disconnect', (e: unknown) => (window as any).__events.push(['disconnect', e]));
      });
    // What a document saw of the keyring's events: through the provider, and any raw window message.
    const seen = (page: Page) =>
      page.evaluate(() => ({
        provider: (window as any).__events ?? [],
        raw: ((window as any).__received as any[]).filter((m) => m?.source === 'at-keyring:event'),
      }));

    // A second tab on A listens.
    const otherA = await browser.context.newPage();
    await otherA.goto(siteA.origin);
    await listen(otherA);

    // Tab 1: A (listening) navigates to B, which reads every window message
    // (recordPageMessages) and, as a hostile page would, never says hello.
    await listen(pageA);
    await pageA.goto(siteB.origin);
    const silentB = pageA;

    // Tab 3: B (listening), then A (listening), then B again, which listens:
    // the same tab, frame and origin as this tab's first document.
    const returningB = await browser.context.newPage();
    await returningB.goto(siteB.origin);
    await listen(returningB);
    await returningB.goto(siteA.origin);
    await listen(returningB);
    await returningB.goto(siteB.origin);
    await listen(returningB);

    await popup.reload();
    const site = popup.locator(`[data-testid=site][data-origin="${siteA.origin}"]`);
    await expect.poll(() => site.count()).toBe(1);
    await site.getByTestId('revoke-site').click();
    await site.getByTestId('revoke-site-confirm').click();

    await expect
      .poll(() => otherA.evaluate(() => (window as any).__events))
      .toContainEqual(['disconnect', expect.objectContaining({ code: 4100 })]);
    await expect.poll(() => otherA.evaluate(() => (window as any).__events.at(-1))).toEqual(['accountsChanged', []]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await seen(silentB)).toEqual({ provider: [], raw: [] });
    expect(await seen(returningB)).toEqual({ provider: [], raw: [] });
    await Promise.all([otherA.close(), returningB.close()]);
  });
});
