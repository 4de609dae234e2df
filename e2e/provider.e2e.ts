import { IdResolver } from '@atproto/identity';
import { verifyJwt } from '@atproto/xrpc-server';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CAPABILITIES } from '../sdk/src/contract';
import type { ExtensionBrowser } from './support/chromium';
import { clickAndClose } from './support/driver';
import { launchSignedIn, readStoredSession } from './support/keyring';
import { createLikeCall, createPostCall, TINY_PNG } from './support/records';
import { bytesParam, nextConsentWindow, receivedText, recordPageMessages, request } from './support/site';
import { startTestSite, type TestSite } from './support/test-site';

const pds = inject('pds');
const extensionPath = inject('chromeExtensionPath');
const { alice } = pds.accounts;

let closeBrowser: () => Promise<void>;
let browser: ExtensionBrowser;
let popup: Page;
let siteA: TestSite;
let siteB: TestSite;
let pageA: Page;
let pageB: Page;

const SCOPE = 'atproto repo:app.bsky.feed.post?action=create blob:image/*';

describe('websites get signed XRPC calls through the extension (Chromium, local PDS)', () => {
  beforeAll(async () => {
    [siteA, siteB] = await Promise.all([startTestSite(), startTestSite()]);
    ({ browser, popup, close: closeBrowser } = await launchSignedIn(extensionPath, pds, alice));
    await recordPageMessages(browser.context);
    pageA = await browser.context.newPage();
    await pageA.goto(siteA.origin);
    pageB = await browser.context.newPage();
    await pageB.goto(siteB.origin);
  });
  afterAll(async () => {
    await closeBrowser?.();
    await Promise.all([siteA?.close(), siteB?.close()]);
  });

  it('announces the provider (EIP-6963 style) and sets window.atproto', async () => {
    const info = await pageA.evaluate(
      () =>
        new Promise<any>((resolve) => {
          window.addEventListener('atproto:announceProvider', (e: any) => {
            const { info } = e.detail;
            resolve({
              ...info,
              capabilities: Array.isArray(info.capabilities) ? [...info.capabilities] : info.capabilities,
              same: e.detail.provider === (window as any).atproto,
              frozen: [e.detail, info, info.capabilities].map((o) => Object.isFrozen(o)),
            });
          });
          window.dispatchEvent(new Event('atproto:requestProvider'));
        }),
    );
    expect(info).toMatchObject({ name: 'AT Keyring', rdns: 'dev.atkeyring', same: true });
    expect(info.icon).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(info.uuid).toMatch(/^[0-9a-f-]{36}$/);
    // Contract 1.1: the version and what the provider supports, frozen like the rest.
    expect(info.contractVersion).toBe('1.2');
    expect(info.capabilities).toEqual([...CAPABILITIES]);
    expect(info.capabilities).toEqual(
      expect.arrayContaining([
        'noPrompt',
        'did',
        'labelers',
        'error.data.reason',
        'canonical-methods',
        'prompt-binding',
        'secure-origins',
        'blob-body',
      ]),
    );
    expect(info.frozen).toEqual([true, true, true]);
  });

  it('refuses calls before connecting, and unknown methods', async () => {
    expect(await request(pageA, 'atproto_accounts')).toEqual({ ok: true, result: [] });
    expect(
      await request(pageA, 'atproto_xrpc', {
        nsid: 'com.atproto.repo.listRecords',
        params: { repo: alice.did, collection: 'app.bsky.feed.post' },
      }),
    ).toMatchObject({ ok: false, error: { code: 4100 } });
    expect(await request(pageA, 'atproto_signOut')).toMatchObject({ ok: false, error: { code: 4200 } });
    expect(await request(pageA, 'atproto_xrpc', { nsid: 'not an nsid' })).toMatchObject({
      ok: false,
      error: { code: -32602 },
    });
  });

  it('connects after the user consents in the consent window', async () => {
    await pageA.evaluate(() => {
      (window as any).__events = [];
      (window as any).atproto.on('accountsChanged', (a: unknown) =>
        (window as any).__events.push(['accountsChanged', a]),
      );
      (window as any).atproto.on('disconnect', (e: unknown) => (window as any).__events.push(['disconnect', e]));
    });
    const consentPromise = nextConsentWindow(browser.context);
    const connecting = request(pageA, 'atproto_connect', { scope: SCOPE });
    const consent = await consentPromise;
    expect(await consent.getByTestId('consent-origin').textContent()).toBe(siteA.origin);
    const permissions = await consent.getByTestId('consent-permissions').innerText();
    expect(permissions).toContain('Create posts (app.bsky.feed.post)');
    expect(permissions).toContain('Upload image files');
    expect(await consent.getByTestId('consent-account').innerText()).toContain('@alice.test');
    await clickAndClose(consent, { testId: 'consent-approve' });
    const connected = await connecting;
    expect(connected).toMatchObject({
      ok: true,
      result: { did: alice.did, handle: 'alice.test', pds: `${pds.pdsUrl}/` },
    });
    expect(connected.ok && connected.result.scope.split(' ').sort()).toEqual(SCOPE.split(' ').sort());
    await expect
      .poll(() => pageA.evaluate(() => (window as any).__events))
      .toContainEqual(['accountsChanged', [{ did: alice.did, handle: 'alice.test' }]]);
    expect(await request(pageA, 'atproto_accounts')).toEqual({
      ok: true,
      result: [{ did: alice.did, handle: 'alice.test' }],
    });
  });

  it('connects again without a prompt when the grant already covers the request', async () => {
    const again = await request(pageA, 'atproto_connect', { scope: 'atproto repo:app.bsky.feed.post?action=create' });
    expect(again).toMatchObject({ ok: true, result: { did: alice.did } });
  });

  let postUri: string;
  let blobRef: any;
  it('creates a post, uploads a blob and references it, and reads both back', async () => {
    const created = await request(pageA, 'atproto_xrpc', createPostCall(alice.did, 'hello from a website'));
    expect(created).toMatchObject({
      ok: true,
      result: { status: 200, headers: { 'content-type': expect.stringContaining('application/json') } },
    });
    postUri = (created as any).result.body.uri;
    expect(postUri).toMatch(new RegExp(`^at://${alice.did}/app.bsky.feed.post/`));

    const uploaded = await request(pageA, 'atproto_xrpc', {
      nsid: 'com.atproto.repo.uploadBlob',
      body: bytesParam(TINY_PNG),
      encoding: 'image/png',
    });
    expect(uploaded).toMatchObject({
      ok: true,
      result: { status: 200, body: { blob: { mimeType: 'image/png', size: TINY_PNG.length } } },
    });
    blobRef = (uploaded as any).result.body.blob;

    const withImage = await request(
      pageA,
      'atproto_xrpc',
      createPostCall(alice.did, 'with a picture', {
        embed: { $type: 'app.bsky.embed.images', images: [{ alt: 'a dot', image: blobRef }] },
      }),
    );
    expect(withImage).toMatchObject({ ok: true, result: { status: 200 } });

    const listed = await request(pageA, 'atproto_xrpc', {
      nsid: 'com.atproto.repo.listRecords',
      params: { repo: alice.did, collection: 'app.bsky.feed.post' },
    });
    const texts = (listed as any).result.body.records.map((r: any) => r.value.text);
    expect(texts).toEqual(expect.arrayContaining(['hello from a website', 'with a picture']));

    const got = await request(pageA, 'atproto_xrpc', {
      nsid: 'com.atproto.repo.getRecord',
      params: { repo: alice.did, collection: 'app.bsky.feed.post', rkey: postUri.split('/').pop()! },
    });
    expect(got).toMatchObject({ ok: true, result: { status: 200, body: { value: { text: 'hello from a website' } } } });

    const downloaded = await request(pageA, 'atproto_xrpc', {
      nsid: 'com.atproto.sync.getBlob',
      params: { did: alice.did, cid: blobRef.ref.$link },
    });
    expect(downloaded).toMatchObject({ ok: true, result: { status: 200 } });
    expect(Buffer.from((downloaded as any).result.body.$b64, 'base64')).toEqual(TINY_PNG);
  });

  it('carries bytes and Blobs to the background as they are (structured-clone messaging), not as base64 in JSON', async () => {
    // The relay's probe, sent from the extension's isolated world in site A's tab, through the real page channel.
    const worker = await browser.background();
    const answer = await worker.evaluate(async (origin) => {
      const chrome = (globalThis as any).chrome;
      const [tab] = await chrome.tabs.query({ url: `${origin}/*` });
      const [injected] = await chrome.scripting.executeScript({
        target: { tabId: tab.id },
        world: 'ISOLATED',
        func: () =>
          (globalThis as any).chrome.runtime.sendMessage({
            kind: 'at-keyring:page-probe',
            doc: { id: 'e2e-probe-document', origin: window.origin },
            probe: new Uint8Array([0x61, 0x74, 0x6b]),
            probeBlob: new Blob([new Uint8Array([0x61, 0x74, 0x6b])]),
          }),
      });
      return injected.result;
    }, siteA.origin);
    // Bytes as bytes, and a site's file as a Blob (contract 1.2's blob-body).
    expect(answer).toEqual({ result: { clone: true, blobs: true } });
  });

  it("returns the PDS's XRPC errors as results", async () => {
    const missing = await request(pageA, 'atproto_xrpc', {
      nsid: 'com.atproto.repo.getRecord',
      params: { repo: alice.did, collection: 'app.bsky.feed.post', rkey: 'doesnotexist' },
    });
    expect(missing).toMatchObject({ ok: true, result: { status: 400, body: { error: 'RecordNotFound' } } });
  });

  it('refuses calls outside the grant with 4100 when asked not to prompt, and never offers account management', async () => {
    expect(
      await request(pageA, 'atproto_xrpc', { ...createLikeCall(alice.did, postUri), noPrompt: true }),
    ).toMatchObject({ ok: false, error: { code: 4100 } });
    expect(
      await request(pageA, 'atproto_xrpc', {
        nsid: 'com.atproto.server.deleteAccount',
        body: { did: alice.did, password: 'x', token: 'y' },
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 4100, message: expect.stringContaining('not available to websites') },
    });
    expect(
      await request(pageA, 'atproto_xrpc', {
        nsid: 'com.atproto.identity.updateHandle',
        body: { handle: 'evil.test' },
      }),
    ).toMatchObject({ ok: false, error: { code: 4100 } });
  });

  it('prompts for calls outside the grant: deny gives 4001 (then a cooldown), closing too, allow once works, one prompt per origin at a time', async () => {
    const deleteCall = {
      nsid: 'com.atproto.repo.deleteRecord',
      body: { repo: alice.did, collection: 'app.bsky.feed.post', rkey: postUri.split('/').pop() },
    };

    let consentPromise = nextConsentWindow(browser.context);
    let pending = request(pageA, 'atproto_xrpc', deleteCall);
    let consent = await consentPromise;
    expect(await consent.getByTestId('consent-permissions').innerText()).toContain('Delete posts (app.bsky.feed.post)');
    // A second prompting request from the same origin while one is open.
    expect(await request(pageA, 'atproto_xrpc', { ...deleteCall })).toMatchObject({
      ok: false,
      error: { code: -32002 },
    });
    await clickAndClose(consent, { testId: 'consent-deny' });
    expect(await pending).toMatchObject({ ok: false, error: { code: 4001, data: { reason: 'denied' } } });
    // After a "no", the site cannot ask again at once (no window opens).
    const cooling = await request(pageA, 'atproto_xrpc', deleteCall);
    expect(cooling).toMatchObject({ ok: false, error: { code: 4001, data: { reason: 'cooldown' } } });
    const coolUntil = Date.now() + (cooling as any).error.data.retryAfterMs;

    // Closing the window is a rejection too (shown on the other site, which is not cooling down).
    consentPromise = nextConsentWindow(browser.context);
    pending = request(pageB, 'atproto_connect', { scope: 'atproto' });
    consent = await consentPromise;
    await consent.close();
    expect(await pending).toMatchObject({ ok: false, error: { code: 4001, data: { reason: 'closed' } } });

    // Once the cooldown has run out, site A may ask again.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, coolUntil - Date.now()) + 200));
    consentPromise = nextConsentWindow(browser.context);
    pending = request(pageA, 'atproto_xrpc', deleteCall);
    consent = await consentPromise;
    await clickAndClose(consent, { testId: 'consent-once' });
    expect(await pending).toMatchObject({ ok: true, result: { status: 200 } });
    // "Once" did not widen the grant.
    expect(await request(pageA, 'atproto_xrpc', { ...deleteCall, noPrompt: true })).toMatchObject({
      ok: false,
      error: { code: 4100 },
    });
    expect(await request(pageA, 'atproto_xrpc', createPostCall(alice.did, 'still allowed'))).toMatchObject({
      ok: true,
      result: { status: 200 },
    });
  });

  it('keeps a prompt across a service-worker restart', async () => {
    const consentPromise = nextConsentWindow(browser.context);
    const pending = request(pageA, 'atproto_xrpc', {
      nsid: 'com.atproto.repo.putRecord',
      body: {
        repo: alice.did,
        collection: 'app.bsky.actor.profile',
        rkey: 'self',
        record: { $type: 'app.bsky.actor.profile', displayName: 'Alice' },
      },
    });
    const consent = await consentPromise;
    await browser.stopBackground();
    await clickAndClose(consent, { testId: 'consent-once' });
    expect(await pending).toMatchObject({ ok: true, result: { status: 200 } });
  });

  it('proxies to a service with atproto-proxy', async () => {
    const proxy = `${siteA.serviceDid}#test_svc`;
    const consentPromise = nextConsentWindow(browser.context);
    const pending = request(pageA, 'atproto_xrpc', { nsid: 'com.example.test.echo', params: { q: 'hi' }, proxy });
    const consent = await consentPromise;
    expect(await consent.getByTestId('consent-permissions').innerText()).toContain(
      `Call com.example.test.echo as you at ${proxy}`,
    );
    await clickAndClose(consent, { testId: 'consent-once' });
    const echoed = await pending;
    // The PDS forwarded the call with a service-auth JWT for the proxied service.
    expect(echoed).toMatchObject({
      ok: true,
      result: {
        status: 200,
        body: { query: '?q=hi', claims: { iss: alice.did, aud: siteA.serviceDid, lxm: 'com.example.test.echo' } },
      },
    });
  });

  it('remembers "always allow" in the grant', async () => {
    const likeCall = () => createLikeCall(alice.did, postUri);
    const consentPromise = nextConsentWindow(browser.context);
    const pending = request(pageA, 'atproto_xrpc', likeCall());
    await clickAndClose(await consentPromise, { testId: 'consent-always' });
    expect(await pending).toMatchObject({ ok: true, result: { status: 200 } });
    expect(await request(pageA, 'atproto_xrpc', { ...likeCall(), noPrompt: true })).toMatchObject({
      ok: true,
      result: { status: 200 },
    });
  });

  it('returns a service-auth JWT that verifies against the DID document', async () => {
    const aud = siteA.serviceDid;
    const consentPromise = nextConsentWindow(browser.context);
    const pending = request(pageA, 'atproto_serviceAuth', { aud, lxm: 'com.example.test.echo' });
    await clickAndClose(await consentPromise, { testId: 'consent-once' });
    const outcome = await pending;
    expect(outcome.ok).toBe(true);
    const token = (outcome as any).result.token as string;
    const resolver = new IdResolver({ plcUrl: pds.plcUrl });
    const payload = await verifyJwt(token, aud, 'com.example.test.echo', (iss, forceRefresh) =>
      resolver.did.resolveAtprotoKey(iss, forceRefresh),
    );
    expect(payload.iss).toBe(alice.did);
    // A forged signature does not verify.
    const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    await expect(
      verifyJwt(forged, aud, 'com.example.test.echo', (iss, f) => resolver.did.resolveAtprotoKey(iss, f)),
    ).rejects.toThrow();
  });

  it('refuses a second origin without a grant', async () => {
    expect(await request(pageB, 'atproto_accounts')).toEqual({ ok: true, result: [] });
    expect(
      await request(pageB, 'atproto_xrpc', {
        nsid: 'com.atproto.repo.createRecord',
        body: { repo: alice.did, collection: 'app.bsky.feed.post', record: { text: 'x' } },
      }),
    ).toMatchObject({ ok: false, error: { code: 4100 } });
    expect(await request(pageB, 'atproto_serviceAuth', { aud: siteA.serviceDid })).toMatchObject({
      ok: false,
      error: { code: 4100 },
    });
  });

  it('lists the site in the popup and revoking it fires events in the open page', async () => {
    await popup.reload();
    const site = popup.locator(`[data-testid=site][data-origin="${siteA.origin}"]`);
    await expect.poll(() => site.count()).toBe(1);
    expect(await site.innerText()).toContain('as @alice.test');
    expect(await site.innerText()).toContain('Create posts (app.bsky.feed.post)');
    // Revoking asks first, inline (issue 13): the first click only asks.
    await site.getByTestId('revoke-site').click();
    await site.getByTestId('revoke-site-confirm').click();
    await expect
      .poll(() => pageA.evaluate(() => (window as any).__events))
      .toContainEqual(['disconnect', expect.objectContaining({ code: 4100 })]);
    await expect.poll(() => pageA.evaluate(() => (window as any).__events.at(-1))).toEqual(['accountsChanged', []]);
    expect(
      await request(pageA, 'atproto_xrpc', {
        nsid: 'com.atproto.repo.listRecords',
        params: { repo: alice.did, collection: 'app.bsky.feed.post' },
      }),
    ).toMatchObject({ ok: false, error: { code: 4100 } });
    await expect.poll(() => popup.locator(`[data-testid=site][data-origin="${siteA.origin}"]`).count()).toBe(0);
  });

  it('never lets a token, refresh token or DPoP proof reach the page', async () => {
    const stored = await readStoredSession(await browser.background(), alice.did);
    expect(stored?.accessToken.length).toBeGreaterThan(20);
    for (const page of [pageA, pageB]) {
      const text = await receivedText(page);
      expect(text.length).toBeGreaterThan(100);
      expect(text).not.toContain(stored!.accessToken);
      expect(text).not.toContain(stored!.refreshToken!);
      // Any JWT-shaped string the page saw: none may be a DPoP proof or an access token.
      for (const jwt of text.match(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/g) ?? []) {
        const header = JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString());
        expect(header.typ).not.toBe('dpop+jwt');
        expect(header.typ).not.toBe('at+jwt');
      }
      expect(text).not.toMatch(/"dpop|DPoP /);
    }
  });
});
