/**
 * "AT Keyring is available to: all sites / only sites I allow", in every browser: a site not allowed finds
 * no provider and a page left from before the switch is refused; an allowed site connects and calls; the
 * mode holds across a background stop; switching back restores the provider on new page loads.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserDriver, UiPage } from '../support/driver';
import { sendPrivileged } from '../support/privileged';
import { isConsentWindow, request } from '../support/site';
import { startTestSite, type TestSite } from '../support/test-site';
import { poll, signInThroughPds } from './steps';

/** Whether the page finds AT Keyring: the global, and an answer to the discovery event. */
const findProvider = (page: UiPage) =>
  page.evaluate(
    () =>
      new Promise<{ global: boolean; announced: boolean }>((resolve) => {
        let announced = false;
        window.addEventListener('atproto:announceProvider', () => {
          announced = true;
        });
        window.dispatchEvent(new Event('atproto:requestProvider'));
        setTimeout(() => resolve({ global: 'atproto' in window, announced }), 300);
      }),
    undefined,
  );

const NONE = { global: false, announced: false };
const FOUND = { global: true, announced: true };

export interface SiteAccessBrowser {
  name: string;
  /**
   * The host of the site left out. Chromium's match patterns have ports, so it is another port of the
   * allowed site's host; Firefox's have none, so it is another host (localhost), and another port of the
   * allowed host is checked to get the provider but have its requests refused.
   */
  otherHost: '127.0.0.1' | 'localhost';
  /** Whether the browser gives up the manifest's access to every site (Firefox yes, Chromium no). */
  withdrawsAllSites: boolean;
}

