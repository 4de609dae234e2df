import { describe, expect, it, vi } from 'vitest';
import {
  acceptIconBytes,
  decodeDataUrl,
  iconDataUrl,
  iconLocation,
  SITE_ICON_MAX_BYTES,
  SITE_ICON_MAX_URL_CHARS,
  SiteIcons,
  sniffImage,
  tabIconRef,
} from './site-icon';

const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (value: string) => new TextEncoder().encode(value);
const PNG = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52);
const base64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const SVG = '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://tracker.example/p.png"/></svg>';
const SITE = 'https://site.example';

describe('which bytes are an icon', () => {
  it('recognises raster formats by their first bytes', () => {
    expect(sniffImage(PNG)).toBe('image/png');
    expect(sniffImage(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    expect(sniffImage(text('GIF89a…'))).toBe('image/gif');
    expect(sniffImage(text('GIF87a…'))).toBe('image/gif');
    expect(sniffImage(text('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffImage(bytes(0, 0, 1, 0, 1, 0, 16, 16))).toBe('image/x-icon');
  });

  it('refuses SVG, markup, cursors, empty icon directories and anything else', () => {
    for (const refused of [
      text(SVG),
      text(`<?xml version="1.0"?>${SVG}`),
      text(`\uFEFF${SVG}`),
      text('  <svg/>'),
      text('<!doctype html><img src=x onerror=alert(1)>'),
      bytes(0, 0, 2, 0, 1, 0), // a cursor
      bytes(0, 0, 1, 0, 0, 0), // an icon directory with no image
      bytes(0x89, 0x50, 0x4e, 0x47), // a PNG signature cut short
      bytes(),
      text('RIFF\0\0\0\0WAVE'),
    ]) {
      expect(sniffImage(refused)).toBeNull();
      expect(acceptIconBytes(refused)).toBeNull();
    }
  });

  it('caps the size', () => {
    const big = new Uint8Array(SITE_ICON_MAX_BYTES + 1);
    big.set(PNG);
    expect(acceptIconBytes(big)).toBeNull();
    expect(acceptIconBytes(big.subarray(0, SITE_ICON_MAX_BYTES))).toMatchObject({ type: 'image/png' });
    expect(acceptIconBytes(PNG)).toEqual({ type: 'image/png', base64: base64(PNG) });
  });
});

describe('data: URLs', () => {
  it('decodes base64 (percent-encoded too) and percent-encoded bytes, ignoring the declared type', () => {
    expect(decodeDataUrl(`data:image/png;base64,${base64(PNG)}`)).toEqual(PNG);
    expect(decodeDataUrl(`DATA:image/png;BASE64,${base64(PNG).replaceAll('+', '%2B').replaceAll('/', '%2F')}`)).toEqual(
      PNG,
    );
    expect(decodeDataUrl('data:,%89PNG%0D%0A')).toEqual(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a));
    expect(decodeDataUrl(`data:image/svg+xml,${encodeURIComponent(SVG)}`)).toEqual(text(SVG));
  });
  it('gives null for what is not a data: URL or not base64', () => {
    expect(decodeDataUrl('data:image/png;base64')).toBeNull();
    expect(decodeDataUrl('data:image/png;base64,!!!!')).toBeNull();
    expect(decodeDataUrl('https://site.example/x,y')).toBeNull();
  });
});

describe('where an icon may be read from', () => {
  it('decodes data: URLs, fetches only https addresses of the site itself', () => {
    expect(iconLocation('data:image/png;base64,AAAA', SITE)).toEqual({
      kind: 'data',
      url: 'data:image/png;base64,AAAA',
    });
    expect(iconLocation('https://site.example/favicon.ico', SITE)).toEqual({
      kind: 'fetch',
      url: 'https://site.example/favicon.ico',
    });
    expect(iconLocation('HTTPS://SITE.EXAMPLE/favicon.ico', SITE).kind).toBe('fetch');
    for (const elsewhere of [
      'https://cdn.example/favicon.ico',
      'https://site.example.evil.example/favicon.ico',
      'https://site.example:8443/favicon.ico',
      'http://site.example/favicon.ico',
      'https://user:pass@site.example/favicon.ico',
      'blob:https://site.example/0b6f4c1e',
      'javascript:alert(1)',
      'chrome://favicon/https://site.example/',
      'not a url',
      '',
      undefined,
    ]) {
      expect(iconLocation(elsewhere, SITE), String(elsewhere)).toEqual({ kind: 'none' });
    }
    // A plain-http development site gets no fetch either (only data: icons).
    expect(iconLocation('http://127.0.0.1:5173/favicon.ico', 'http://127.0.0.1:5173')).toEqual({ kind: 'none' });
  });

  it('keeps the tab’s icon only when the tab shows the asking site, within bounded lengths', () => {
    expect(tabIconRef({ url: 'https://site.example/a?b#c', favIconUrl: 'data:,x' }, SITE)).toEqual({
      pageUrl: 'https://site.example/a?b',
      favIconUrl: 'data:,x',
    });
    expect(tabIconRef({ url: 'https://other.example/', favIconUrl: 'data:,x' }, SITE)).toBeUndefined();
    expect(tabIconRef({ favIconUrl: 'data:,x' }, SITE)).toBeUndefined();
    expect(tabIconRef(undefined, SITE)).toBeUndefined();
    const huge = `data:image/png;base64,${'A'.repeat(SITE_ICON_MAX_URL_CHARS)}`;
    expect(tabIconRef({ url: 'https://site.example/', favIconUrl: huge }, SITE)).toEqual({
      pageUrl: 'https://site.example/',
    });
    expect(tabIconRef({ url: `https://site.example/${'p'.repeat(3000)}` }, SITE)).toEqual({
      pageUrl: 'https://site.example/',
    });
  });
});

describe('SiteIcons', () => {
  const prompt = (favIconUrl?: string, over: { topOrigin?: string } = {}) => ({
    origin: SITE,
    tabIcon: { pageUrl: `${SITE}/`, ...(favIconUrl ? { favIconUrl } : {}) },
    ...over,
  });
  const never = vi.fn(async (): Promise<Response> => {
    throw new Error('must not fetch');
  });

  it('takes a raster data: icon, refuses an SVG or oversized one, fetching nothing', async () => {
    const icons = new SiteIcons({ fetch: never });
    expect(await icons.forPrompt(prompt(`data:image/png;base64,${base64(PNG)}`))).toEqual({
      type: 'image/png',
      base64: base64(PNG),
    });
    expect(await icons.forPrompt(prompt(`data:image/svg+xml,${encodeURIComponent(SVG)}`))).toBeNull();
    expect(await icons.forPrompt(prompt(`data:image/png;base64,${base64(text(SVG))}`))).toBeNull();
    const big = new Uint8Array(SITE_ICON_MAX_BYTES + 10);
    big.set(PNG);
    expect(await icons.forPrompt(prompt(`data:image/png;base64,${base64(big)}`))).toBeNull();
    expect(never).not.toHaveBeenCalled();
  });

  it('gives no icon to a frame of another site, or without the tab’s', async () => {
    const icons = new SiteIcons({ fetch: never });
    const png = `data:image/png;base64,${base64(PNG)}`;
    expect(await icons.forPrompt(prompt(png, { topOrigin: 'https://top.example' }))).toBeNull();
    expect(await icons.forPrompt({ origin: SITE })).toBeNull();
    expect(await icons.forPrompt(prompt())).toBeNull();
  });

  it('fetches the site’s own https icon without cookies, referrer or redirects, and judges its bytes', async () => {
    const calls: Array<[string, RequestInit]> = [];
    let body: Uint8Array<ArrayBuffer> = PNG;
    let status = 200;
    const icons = new SiteIcons({
      fetch: async (url, init) => {
        calls.push([url, init]);
        return new Response(body, { status, headers: { 'content-type': 'image/png' } });
      },
    });
    expect(await icons.forPrompt(prompt(`${SITE}/favicon.ico`))).toMatchObject({ type: 'image/png' });
    expect(calls[0][0]).toBe(`${SITE}/favicon.ico`);
    expect(calls[0][1]).toMatchObject({ credentials: 'omit', redirect: 'error', referrerPolicy: 'no-referrer' });
    expect(calls[0][1].signal).toBeInstanceOf(AbortSignal);
    body = text(SVG); // served as image/png: the bytes decide
    expect(await icons.forPrompt(prompt(`${SITE}/favicon.ico`))).toBeNull();
    body = PNG;
    status = 404;
    expect(await icons.forPrompt(prompt(`${SITE}/favicon.ico`))).toBeNull();
    // Another host's icon is never fetched.
    expect(await icons.forPrompt(prompt('https://tracker.example/favicon.ico'))).toBeNull();
    expect(calls).toHaveLength(3);
  });

  it('gives up on a slow or failing fetch', async () => {
    const slow = new SiteIcons({
      timeoutMs: 20,
      fetch: (_url, init) =>
        new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason))),
    });
    expect(await slow.forPrompt(prompt(`${SITE}/favicon.ico`))).toBeNull();
    const failing = new SiteIcons({
      fetch: async () => {
        throw new TypeError('Failed to fetch'); // e.g. no CORS header
      },
    });
    expect(await failing.forPrompt(prompt(`${SITE}/favicon.ico`))).toBeNull();
  });
});

describe('the data: URL the window shows', () => {
  it('is rebuilt from an accepted type and plain base64 only', () => {
    expect(iconDataUrl({ type: 'image/png', base64: 'iVBORw0KGgo=' })).toBe('data:image/png;base64,iVBORw0KGgo=');
    expect(iconDataUrl({ type: 'image/svg+xml' as never, base64: 'PHN2Zz4=' })).toBeNull();
    expect(iconDataUrl({ type: 'image/png', base64: 'AAAA");background:url(https://x.example/' })).toBeNull();
    expect(iconDataUrl({ type: 'image/png', base64: '' })).toBeNull();
    expect(iconDataUrl(null)).toBeNull();
  });
});
