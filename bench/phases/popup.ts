import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { type ExtensionBrowser, launchWithExtension } from '../../e2e/support/chromium';
import { finishPdsSignIn } from '../../e2e/support/keyring';
import type { PdsInfo } from '../../e2e/support/pds-process';
import { sendPrivileged } from '../../e2e/support/privileged';
import { DEFAULT_RESULTS_PATH, EXTENSION_DIR } from '../config';
import { inKeyringDb } from '../lib/keyring-db';
import { ratioRow, SUMMARY_HEADER, type Summary, summarize, summaryRatios, summaryRow } from '../lib/stats';
import type { BenchPhase } from './phase';

/** The popup with many accounts and sites may take this many times an empty popup's opening. */
export const POPUP_TARGET_RATIO = 1.5;
/** Accounts signed in (test accounts on the local PDS) and sites connected, for the full popup. */
export const POPUP_ACCOUNTS = 10;
export const POPUP_SITES = 20;
/** Where the full popup's screenshot goes, beside results.json. */
const SCREENSHOT = path.join(path.dirname(process.env.BENCH_OUT ?? DEFAULT_RESULTS_PATH), 'popup-10-accounts.png');

/**
 * Counts as open once its accounts and its sites (or the lines saying there are none) are both in the
 * document, and a frame was drawn after.
 */
const PROBE = `(() => {
  if (location.protocol !== 'chrome-extension:' || location.pathname !== '/popup.html') return;
  const ready = () =>
    document.querySelector('[data-testid="account"], [data-testid="no-accounts"]') &&
    document.querySelector('[data-testid="sites"], [data-testid="no-sites"]');
  const observer = new MutationObserver(() => {
    if (!ready()) return;
    observer.disconnect();
    requestAnimationFrame(() => requestAnimationFrame(() => { window.__benchPopupAt = performance.now(); }));
  });
  observer.observe(document, { childList: true, subtree: true });
})();`;

type PdsAccount = PdsInfo['accounts']['alice'];

export interface PopupFigures {
  opens: number;
  accounts: number;
  sites: number;
  empty: Summary;
  full: Summary;
  ratio: { p50: number; p95: number; mean: number };
  targetRatio: number;
  met: boolean;
  screenshot: string;
}

