import { readBoundedBody } from '../broker/bounded-body';
import type { PromptRecord } from '../storage/db';
import { detectFile } from './sniff';

/**
 * The site's icon in the consent window, taken so that nothing the site
 * chose can run or load in it: bytes only, raster formats only (recognised
 * from the bytes, never from a declared type, so an SVG never gets in),
 * size-capped, handed to the window as a data: URL this module builds. Where
 * they come from:
 * - the tab's favicon as the browser reported it with the request, only for
 *   a request from the tab's own site (a frame of another site gets no icon:
 *   the tab's would be another site's);
 * - a data: URL is decoded here; an https URL of the requesting origin itself
 *   is fetched by the background (no cookies, no referrer, no redirects,
 *   capped while reading); nothing else is fetched. Without host permissions
 *   the browser lets that fetch through only where the site allows it (CORS),
 *   so many sites get the window's letter badge instead.
 * Chrome's `_favicon` cache was not used: its `favicon` permission adds an
 * install warning, and Firefox has no equivalent.
 */

export const SITE_ICON_MAX_BYTES = 64 * 1024;
/** Longest favicon URL kept from the tab: a data: URL of SITE_ICON_MAX_BYTES, with room for its header. */
export const SITE_ICON_MAX_URL_CHARS = Math.ceil(SITE_ICON_MAX_BYTES / 3) * 4 + 256;
const PAGE_URL_MAX_CHARS = 2048;
export const SITE_ICON_TIMEOUT_MS = 2_000;

export const SITE_ICON_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/x-icon'] as const;
export type SiteIconType = (typeof SITE_ICON_TYPES)[number];

/** An accepted icon: its type, as its bytes say, and the bytes in base64. */
export interface SiteIcon {
  type: SiteIconType;
  base64: string;
}

/** The tab's icon, as the browser reported it when the request came. */
export interface TabIconRef {
  /** The tab's page (without its fragment). */
  pageUrl: string;
  favIconUrl?: string;
}

/**
 * What to keep of the sender's tab for its icon: only when the tab shows the
 * requesting origin's own page, and only URLs of bounded length.
 */
export function tabIconRef(
  tab: { url?: string; favIconUrl?: string } | undefined,
  origin: string,
): TabIconRef | undefined {
  if (!tab?.url) return undefined;
  let page: URL;
  try {
    page = new URL(tab.url);
  } catch {
    return undefined;
  }
  if (page.origin !== origin) return undefined;
  page.hash = '';
  const ref: TabIconRef = { pageUrl: page.href.length <= PAGE_URL_MAX_CHARS ? page.href : `${origin}/` };
  const icon = tab.favIconUrl;
  if (typeof icon === 'string' && icon.length > 0 && icon.length <= SITE_ICON_MAX_URL_CHARS) ref.favIconUrl = icon;
  return ref;
}

/** The raster format the bytes are in, from their first bytes; null for anything else (SVG, HTML, …). */
export function sniffImage(bytes: Uint8Array): SiteIconType | null {
  const detected = detectFile(bytes);
  if (detected.kind === 'raster' && detected.type !== 'image/avif') return detected.type;
  // An icon directory (type 1) with at least one image; cursors (type 2) are not icons.
  const ico = [0x00, 0x00, 0x01, 0x00].every((b, i) => bytes[i] === b);
  if (ico && bytes.length >= 6 && (bytes[4] > 0 || bytes[5] > 0)) return 'image/x-icon';
  return null;
}

/** Accepts bytes as an icon: within the size cap, of a raster format. */
export function acceptIconBytes(bytes: Uint8Array, maxBytes = SITE_ICON_MAX_BYTES): SiteIcon | null {
  if (bytes.length === 0 || bytes.length > maxBytes) return null;
  const type = sniffImage(bytes);
  return type ? { type, base64: toBase64(bytes) } : null;
}

