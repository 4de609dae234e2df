/**
 * The core user journey, written once and run in every browser: sign in
 * through the PDS's own pages, keep the session across a background stop,
 * connect a site, create and read a record through the extension, revoke the
 * site, sign out (and see the token rejected by the PDS).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { rawCid } from '../../src/consent/cid';
import { DB_NAME } from '../../src/storage/db';
import type { BrowserDriver, UiPage } from '../support/driver';
import { sendPrivileged } from '../support/privileged';
import { createPostCall, TINY_PNG } from '../support/records';
import { bytesParam, fileParam, isConsentWindow, request } from '../support/site';
import { startTestSite, type TestSite } from '../support/test-site';
import { poll, signInThroughPds } from './steps';

export function coreScenario(launch: (profileDir: string) => Promise<BrowserDriver>, browserName: string) {
  const pds = inject('pds');
  const { alice } = pds.accounts;
  const account = `[data-testid=account][data-did="${alice.did}"]`;
  let profileDir: string;
  let driver: BrowserDriver;
  let popup: UiPage;
  let site: TestSite;
  let page: UiPage;

  async function checkSession() {
    await popup.click(`${account} [data-testid=check-account]`);
    await poll(
      () => popup.text(`${account} [data-testid=check-result]`),
      (t) => !!t?.includes('Session works'),
      'a working session',
    );
  }

  describe(`core journey in ${browserName} (local PDS)`, () => {
    beforeAll(async () => {
      site = await startTestSite();
      profileDir = await mkdtemp(path.join(os.tmpdir(), `at-keyring-${browserName}-`));
      driver = await launch(profileDir);
      popup = await driver.openPopup();
      const configured = await sendPrivileged(popup, 'settings.update', {
        settings: { handleResolver: pds.pdsUrl, plcDirectoryUrl: pds.plcUrl, allowHttp: true, clientId: '' },
      });
      expect(configured).toMatchObject({ ok: true });
    });
    afterAll(async () => {
      await driver?.close();
      await site?.close();
      await rm(profileDir, { recursive: true, force: true });
    });

    it('signs in through the PDS sign-in and consent pages', async () => {
      await signInThroughPds(driver, popup, pds, alice);
      await checkSession();
    });

    it('keeps the DPoP private key non-extractable in IndexedDB', async () => {
      const key = await (await driver.background()).evaluate(
        ({ did, dbName }) =>
          new Promise<{ extractable: boolean; exported: string }>((resolve) => {
            const open = indexedDB.open(dbName);
            open.onsuccess = () => {
              const get = open.result.transaction('oauthSession').objectStore('oauthSession').get(did);
              get.onsuccess = () => {
                const { privateKey } = get.result.value.dpopKey.keyPair as CryptoKeyPair;
                crypto.subtle.exportKey('jwk', privateKey).then(
                  () => resolve({ extractable: privateKey.extractable, exported: 'yes' }),
                  (e: Error) => resolve({ extractable: privateKey.extractable, exported: e.name }),
                );
              };
            };
          }),
        { did: alice.did, dbName: DB_NAME },
      );
      expect(key).toEqual({ extractable: false, exported: 'InvalidAccessError' });
    });

    it('keeps the session when the background is stopped', async () => {
      const bg = await driver.background();
      await bg.evaluate(() => ((globalThis as any).__beforeStop = true), undefined);
      await driver.stopBackground();
      await checkSession();
      expect(
        await (await driver.background()).evaluate(() => (globalThis as any).__beforeStop, undefined),
      ).toBeUndefined();
    });

    it('keeps the session across a browser restart', async () => {
      await driver.close();
      driver = await launch(profileDir);
      popup = await driver.openPopup();
      await poll(
        () => popup.count(account),
        (n) => n === 1,
        'the account after the restart',
      );
      await checkSession();
    });

    let rkey: string;
    it('connects a site after consent, then creates and reads a record through the extension', async () => {
      page = await driver.openPage(site.origin);
      const consentWindow = driver.nextWindow(isConsentWindow);
      const connecting = request(page, 'atproto_connect', {
        scope: 'atproto repo:app.bsky.feed.post?action=create',
      });
      const consent = await consentWindow;
      expect(await consent.text('[data-testid=consent-origin]')).toBe(site.origin);
      await consent.clickAndClose({ testId: 'consent-approve' });
      expect(await connecting).toMatchObject({ ok: true, result: { did: alice.did, handle: 'alice.test' } });

      const created = await request(page, 'atproto_xrpc', createPostCall(alice.did, `hello from ${browserName}`));
      expect(created).toMatchObject({ ok: true, result: { status: 200 } });
      rkey = (created as any).result.body.uri.split('/').pop();
      const read = await request(page, 'atproto_xrpc', {
        nsid: 'com.atproto.repo.getRecord',
        params: { repo: alice.did, collection: 'app.bsky.feed.post', rkey },
      });
      expect(read).toMatchObject({
        ok: true,
        result: { status: 200, body: { value: { text: `hello from ${browserName}` } } },
      });
      // Outside the grant, without a prompt: refused.
      expect(
        await request(page, 'atproto_xrpc', {
          nsid: 'com.atproto.repo.deleteRecord',
          body: { repo: alice.did, collection: 'app.bsky.feed.post', rkey },
          noPrompt: true,
        }),
      ).toMatchObject({ ok: false, error: { code: 4100 } });
    });

    it("uploads a picked file as it is (a File body), after consent; the PDS stores the file's bytes", async () => {
      const consentWindow = driver.nextWindow(isConsentWindow);
      // The file's own type is what its name suggested; the site's encoding is what is sent.
      const uploading = request(page, 'atproto_xrpc', {
        nsid: 'com.atproto.repo.uploadBlob',
        body: fileParam(TINY_PNG, 'dot.png', 'text/plain'),
        encoding: 'image/png',
      });
      const consent = await consentWindow;
      await consent.clickAndClose({ testId: 'consent-once' });
      expect(await uploading).toMatchObject({
        ok: true,
        result: {
          status: 200,
          body: { blob: { mimeType: 'image/png', size: TINY_PNG.length, ref: { $link: await rawCid(TINY_PNG) } } },
        },
      });
    });

    it('refuses the core attacks of the security review; the record survives', async () => {
      const del = { repo: alice.did, collection: 'app.bsky.feed.post', rkey };
      // Case variant of a PDS method, dressed as a proxied service call.
      expect(
        await request(page, 'atproto_xrpc', {
          nsid: 'com.atproto.repo.deleterecord',
          body: del,
          proxy: 'did:web:appview.example#bsky_appview',
        }),
      ).toMatchObject({ ok: false, error: { code: -32602 } });
      // A delete whose body the broker could not read.
      const binaryDelete = await request(page, 'atproto_xrpc', {
        nsid: 'com.atproto.repo.deleteRecord',
        body: bytesParam(new TextEncoder().encode(JSON.stringify(del))),
        encoding: 'application/json',
      });
      expect(binaryDelete).toMatchObject({ ok: false, error: { code: -32602 } });
      // A service token to move the account away.
      expect(
        await request(page, 'atproto_serviceAuth', {
          aud: 'did:web:attacker.example',
          lxm: 'com.atproto.server.createAccount',
        }),
      ).toMatchObject({ ok: false, error: { code: 4100 } });
      // A page of the same site served with CSP sandbox (an opaque origin) gets nothing.
      const sandboxed = await driver.openPage(`${site.origin}/csp-sandbox`);
      const answer = await sandboxed.evaluate(
        () =>
          new Promise<unknown>((resolve) => {
            window.addEventListener('message', (e) => e.data?.source === 'at-keyring:reply' && resolve(e.data));
            window.postMessage({ source: 'at-keyring:request', id: 'sandboxed', method: 'atproto_accounts' }, '*');
          }),
        undefined,
      );
      expect(answer).toMatchObject({ id: 'sandboxed', error: { code: 4100 } });
      // A broader scope under the id of the connect request the window shows.
      const consentWindow = driver.nextWindow(isConsentWindow);
      await page.evaluate(() => {
        (window as any).__replies = [];
        window.addEventListener(
          'message',
          (e) => e.source === window && e.data?.source === 'at-keyring:reply' && (window as any).__replies.push(e.data),
        );
        window.postMessage(
          {
            source: 'at-keyring:request',
            id: 'X',
            method: 'atproto_connect',
            params: { scope: 'atproto repo:app.bsky.feed.like?action=create' },
          },
          '*',
        );
      }, undefined);
      const consent = await consentWindow;
      await page.evaluate(
        () =>
          window.postMessage(
            {
              source: 'at-keyring:request',
              id: 'X',
              method: 'atproto_connect',
              params: { scope: 'atproto transition:generic' },
            },
            '*',
          ),
        undefined,
      );
      const refused = await poll(
        () => page.evaluate(() => (window as any).__replies as any[], undefined),
        (r) => r.length >= 1,
        'the answer to the re-used id',
      );
      expect(refused[0]).toMatchObject({ id: 'X', error: { code: -32602 } });
      await consent.clickAndClose({ testId: 'consent-approve' });
      const [, approved] = await poll(
        () => page.evaluate(() => (window as any).__replies as any[], undefined),
        (r) => r.length >= 2,
        'the approved connect',
      );
      expect(approved.result.scope).toBe(
        'atproto repo:app.bsky.feed.post?action=create repo:app.bsky.feed.like?action=create',
      );
      const read = await request(page, 'atproto_xrpc', {
        nsid: 'com.atproto.repo.getRecord',
        params: { repo: alice.did, collection: 'app.bsky.feed.post', rkey },
      });
      expect(read).toMatchObject({ ok: true, result: { status: 200 } });
    });

    it('revokes the site from the popup: the page is refused afterwards', async () => {
      await popup.reload();
      const siteCard = `[data-testid=site][data-origin="${site.origin}"]`;
      await poll(
        () => popup.count(siteCard),
        (n) => n === 1,
        'the connected site',
      );
      // Revoking asks first, inline: the first click only asks.
      await popup.click(`${siteCard} [data-testid=revoke-site]`);
      await popup.click(`${siteCard} [data-testid=revoke-site-confirm]`);
      await poll(
        () => popup.count(siteCard),
        (n) => n === 0,
        'the site to disappear',
      );
      expect(
        await request(page, 'atproto_xrpc', {
          nsid: 'com.atproto.repo.getRecord',
          params: { repo: alice.did, collection: 'app.bsky.feed.post', rkey },
        }),
      ).toMatchObject({ ok: false, error: { code: 4100 } });
      expect(await request(page, 'atproto_accounts')).toEqual({ ok: true, result: [] });
    });

    it('signs out and forgets the session and its DPoP key', async () => {
      await popup.click(`${account} [data-testid=sign-out]`);
      await poll(
        () => popup.count(account),
        (n) => n === 0,
        'the account to disappear',
      );
      const left = await (await driver.background()).evaluate(
        ({ did, dbName }) =>
          new Promise((resolve) => {
            const open = indexedDB.open(dbName);
            open.onsuccess = () => {
              const get = open.result.transaction('oauthSession').objectStore('oauthSession').get(did);
              get.onsuccess = () => resolve(get.result ?? null);
            };
          }),
        { did: alice.did, dbName: DB_NAME },
      );
      expect(left).toBeNull();
    });
  });
}