export function siteAccessScenario(launch: (profileDir: string) => Promise<BrowserDriver>, b: SiteAccessBrowser) {
  const pds = inject('pds');
  const { alice } = pds.accounts;
  let profileDir: string;
  let driver: BrowserDriver;
  let popup: UiPage;
  let allowed: TestSite;
  let other: TestSite;
  let otherOrigin: string;
  let stale: UiPage;

  const modeShown = (mode: string) =>
    poll(
      () => popup.count(`[data-testid=site-access][data-mode=${mode}]`),
      (n) => n === 1,
      `the popup in mode ${mode}`,
    );

  describe(`site access in ${b.name} (local PDS)`, () => {
    beforeAll(async () => {
      [allowed, other] = await Promise.all([startTestSite(), startTestSite()]);
      otherOrigin = other.origin.replace('127.0.0.1', b.otherHost);
      profileDir = await mkdtemp(path.join(os.tmpdir(), `at-keyring-access-${b.name}-`));
      driver = await launch(profileDir);
      popup = await driver.openPopup();
      const configured = await sendPrivileged(popup, 'settings.update', {
        settings: { handleResolver: pds.pdsUrl, plcDirectoryUrl: pds.plcUrl, allowHttp: true, clientId: '' },
      });
      expect(configured).toMatchObject({ ok: true });
      await signInThroughPds(driver, popup, pds, alice);
    });
    afterAll(async () => {
      await driver?.close();
      await Promise.all([allowed?.close(), other?.close()]);
      if (profileDir) await rm(profileDir, { recursive: true, force: true });
    });

    it('is available to every site by default', async () => {
      stale = await driver.openPage(otherOrigin);
      expect(await findProvider(stale)).toEqual(FOUND);
      // Connected and listening, to see whether it still hears events once it is left out.
      const consentWindow = driver.nextWindow(isConsentWindow);
      const connecting = request(stale, 'atproto_connect', { scope: 'atproto' });
      await (await consentWindow).clickAndClose({ testId: 'consent-approve' });
      expect(await connecting).toMatchObject({ ok: true });
      await stale.evaluate(() => {
        const heard: string[] = [];
        (window as any).__heard = heard;
        const provider = (window as any).atproto;
        provider.on('accountsChanged', () => heard.push('accountsChanged'));
        provider.on('disconnect', () => heard.push('disconnect'));
      }, undefined);
    });

    it('with "only sites I allow", registers the scripts for the allowed site alone', async () => {
      await popup.click('[data-testid=site-access-allowed]');
      await modeShown('allowed');
      await popup.fill('[data-testid=site-access-origin]', allowed.origin);
      await popup.click('[data-testid=site-access-add]');
      await poll(
        () => popup.count(`[data-testid=site-access-site][data-origin="${allowed.origin}"]`),
        (n) => n === 1,
        'the allowed site in the list',
      );
      const state = await (await driver.background()).evaluate(async () => {
        const api = (globalThis as any).browser ?? (globalThis as any).chrome;
        const scripts: { id: string; matches: string[]; world?: string }[] =
          await api.scripting.getRegisteredContentScripts();
        const granted: { origins: string[] } = await api.permissions.getAll();
        return { scripts: scripts.map((s) => ({ id: s.id, matches: s.matches, world: s.world })), granted };
      }, undefined);
      const pattern = b.otherHost === '127.0.0.1' ? `${allowed.origin}/*` : 'http://127.0.0.1/*';
      expect(state.scripts).toEqual([
        { id: 'provider', matches: [pattern], world: 'MAIN' },
        { id: 'relay', matches: [pattern], world: 'ISOLATED' },
      ]);
      // Firefox gives the manifest's access to every site up; Chromium refuses to remove it.
      expect(state.granted.origins.includes('https://*/*')).toBe(!b.withdrawsAllSites);
      const view = await sendPrivileged(popup, 'siteAccess.get');
      expect(view).toMatchObject({
        ok: true,
        result: { mode: 'allowed', sites: [{ origin: allowed.origin, access: true }] },
      });
    });

    it('a site not allowed finds no provider on a new page load', async () => {
      const page = await driver.openPage(otherOrigin);
      expect(await findProvider(page)).toEqual(NONE);
    });

    it('refuses the requests of a page that kept its provider from before the switch, and sends it no events', async () => {
      expect(await request(stale, 'atproto_accounts')).toEqual({
        ok: false,
        error: { code: 4100, message: expect.any(String), data: { reason: 'site-not-allowed' } },
      });
      // Revoking its grant would send it disconnect and accountsChanged; left out, it hears nothing.
      expect(await sendPrivileged(popup, 'grants.revoke', { origin: otherOrigin })).toMatchObject({ ok: true });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await stale.evaluate(() => (window as any).__heard, undefined)).toEqual([]);
    });

    if (b.otherHost === 'localhost') {
      it('another port of an allowed host gets the provider (no ports in patterns) and is refused', async () => {
        const page = await driver.openPage(other.origin);
        expect(await findProvider(page)).toEqual(FOUND);
        expect(await request(page, 'atproto_accounts')).toMatchObject({
          ok: false,
          error: { code: 4100, data: { reason: 'site-not-allowed' } },
        });
      });
    }

    it('an allowed site connects and makes a call', async () => {
      const page = await driver.openPage(allowed.origin);
      expect(await findProvider(page)).toEqual(FOUND);
      const consentWindow = driver.nextWindow(isConsentWindow);
      const connecting = request(page, 'atproto_connect', { scope: 'atproto' });
      await (await consentWindow).clickAndClose({ testId: 'consent-approve' });
      expect(await connecting).toMatchObject({ ok: true, result: { did: alice.did } });
      expect(
        await request(page, 'atproto_xrpc', { nsid: 'com.atproto.repo.describeRepo', params: { repo: alice.did } }),
      ).toMatchObject({ ok: true, result: { status: 200, body: { did: alice.did } } });
    });

    it('keeps the mode across a background stop', async () => {
      await driver.stopBackground();
      expect(await request(stale, 'atproto_accounts')).toMatchObject({
        ok: false,
        error: { code: 4100, data: { reason: 'site-not-allowed' } },
      });
      expect(await findProvider(await driver.openPage(otherOrigin))).toEqual(NONE);
      const page = await driver.openPage(allowed.origin);
      expect(await request(page, 'atproto_accounts')).toMatchObject({
        ok: true,
        result: [{ did: alice.did }],
      });
      await popup.reload();
      await modeShown('allowed');
    });

    it('switching back to all sites restores the provider on new page loads', async () => {
      await popup.click('[data-testid=site-access-all]');
      await modeShown('all');
      const page = await driver.openPage(otherOrigin);
      expect(await findProvider(page)).toEqual(FOUND);
      expect(await request(page, 'atproto_accounts')).toEqual({ ok: true, result: [] });
      expect(await request(stale, 'atproto_accounts')).toEqual({ ok: true, result: [] });
      expect(await stale.evaluate(() => (window as any).__heard, undefined)).toEqual([]);
    });
  });
}
