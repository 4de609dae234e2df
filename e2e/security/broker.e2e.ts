/**
 * An attacker's website against the real PDS (both versions run this file):
 * well-formed requests that tried to make what the broker judges, what the
 * consent window shows and what reaches the PDS differ (findings 1, 2, 3, 5
 * of the adversarial review). Each asserts the answer code, that the record
 * survives and that the grant is unchanged.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DB_NAME } from '../../src/storage/db';
import type { ExtensionBrowser } from '../support/chromium';
import { clickAndClose } from '../support/driver';
import { launchSignedIn } from '../support/keyring';
import { sendPrivileged } from '../support/privileged';
import { createLikeCall, createPostCall } from '../support/records';
import { bytesParam, connectApproved, isConsentWindow, nextConsentWindow, request } from '../support/site';
import { startTestSite, type TestSite } from '../support/test-site';

const pds = inject('pds');
const extensionPath = inject('chromeExtensionPath');
const { alice } = pds.accounts;

let browser: ExtensionBrowser;
let popup: Page;
let closeBrowser: () => Promise<void>;
let siteA: TestSite;
let siteB: TestSite;
let pageA: Page;
let pageB: Page;
let postUri: string;
let rkey: string;
/** Site A's grant after connecting. */
let grantA: string;
const A_SCOPE = 'atproto repo:app.bsky.feed.post?action=create rpc:com.example.test.bigProcedure?aud=*';

/** Collects every reply the page receives, so two requests under one id can be told apart. */
async function installReplyLog(page: Page) {
  await page.evaluate(() => {
    (window as any).__replies = [];
    window.addEventListener('message', (e) => {
      if (e.source === window && e.data?.source === 'at-keyring:reply') (window as any).__replies.push(e.data);
    });
  });
}

/** What a hostile page can do: post a request with an id of its choosing. */
const postRaw = (page: Page, id: string, method: string, params: unknown) =>
  page.evaluate(
    ({ id, method, params }) => window.postMessage({ source: 'at-keyring:request', id, method, params }, '*'),
    { id, method, params },
  );

async function replies(page: Page, id: string, count: number): Promise<any[]> {
  await page.waitForFunction(
    ({ id, count }) => (window as any).__replies.filter((r: any) => r.id === id).length >= count,
    { id, count },
    { timeout: 20_000 },
  );
  return page.evaluate((id) => (window as any).__replies.filter((r: any) => r.id === id), id);
}

async function grantOf(origin: string): Promise<string | undefined> {
  const list = await sendPrivileged(popup, 'grants.list');
  if (!list.ok) throw new Error(`grants.list: ${JSON.stringify(list.error)}`);
  return list.result.find((g) => g.origin === origin)?.scope;
}

async function postStillThere(): Promise<boolean> {
  const res = await fetch(
    `${pds.pdsUrl}/xrpc/com.atproto.repo.getRecord?repo=${alice.did}&collection=app.bsky.feed.post&rkey=${rkey}`,
  );
  return res.status === 200;
}

/** What the consent window says about the request, once it has loaded it. */
async function consentText(window: Page): Promise<string> {
  const permissions = window.getByTestId('consent-permissions');
  await permissions.waitFor({ timeout: 15_000 });
  return (await permissions.textContent()) ?? '';
}

/** Fails if a consent window opens while `fn` runs. */
async function withoutPrompt<T>(fn: () => Promise<T>): Promise<T> {
  const opened: string[] = [];
  const onPage = (p: Page) => opened.push(p.url());
  browser.context.on('page', onPage);
  try {
    const result = await fn();
    await new Promise((r) => setTimeout(r, 300));
    expect(opened.filter(isConsentWindow)).toEqual([]);
    return result;
  } finally {
    browser.context.off('page', onPage);
  }
}

const deleteBody = () => ({ repo: alice.did, collection: 'app.bsky.feed.post', rkey });
const likeCall = () => createLikeCall(alice.did, postUri);

