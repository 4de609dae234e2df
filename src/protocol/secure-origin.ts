/** Which origins may use AT Keyring at all: secure contexts (the page channel and the site-access list share it). */

export type OriginVerdict = { ok: true; origin: string } | { ok: false; message: string };

export const refuse = (message: string): OriginVerdict => ({ ok: false, message });
export const OPAQUE = 'AT Keyring does not work in sandboxed frames or other documents with an opaque ("null") origin';
export const NOT_WEB = 'Only http(s) web pages can use AT Keyring';
const INSECURE = 'AT Keyring only works on secure pages: https, or http on this computer (localhost, 127.0.0.1, [::1])';

/**
 * The host of a loopback http origin: 127.0.0.0/8, [::1], localhost and
 * *.localhost (what browsers treat as potentially trustworthy). The URL
 * parser has already normalised IPv4 forms such as 127.1 or 0x7f.1.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '[::1]') return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return !!v4 && v4.slice(1).every((n) => Number(n) <= 255) && v4[1] === '127';
}

/**
 * Whether a serialised origin may use the API: https, or http on loopback
 * (development). Everything else, opaque and non-web origins included, may not.
 */
export function checkSecureOrigin(origin: string): OriginVerdict {
  if (origin === 'null') return refuse(OPAQUE);
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return refuse(NOT_WEB);
  }
  // Only a canonical http(s) origin: no path, credentials or other schemes.
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== origin) return refuse(NOT_WEB);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return refuse(INSECURE);
  return { ok: true, origin };
}