/** The bytes of a data: URL (base64 or percent-encoded); null when malformed. The declared type is ignored. */
export function decodeDataUrl(url: string): Uint8Array | null {
  const comma = url.indexOf(',');
  if (!/^data:/i.test(url) || comma < 0) return null;
  const meta = url.slice(5, comma);
  const data = url.slice(comma + 1);
  if (/;base64$/i.test(meta)) {
    try {
      const binary = atob(percentDecode(data).replace(/[\s]/g, ''));
      return Uint8Array.from(binary, (c) => c.charCodeAt(0));
    } catch {
      return null;
    }
  }
  return percentDecodeBytes(data);
}

/** Where a tab's favicon URL may be read from, for a site: decoded, fetched, or not at all. */
export type IconLocation = { kind: 'data'; url: string } | { kind: 'fetch'; url: string } | { kind: 'none' };

export function iconLocation(favIconUrl: string | undefined, siteOrigin: string): IconLocation {
  if (!favIconUrl) return { kind: 'none' };
  if (/^data:/i.test(favIconUrl)) return { kind: 'data', url: favIconUrl };
  let url: URL;
  try {
    url = new URL(favIconUrl);
  } catch {
    return { kind: 'none' };
  }
  // Only the site's own https address: no plain http, no other host, no credentials in the URL.
  if (url.protocol !== 'https:' || url.origin !== siteOrigin || url.username || url.password) return { kind: 'none' };
  return { kind: 'fetch', url: url.href };
}

export interface SiteIconOptions {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  maxBytes?: number;
  timeoutMs?: number;
}

/** Finds a prompt's site icon, by the rules above; null when there is none to show. */
export class SiteIcons {
  constructor(private readonly options: SiteIconOptions) {}

  async forPrompt(prompt: Pick<PromptRecord, 'origin' | 'topOrigin' | 'tabIcon'>): Promise<SiteIcon | null> {
    if (prompt.topOrigin || !prompt.tabIcon) return null;
    const maxBytes = this.options.maxBytes ?? SITE_ICON_MAX_BYTES;
    const location = iconLocation(prompt.tabIcon.favIconUrl, prompt.origin);
    if (location.kind === 'data') {
      const bytes = decodeDataUrl(location.url);
      return bytes ? acceptIconBytes(bytes, maxBytes) : null;
    }
    if (location.kind === 'none') return null;
    try {
      const response = await this.options.fetch(location.url, {
        credentials: 'omit',
        redirect: 'error',
        referrerPolicy: 'no-referrer',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? SITE_ICON_TIMEOUT_MS),
      });
      if (!response.ok) {
        await response.body?.cancel().catch(() => {});
        return null;
      }
      const bytes = await readBoundedBody(response, maxBytes);
      return bytes ? acceptIconBytes(bytes, maxBytes) : null;
    } catch {
      return null; // unreachable, refused (CORS), too slow: the letter badge stands in
    }
  }
}

/** The data: URL the window shows for an icon, rebuilt and re-checked on the window's side too. */
export function iconDataUrl(icon: SiteIcon | null | undefined): string | null {
  if (!icon || !(SITE_ICON_TYPES as readonly string[]).includes(icon.type)) return null;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(icon.base64) || icon.base64.length > SITE_ICON_MAX_URL_CHARS) return null;
  return `data:${icon.type};base64,${icon.base64}`;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function percentDecode(text: string): string {
  return text.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** Percent-decodes to bytes: %XX is that byte, other characters their UTF-8. */
function percentDecodeBytes(text: string): Uint8Array {
  const out: number[] = [];
  const utf8 = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const hex = text[i] === '%' ? text.slice(i + 1, i + 3) : '';
    if (/^[0-9a-f]{2}$/i.test(hex)) {
      out.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      const codePoint = text.codePointAt(i)!;
      const char = String.fromCodePoint(codePoint);
      out.push(...utf8.encode(char));
      i += char.length - 1;
    }
  }
  return Uint8Array.from(out);
}
