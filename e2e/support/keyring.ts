import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page, Worker } from 'playwright-core';
import { expect } from 'vitest';
import { DB_NAME } from '../../src/storage/db';
import { type ExtensionBrowser, launchWithExtension } from './chromium';
import { clickAndClose } from './driver';
import { PDS_BUTTONS, PDS_PASSWORD_INPUT } from './pds-pages';
import type { PdsInfo } from './pds-process';
import { sendPrivileged } from './privileged';
import { connectApproved } from './site';

type Account = PdsInfo['accounts']['alice'];

/** Points the extension at the local network through the popup's privileged channel. */
export async function configureNetwork(popup: Page, pds: PdsInfo) {
  const response = await sendPrivileged(popup, 'settings.update', {
    settings: { handleResolver: pds.pdsUrl, plcDirectoryUrl: pds.plcUrl, allowHttp: true, clientId: '' },
  });
  expect(response).toMatchObject({ ok: true });
}

/**
 * Signs in from the popup like a person: types the handle, then uses the
 * PDS's own sign-in and consent pages in the window the extension opens.
 */
export async function signIn(
  browser: ExtensionBrowser,
  popup: Page,
  account: Account,
  decision: 'authorize' | 'deny' = 'authorize',
) {
  await popup.getByTestId('login-input').fill(account.handle);
  const authPagePromise = browser.context.waitForEvent('page');
  await popup.getByTestId('login-submit').click();
  const auth = await authPagePromise;
  await auth.locator(PDS_PASSWORD_INPUT).fill(account.password);
  await auth.getByRole('button', { name: PDS_BUTTONS.signIn }).click();
  // The extension catches the redirect and closes the window itself.
  await clickAndClose(auth, { button: decision === 'authorize' ? PDS_BUTTONS.authorize : PDS_BUTTONS.deny });
}

/**
 * The PDS's own pages after a sign-in was started: its sign-in page (unless it remembers the device and goes
 * straight to consent), then Authorize; the extension closes the window when the redirect comes.
 */
export async function finishPdsSignIn(auth: Page, account: Account) {
  const password = auth.locator(PDS_PASSWORD_INPUT);
  const authorize = auth.getByRole('button', { name: PDS_BUTTONS.authorize, exact: true });
  await password.or(authorize).first().waitFor({ timeout: 15_000 });
  if (await password.isVisible()) {
    await password.fill(account.password);
    await auth.getByRole('button', { name: PDS_BUTTONS.signIn }).click();
  }
  await clickAndClose(auth, { button: PDS_BUTTONS.authorize });
}

export function accountCard(popup: Page, did: string) {
  return popup.locator(`[data-testid=account][data-did="${did}"]`);
}