async function openTimed(browser: ExtensionBrowser): Promise<{ ms: number; page: Page }> {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/popup.html`);
  const at = await page.waitForFunction(() => (window as { __benchPopupAt?: number }).__benchPopupAt, null, {
    timeout: 15_000,
  });
  return { ms: (await at.jsonValue()) as number, page };
}

/** Test accounts created on the local PDS for this run. */
async function createAccounts(pdsUrl: string, count: number) {
  const stamp = Date.now().toString(36);
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const account = {
        handle: `bench${i}${stamp}.test`,
        email: `bench${i}${stamp}@test.com`,
        password: `bench-${stamp}`,
      };
      const res = await fetch(`${pdsUrl}/xrpc/com.atproto.server.createAccount`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(account),
      });
      const body = (await res.json()) as { did?: string; message?: string };
      if (!res.ok || !body.did) throw new Error(`createAccount ${account.handle}: ${res.status} ${body.message ?? ''}`);
      return { ...account, did: body.did };
    }),
  );
}

/** Signs an account in through the popup and the PDS's own pages, as a person does. */
async function signInThroughPopup(browser: ExtensionBrowser, popup: Page, account: PdsAccount) {
  await popup.getByTestId('login-input').fill(account.handle);
  const opened = browser.context.waitForEvent('page');
  await popup.getByTestId('login-submit').click();
  await finishPdsSignIn(await opened, account);
  await popup.locator(`[data-testid=account][data-did="${account.did}"]`).waitFor({ timeout: 15_000 });
}

/**
 * Section 7c: the popup with 10 accounts and 20 connected sites against an empty popup (a second browser with
 * a fresh profile, the same build), opened as tabs, interleaved, in one run; a screenshot of the full one.
 * The accounts beyond the bench's own are test accounts created on the local PDS and signed in through the
 * popup and the PDS's pages; the sites' grants are stored as the broker stores them (20 sites would need 20
 * consent windows to no purpose). All are removed afterwards (grants deleted, accounts signed out).
 */
export const popup: BenchPhase<PopupFigures> = {
  id: 'popup',
  section: '7c',
  resultKey: 'popupManyAccounts',
  label: (config) => `popup with ${POPUP_ACCOUNTS} accounts and ${POPUP_SITES} sites (${config.pageOpens} opens each)`,
  async run(ctx) {
    const opens = ctx.config.pageOpens;
    await ctx.browser.context.addInitScript(PROBE);
    const emptyDir = await mkdtemp(path.join(os.tmpdir(), 'at-keyring-bench-empty-'));
    const empty = await launchWithExtension(EXTENSION_DIR, emptyDir);
    const admin = await ctx.browser.context.newPage();
    await admin.goto(`chrome-extension://${ctx.browser.extensionId}/popup.html`);
    let seeded: { dids: string[]; origins: string[] } | undefined;
    try {
      await empty.context.addInitScript(PROBE);
      const existing = await admin.evaluate(async () => {
        const chrome = (globalThis as unknown as { chrome: any }).chrome;
        return (await chrome.runtime.sendMessage({ op: 'accounts.list' })).result.accounts as { did: string }[];
      });
      const extra = await createAccounts(ctx.pds.pdsUrl, POPUP_ACCOUNTS - existing.length);
      for (const account of extra) await signInThroughPopup(ctx.browser, admin, account);
      const dids = [...existing.map((a) => a.did), ...extra.map((a) => a.did)];
      const origins = Array.from({ length: POPUP_SITES }, (_, i) => `https://site-${i}.bench.example`);
      const grants = origins.map((origin, i) => ({
        origin,
        did: dids[i % dids.length],
        scope: 'atproto repo:app.bsky.feed.post?action=create repo:app.bsky.feed.like?action=create',
        createdAt: Date.now(),
        selectedAt: Date.now(),
      }));
      seeded = { dids: extra.map((a) => a.did), origins };
      await inKeyringDb(admin, writeGrants, grants);

      const emptyTimes: number[] = [];
      const fullTimes: number[] = [];
      // One untimed opening of each first (their files load cold).
      await (await openTimed(empty)).page.close();
      await (await openTimed(ctx.browser)).page.close();
      for (let i = 0; i < opens; i++) {
        const e = await openTimed(empty);
        emptyTimes.push(e.ms);
        await e.page.close();
        const f = await openTimed(ctx.browser);
        fullTimes.push(f.ms);
        if (i === opens - 1) {
          const count = await f.page.getByTestId('account').count();
          if (count !== POPUP_ACCOUNTS) throw new Error(`the popup shows ${count} accounts, not ${POPUP_ACCOUNTS}`);
          await f.page.setViewportSize({ width: 380, height: 900 });
          await f.page.screenshot({ path: SCREENSHOT, fullPage: true });
        }
        await f.page.close();
      }
      const es = summarize(emptyTimes);
      const fs = summarize(fullTimes);
      const ratio = summaryRatios(fs, es);
      const figures: PopupFigures = {
        opens,
        accounts: POPUP_ACCOUNTS,
        sites: POPUP_SITES,
        empty: es,
        full: fs,
        ratio,
        targetRatio: POPUP_TARGET_RATIO,
        met: ratio.p50 <= POPUP_TARGET_RATIO,
        screenshot: SCREENSHOT,
      };
      return {
        figures,
        table: {
          title: `Popup: ${POPUP_ACCOUNTS} accounts and ${POPUP_SITES} sites vs an empty popup (a fresh profile), ${opens} opens each, interleaved — ms from navigation to the first frame with the accounts and the sites`,
          header: SUMMARY_HEADER,
          rows: [
            summaryRow('empty popup (no account)', es),
            summaryRow(`popup, ${POPUP_ACCOUNTS} accounts, ${POPUP_SITES} sites`, fs),
            ratioRow('ratio full / empty', ratio),
          ],
          notes: [
            `target: full p50 ≤ ${POPUP_TARGET_RATIO} × empty p50 — ${figures.met ? 'MET' : 'MISSED'} (${ratio.p50})`,
            `screenshot of the full popup: ${SCREENSHOT}`,
          ],
        },
      };
    } finally {
      if (seeded) {
        await inKeyringDb(admin, removeGrants, seeded.origins).catch(() => {});
        for (const did of seeded.dids) await sendPrivileged(admin, 'accounts.signOut', { did }).catch(() => {});
      }
      await admin.close();
      await empty.close();
      await rm(emptyDir, { recursive: true, force: true });
    }
  },
};

/** Stores grants as the keyring does (one transaction). */
const writeGrants = (db: IDBDatabase, grants: unknown[]) =>
  new Promise<void>((resolve, reject) => {
    const tx = db.transaction('grants', 'readwrite');
    for (const grant of grants) tx.objectStore('grants').put(grant);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });

const removeGrants = (db: IDBDatabase, origins: string[]) =>
  new Promise<void>((resolve, reject) => {
    const tx = db.transaction('grants', 'readwrite');
    const grants = tx.objectStore('grants');
    for (const origin of origins)
      grants.index('origin').openKeyCursor(IDBKeyRange.only(origin)).onsuccess = (e) => {
        const cursor = (e.target as IDBRequest<IDBCursor | null>).result;
        if (!cursor) return;
        grants.delete(cursor.primaryKey);
        cursor.continue();
      };
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