describe(`an attacker's site against the broker (Chromium, PDS ${pds.pdsVersion})`, () => {
  beforeAll(async () => {
    [siteA, siteB] = await Promise.all([startTestSite(), startTestSite()]);
    ({ browser, popup, close: closeBrowser } = await launchSignedIn(extensionPath, pds, alice));
    [pageA, pageB] = [await browser.context.newPage(), await browser.context.newPage()];
    await pageA.goto(siteA.origin);
    await pageB.goto(siteB.origin);
    await Promise.all([installReplyLog(pageA), installReplyLog(pageB)]);
    // Site A: connected for creating posts; it makes the post the attacks try to delete.
    const connected = await connectApproved(browser.context, pageA, { scope: A_SCOPE });
    expect(connected).toMatchObject({ ok: true });
    grantA = (connected as any).result.scope;
    const created = await request(pageA, 'atproto_xrpc', createPostCall(alice.did, 'keep me'));
    expect(created).toMatchObject({ ok: true, result: { status: 200 } });
    postUri = (created as any).result.body.uri;
    rkey = postUri.split('/').pop()!;
  });
  afterAll(async () => {
    await closeBrowser?.();
    await Promise.all([siteA?.close(), siteB?.close()]);
  });

  describe('1. a decision belongs to one request (same id, other content)', () => {
    it('connect: a broader scope under the id of the displayed one is refused; the grant is what was shown', async () => {
      const consent = nextConsentWindow(browser.context);
      await postRaw(pageB, 'X1', 'atproto_connect', { scope: 'atproto' });
      const window = await consent;
      await postRaw(pageB, 'X1', 'atproto_connect', { scope: 'atproto transition:generic' });
      expect((await replies(pageB, 'X1', 1))[0]).toMatchObject({
        error: { code: -32602, data: { reason: 'id-reused' } },
      });
      await clickAndClose(window, { testId: 'consent-approve' });
      const [, approved] = await replies(pageB, 'X1', 2);
      expect(approved).toMatchObject({ result: { scope: 'atproto' } });
      expect(await grantOf(siteB.origin)).toBe('atproto');
      expect(await request(pageB, 'atproto_xrpc', { ...likeCall(), noPrompt: true })).toMatchObject({
        ok: false,
        error: { code: 4100 },
      });
    });

    it('xrpc: a delete under the id of a displayed like is refused; the like happens, the post survives', async () => {
      const consent = nextConsentWindow(browser.context);
      await postRaw(pageA, 'Y1', 'atproto_xrpc', likeCall());
      const window = await consent;
      await postRaw(pageA, 'Y1', 'atproto_xrpc', { nsid: 'com.atproto.repo.deleteRecord', body: deleteBody() });
      expect((await replies(pageA, 'Y1', 1))[0]).toMatchObject({
        error: { code: -32602, data: { reason: 'id-reused' } },
      });
      expect(await consentText(window)).toMatch(/like/i);
      await clickAndClose(window, { testId: 'consent-always' });
      const [, liked] = await replies(pageA, 'Y1', 2);
      expect(liked).toMatchObject({
        result: { status: 200, body: { uri: expect.stringContaining('app.bsky.feed.like') } },
      });
      expect(await postStillThere()).toBe(true);
      expect(await grantOf(siteA.origin)).toBe(`${grantA} repo:app.bsky.feed.like?action=create`);
    });

    it('xrpc: after a write, its id cannot carry another write, even one inside the grant', async () => {
      await postRaw(pageA, 'Y2', 'atproto_xrpc', createPostCall(alice.did, 'first'));
      expect((await replies(pageA, 'Y2', 1))[0]).toMatchObject({ result: { status: 200 } });
      await postRaw(pageA, 'Y2', 'atproto_xrpc', createPostCall(alice.did, 'second'));
      expect((await replies(pageA, 'Y2', 2))[1]).toMatchObject({
        error: { code: -32602, data: { reason: 'id-reused' } },
      });
    });
  });

  describe('1b. the same id twice at once', () => {
    const postsWith = async (text: string) => {
      const res = await fetch(
        `${pds.pdsUrl}/xrpc/com.atproto.repo.listRecords?repo=${alice.did}&collection=app.bsky.feed.post&limit=100`,
      );
      const { records } = (await res.json()) as { records: { value: { text?: string } }[] };
      return records.filter((r) => r.value.text === text).length;
    };

    it('two writes posted together under one id make one post, and both get its answer', async () => {
      const call = createPostCall(alice.did, 'twin under one id');
      await pageA.evaluate(
        ({ params }) => {
          for (let i = 0; i < 2; i++)
            window.postMessage({ source: 'at-keyring:request', id: 'T1', method: 'atproto_xrpc', params }, '*');
        },
        { params: call },
      );
      const [a, b] = await replies(pageA, 'T1', 2);
      expect(a).toMatchObject({ result: { status: 200 } });
      expect(b.result).toEqual(a.result);
      expect(await postsWith('twin under one id')).toBe(1);
    });

    it('another write posted together under the same id is refused, and only the first is made', async () => {
      await pageA.evaluate(
        ({ first, second }) => {
          for (const params of [first, second])
            window.postMessage({ source: 'at-keyring:request', id: 'T2', method: 'atproto_xrpc', params }, '*');
        },
        { first: createPostCall(alice.did, 'first of two'), second: createPostCall(alice.did, 'second of two') },
      );
      const answers = await replies(pageA, 'T2', 2);
      expect(answers.filter((r) => r.result?.status === 200)).toHaveLength(1);
      expect(answers.filter((r) => r.error?.data?.reason === 'id-reused')).toHaveLength(1);
      expect((await postsWith('first of two')) + (await postsWith('second of two'))).toBe(1);
    });
  });

  describe('2. method names in another letter case', () => {
    it.each([
      ['com.atproto.repo.deleterecord', { body: deleteBody(), proxy: 'did:web:appview.example#bsky_appview' }],
      ['COM.ATPROTO.REPO.DELETERECORD', { body: deleteBody() }],
      ['com.atproto.repo.DeleteRecord', { body: deleteBody(), proxy: 'did:web:appview.example#bsky_appview' }],
      ['Com.atproto.server.getSession', {}],
      ['com.atproto.server.GETSESSION', { proxy: 'did:web:appview.example#bsky_appview' }],
      [
        'Com.atproto.server.getServiceAuth',
        { params: { aud: 'did:web:attacker.example', lxm: 'com.atproto.server.createAccount' } },
      ],
    ])('%s is refused at once (-32602), without a prompt; the post survives', async (nsid, rest) => {
      const answer = await withoutPrompt(() => request(pageA, 'atproto_xrpc', { nsid, ...rest }));
      expect(answer).toMatchObject({ ok: false, error: { code: -32602, data: { reason: 'method-case' } } });
      expect(await postStillThere()).toBe(true);
    });

    it('an unknown method in an account namespace is refused in any case (4100)', async () => {
      for (const nsid of ['Com.Atproto.Server.deleteEverything', 'com.atproto.ADMIN.newThing']) {
        expect(await withoutPrompt(() => request(pageA, 'atproto_xrpc', { nsid, body: {} }))).toMatchObject({
          ok: false,
          error: { code: 4100 },
        });
      }
    });

    it('a PDS method called with the other HTTP method is refused (the PDS would forward it)', async () => {
      const answer = await withoutPrompt(() =>
        request(pageA, 'atproto_xrpc', {
          nsid: 'com.atproto.repo.createRecord',
          method: 'GET',
          proxy: 'did:web:appview.example#bsky_appview',
        }),
      );
      expect(answer).toMatchObject({ ok: false, error: { code: -32602, data: { reason: 'http-method' } } });
    });
  });

  describe('3. repo writes with a body the broker cannot read', () => {
    const bytes = () => bytesParam(new TextEncoder().encode(JSON.stringify(deleteBody())));
    it.each([
      ['deleteRecord', () => ({ nsid: 'com.atproto.repo.deleteRecord', body: bytes(), encoding: 'application/json' })],
      ['putRecord', () => ({ nsid: 'com.atproto.repo.putRecord', body: bytes(), encoding: 'application/json' })],
      [
        'applyWrites',
        () => ({ nsid: 'com.atproto.repo.applyWrites', body: bytes(), encoding: 'application/json; charset=utf-8' }),
      ],
      [
        'deleteRecord as a JSON string',
        () => ({ nsid: 'com.atproto.repo.deleteRecord', body: JSON.stringify(deleteBody()) }),
      ],
      [
        'applyWrites with an unknown write type',
        () => ({
          nsid: 'com.atproto.repo.applyWrites',
          body: { repo: alice.did, writes: [{ $type: 'com.atproto.repo.applyWrites#Delete', ...deleteBody() }] },
        }),
      ],
    ])('%s is refused (-32602) without a prompt; the post survives', async (_label, params) => {
      const answer = await withoutPrompt(() => request(pageA, 'atproto_xrpc', params()));
      expect(answer).toMatchObject({ ok: false, error: { code: -32602 } });
      expect(await postStillThere()).toBe(true);
    });

    it('a readable delete is shown as a delete, and denying it keeps the post', async () => {
      const consent = nextConsentWindow(browser.context);
      const pending = request(pageA, 'atproto_xrpc', { nsid: 'com.atproto.repo.deleteRecord', body: deleteBody() });
      const window = await consent;
      expect(await consentText(window)).toMatch(/Delete/);
      await clickAndClose(window, { testId: 'consent-deny' });
      expect(await pending).toMatchObject({ ok: false, error: { code: 4001 } });
      expect(await postStillThere()).toBe(true);
    });
  });

  describe('5. service tokens for the account itself', () => {
    it.each([
      ['com.atproto.server.createAccount'],
      ['Com.Atproto.Server.CreateAccount'],
      ['com.atproto.identity.signPlcOperation'],
      ['com.atproto.server.deleteAccount'],
      ['com.atproto.repo.importRepo'],
    ])('none for %s, in any case, without a prompt (4100)', async (lxm) => {
      const answer = await withoutPrompt(() =>
        request(pageA, 'atproto_serviceAuth', { aud: 'did:web:attacker.example', lxm }),
      );
      expect(answer).toMatchObject({ ok: false, error: { code: 4100 } });
    });

    it('none without a method (it would be valid for any)', async () => {
      const answer = await withoutPrompt(() =>
        request(pageA, 'atproto_serviceAuth', { aud: 'did:web:attacker.example' }),
      );
      expect(answer).toMatchObject({ ok: false, error: { code: 4100 } });
    });

    it('aud and lxm must be a DID and an NSID (-32602)', async () => {
      for (const params of [
        { aud: 'https://attacker.example', lxm: 'com.example.x' },
        { aud: 'did:web:attacker.example', lxm: 'not an nsid' },
      ]) {
        expect(await withoutPrompt(() => request(pageA, 'atproto_serviceAuth', params))).toMatchObject({
          ok: false,
          error: { code: -32602 },
        });
      }
    });
  });

  describe('12. the request ledger keeps what replay needs, not whole answers', () => {
    const big = (kib: number) => ({
      nsid: 'com.example.test.bigProcedure',
      params: { kib },
      body: {},
      proxy: `${siteA.serviceDid}#test_svc`,
    });
    const ledgerRow = (id: string) =>
      browser.background().then((sw) =>
        sw.evaluate(
          ({ key, dbName }) =>
            new Promise<any>((resolve) => {
              const open = indexedDB.open(dbName);
              open.onsuccess = () => {
                const get = open.result.transaction('requests').objectStore('requests').get(key);
                get.onsuccess = () =>
                  resolve(get.result ? { state: get.result.state, kept: get.result.response !== undefined } : null);
              };
            }),
          { key: `${siteA.origin} ${id}`, dbName: DB_NAME },
        ),
      );

    it('a small answer is kept and replayed to a re-sent request, without a second call', async () => {
      await postRaw(pageA, 'L1', 'atproto_xrpc', big(1));
      expect((await replies(pageA, 'L1', 1))[0]).toMatchObject({ result: { status: 200 } });
      // The record follows the answer by a moment (the request is hashed once it was answered).
      await expect.poll(() => ledgerRow('L1')).toEqual({ state: 'done', kept: true });
      const calls = siteA.xrpcHits.filter((h) => h.includes('bigProcedure')).length;
      await postRaw(pageA, 'L1', 'atproto_xrpc', big(1));
      expect((await replies(pageA, 'L1', 2))[1]).toMatchObject({ result: { status: 200 } });
      expect(siteA.xrpcHits.filter((h) => h.includes('bigProcedure')).length).toBe(calls);
    });

    it('a large answer is not stored; a re-sent request is told, not run again', async () => {
      await postRaw(pageA, 'L2', 'atproto_xrpc', big(512));
      expect((await replies(pageA, 'L2', 1))[0]).toMatchObject({ result: { status: 200 } });
      await expect.poll(() => ledgerRow('L2')).toEqual({ state: 'done', kept: false });
      const calls = siteA.xrpcHits.filter((h) => h.includes('bigProcedure')).length;
      await postRaw(pageA, 'L2', 'atproto_xrpc', big(512));
      expect((await replies(pageA, 'L2', 2))[1]).toMatchObject({
        error: { code: -32603, data: { reason: 'replay-unavailable' } },
      });
      expect(siteA.xrpcHits.filter((h) => h.includes('bigProcedure')).length).toBe(calls);
    });
  });

  it('the grants never gained what no window showed', async () => {
    expect(await grantOf(siteA.origin)).toBe(`${grantA} repo:app.bsky.feed.like?action=create`);
    expect(await grantOf(siteB.origin)).toBe('atproto');
  });
});