/** Reads an account's stored OAuth session inside the background (test-only inspection). */
export async function readStoredSession(sw: Worker, did: string) {
  return sw.evaluate(
    async ({ did, dbName }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(dbName);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const row = await new Promise<any>((resolve, reject) => {
        const req = db.transaction('oauthSession').objectStore('oauthSession').get(did);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      db.close();
      if (!row) return null;
      // Keep the live key pair in the worker for later DPoP calls by the test.
      (globalThis as any).__testSessions ??= {};
      (globalThis as any).__testSessions[did] = row.value;
      const { tokenSet, dpopKey } = row.value;
      return {
        accessToken: tokenSet.access_token as string,
        refreshToken: tokenSet.refresh_token as string | undefined,
        aud: tokenSet.aud as string,
        iss: tokenSet.iss as string,
        privateKeyExtractable: (dpopKey.keyPair as CryptoKeyPair).privateKey.extractable,
      };
    },
    { did, dbName: DB_NAME },
  );
}

/**
 * Makes a DPoP-bound request with the token and key the test saved earlier
 * via readStoredSession, bypassing the extension, to see what the PDS itself
 * says. `form` sends an urlencoded POST (e.g. to the revocation endpoint);
 * otherwise it is a GET carrying the access token.
 */
export async function requestWithSavedSession(
  sw: Worker,
  did: string,
  target: { url: string; form?: Record<string, string> },
): Promise<{ status: number; body: any }> {
  return sw.evaluate(
    async ({ did, url, form }) => {
      const saved = (globalThis as any).__testSessions?.[did];
      if (!saved) throw new Error(`no saved session for ${did}`);
      const b64url = (bytes: ArrayBuffer | Uint8Array) =>
        btoa(String.fromCharCode(...new Uint8Array(bytes)))
          .replace(/\+/g, '-')
          .replace(/\//g, '_')
          .replace(/=+$/, '');
      const enc = new TextEncoder();
      const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', saved.dpopKey.keyPair.publicKey);
      const method = form ? 'POST' : 'GET';
      const ath = form
        ? undefined
        : b64url(await crypto.subtle.digest('SHA-256', enc.encode(saved.tokenSet.access_token)));
      const proof = async (nonce?: string) => {
        const header = b64url(enc.encode(JSON.stringify({ alg: 'ES256', typ: 'dpop+jwt', jwk: { kty, crv, x, y } })));
        const payload = b64url(
          enc.encode(
            JSON.stringify({
              jti: crypto.randomUUID(),
              htm: method,
              htu: url,
              iat: Math.floor(Date.now() / 1000),
              ath,
              nonce,
            }),
          ),
        );
        const sig = await crypto.subtle.sign(
          { name: 'ECDSA', hash: 'SHA-256' },
          saved.dpopKey.keyPair.privateKey,
          enc.encode(`${header}.${payload}`),
        );
        return `${header}.${payload}.${b64url(sig)}`;
      };
      const call = async (nonce?: string) =>
        fetch(url, {
          method,
          headers: form
            ? { dpop: await proof(nonce) }
            : { authorization: `DPoP ${saved.tokenSet.access_token}`, dpop: await proof(nonce) },
          body: form ? new URLSearchParams(form) : undefined,
        });
      let res = await call();
      const nonce = res.headers.get('dpop-nonce');
      if ((res.status === 401 || res.status === 400) && nonce) res = await call(nonce);
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    { did, ...target },
  );
}

/** com.atproto.server.getSession with the saved token (see requestWithSavedSession). */
export async function getSessionWithSavedToken(sw: Worker, did: string, pdsUrl: string) {
  return requestWithSavedSession(sw, did, { url: `${pdsUrl}/xrpc/com.atproto.server.getSession` });
}

/**
 * A fresh browser profile with the extension, pointed at the local network,
 * with `account` signed in through the PDS's pages. `close` ends the browser
 * and deletes the profile.
 */
export async function launchSignedIn(
  extensionPath: string,
  pds: PdsInfo,
  account: Account,
  extraArgs: string[] = [],
  env: Record<string, string> = {},
): Promise<{ browser: ExtensionBrowser; popup: Page; close(): Promise<void> }> {
  const profileDir = await mkdtemp(path.join(os.tmpdir(), 'at-keyring-profile-'));
  const browser = await launchWithExtension(extensionPath, profileDir, extraArgs, [], env);
  const popup = await browser.openPopup();
  await configureNetwork(popup, pds);
  await signIn(browser, popup, account);
  return {
    browser,
    popup,
    close: async () => {
      await browser.close();
      await rm(profileDir, { recursive: true, force: true });
    },
  };
}

/**
 * launchSignedIn, then a tab on `origin` connected with `scope` (approved in the consent window); the
 * popup is closed, so the next window to open is the site's.
 */
export async function launchConnected(
  extensionPath: string,
  pds: PdsInfo,
  account: Account,
  origin: string,
  scope: string,
): Promise<{ browser: ExtensionBrowser; page: Page; close(): Promise<void> }> {
  const signedIn = await launchSignedIn(extensionPath, pds, account);
  await signedIn.popup.close();
  const page = await signedIn.browser.context.newPage();
  await page.goto(origin);
  expect(await connectApproved(signedIn.browser.context, page, { scope })).toMatchObject({ ok: true });
  return { browser: signedIn.browser, page, close: signedIn.close };
}
