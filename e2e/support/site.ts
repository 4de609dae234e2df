import type { BrowserContext, Page } from 'playwright-core';
import { clickAndClose, type PageScope } from './driver';

export type RequestOutcome =
  | { ok: true; result: any }
  | { ok: false; error: { code: number; message: string; data?: any } };

/** Records every window message a page receives (replies and events included), for leak checks. */
export async function recordPageMessages(context: BrowserContext) {
  await context.addInitScript(() => {
    const received: unknown[] = [];
    (window as any).__received = received;
    window.addEventListener('message', (e) => received.push(e.data));
  });
}

/**
 * Calls window.atproto.request in the page and settles the answer into data; binary results come back
 * base64-encoded as { $b64 }.
 */
export async function request(page: PageScope, method: string, params?: unknown): Promise<RequestOutcome> {
  return page.evaluate(
    async ({ method, params }) => {
      const encode = (v: any): any => {
        if (v instanceof Uint8Array) return { $b64: btoa(String.fromCharCode(...v)) };
        if (Array.isArray(v)) return v.map(encode);
        if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
        return v;
      };
      const decode = (v: any): any => {
        if (v && typeof v === 'object' && typeof v.$u8 === 'string')
          return Uint8Array.from(atob(v.$u8), (c) => c.charCodeAt(0));
        if (v && typeof v === 'object' && typeof v.$file === 'string')
          return new File([Uint8Array.from(atob(v.$file), (c) => c.charCodeAt(0))], v.name, { type: v.type });
        if (Array.isArray(v)) return v.map(decode);
        if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
        return v;
      };
      try {
        const result = await (window as any).atproto.request({ method, params: decode(params) });
        return { ok: true as const, result: encode(result) };
      } catch (e: any) {
        return { ok: false as const, error: { code: e.code, message: e.message, data: e.data } };
      }
    },
    { method, params },
  );
}

/** Bytes to pass as a binary param through `request` (decoded to a Uint8Array in the page). */
export function bytesParam(bytes: Uint8Array) {
  return { $u8: Buffer.from(bytes).toString('base64') };
}

/** A File to pass as a param through `request` (made in the page, as an `<input type="file">` gives it). */
export function fileParam(bytes: Uint8Array, name: string, type: string) {
  return { $file: Buffer.from(bytes).toString('base64'), name, type };
}

/** Everything the page has received, as one string (binary as base64) to search for secrets. */
export async function receivedText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const encode = (v: any): any => {
      if (v instanceof Uint8Array) return btoa(String.fromCharCode(...v));
      if (v instanceof ArrayBuffer) return encode(new Uint8Array(v));
      if (Array.isArray(v)) return v.map(encode);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
      return v;
    };
    return JSON.stringify(encode((window as any).__received));
  });
}

/** Whether a window shows the extension's consent page. */
export const isConsentWindow = (url: string) => url.includes('/consent.html');

/** Waits for the consent window the extension opens. */
export function nextConsentWindow(context: BrowserContext): Promise<Page> {
  return context.waitForEvent('page', { predicate: (p) => isConsentWindow(p.url()), timeout: 15_000 });
}

/** Asks from `page` to connect and approves in the consent window; the page's answer. */
export async function connectApproved(
  context: BrowserContext,
  page: PageScope,
  params: { scope: string; account?: string },
): Promise<RequestOutcome> {
  const consent = nextConsentWindow(context);
  const connecting = request(page, 'atproto_connect', params);
  await clickAndClose(await consent, { testId: 'consent-approve' });
  return connecting;
}

/**
 * Asks from `page` and waits for the consent window and for its call preview (what the request will
 * do, looked up by the background) to be filled in.
 */
export async function askWithPreview(
  context: BrowserContext,
  page: PageScope,
  method: string,
  params: unknown,
): Promise<{ consent: Page; pending: Promise<RequestOutcome> }> {
  const consentPromise = nextConsentWindow(context);
  const pending = request(page, method, params);
  const consent = await consentPromise;
  await consent.waitForFunction(
    () =>
      document.querySelector('[data-testid=consent-call-content] [data-state]')?.getAttribute('data-state') === 'ready',
    undefined,
    { timeout: 15_000 },
  );
  return { consent, pending };
}
