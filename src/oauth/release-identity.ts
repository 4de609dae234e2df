/**
 * Who the extension is, in one place: the hosted OAuth client a release build
 * signs in as, and the browser IDs its redirect URLs are made from. Read by
 * wxt.config.ts (manifest `key`, gecko id), the background (the release
 * default) and scripts/client-metadata.ts (the hosted document).
 */

/**
 * The hosted client-metadata document a release build uses by default. Its
 * content is docs/client-metadata.json (`npm run client-metadata` writes it),
 * published at this address with the project's site.
 */
export const RELEASE_CLIENT_ID = 'https://atkeyring.dev/oauth/client-metadata.json';

/**
 * The public key (base64 SPKI) development and test builds carry as the
 * manifest's `key`, so that Chromium gives them the same extension ID on
 * every machine and their chromiumapp.org redirect URL is known in advance.
 * Generated for this project (the private key was not kept: an unpacked
 * build needs only the public one); replace it with the store item's public
 * key after the first upload. Store packages are built without it.
 */
export const DEV_EXTENSION_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAotQjoaQW7agEcwbSqktZ3gZp6bGZTekwnmCrAIOjRiP6tFrH6+KY6BIIrnDMpD6brhwNiMjDoCtccLbAAAZ3pbcBZ0Oy//cZa/P+VcjwGcPz0vs/k7V9avGJwY0Folze2sFKG+AgdMFTqFiluK54gwowjcaGajbEHvTBR9gldYh+DlynINCwUI35/rtjtPe9lDTFKsNiKWxRo8ZTtTFdSVOdZHo1fVIhtNOsehEehpOtCfOWhPpSKH9gXf43Kxixo5QtsGXBYMw1l1vOQPu3136xs+CWvSgZpK3PgpAsdizQb8Ex49RBnBLoyq5N7gcsVLXFA38nR5NLxSP/8aeX/QIDAQAB';

/** The Firefox add-on id (browser_specific_settings.gecko.id): the same for every Firefox build. */
export const FIREFOX_ADDON_ID = 'keyring@atkeyring.dev';

/**
 * The Chrome Web Store item's ID, known after its first upload; until then
 * only the development key's ID exists. The hosted document lists the
 * redirect URL of each ID that exists.
 */
export const STORE_CHROME_EXTENSION_ID: string | undefined = undefined;

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** Chromium's extension ID for a manifest key: the first 128 bits of its SHA-256, hex digits written a–p. */
export async function chromeExtensionId(publicKeyBase64: string): Promise<string> {
  const der = Uint8Array.from(atob(publicKeyBase64), (c) => c.charCodeAt(0));
  const digest = hex(await crypto.subtle.digest('SHA-256', der)).slice(0, 32);
  return [...digest].map((digit) => String.fromCharCode(97 + Number.parseInt(digit, 16))).join('');
}

/** What `identity.getRedirectURL()` returns in Chrome for an extension ID. */
export function chromeRedirectUrl(extensionId: string): string {
  return `https://${extensionId}.chromiumapp.org/`;
}

/** What `identity.getRedirectURL()` returns in Firefox: the SHA-1 of the add-on id, under extensions.allizom.org. */
export async function firefoxRedirectUrl(addonId: string): Promise<string> {
  const digest = hex(await crypto.subtle.digest('SHA-1', new TextEncoder().encode(addonId)));
  return `https://${digest}.extensions.allizom.org/`;
}

/** The redirect URLs of every extension ID that exists: the hosted document lists them all. */
export async function releaseRedirectUris(): Promise<string[]> {
  const chromeIds = [await chromeExtensionId(DEV_EXTENSION_KEY), STORE_CHROME_EXTENSION_ID].filter(
    (id): id is string => id !== undefined,
  );
  return [...chromeIds.map(chromeRedirectUrl), await firefoxRedirectUrl(FIREFOX_ADDON_ID)];
}
