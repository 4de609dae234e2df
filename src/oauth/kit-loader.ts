/** The OAuth kit's module, as its loader hands it over (see ./kit). */
export type OAuthKit = typeof import('./kit');

/** Loads the OAuth kit: in the background the script below, in tests the module itself. */
export type OAuthKitLoader = () => Promise<OAuthKit>;

/**
 * The kit's own script (entrypoints/oauth-kit.ts), an extension file no web page can load: it leaves the
 * module in this global of the background, and nothing else. A path, so it resolves in the background's
 * own origin, whether the background is a worker (Chromium) or a page (Firefox).
 */
export const OAUTH_KIT_SCRIPT = '/oauth-kit.js';
export const OAUTH_KIT_GLOBAL = '__atKeyringOAuthKit';

declare global {
  var __atKeyringOAuthKit: OAuthKit | undefined;
}

let loading: Promise<OAuthKit> | undefined;

/**
 * Loads the kit into the background, once per background life. A failed load is tried again on the
 * next need.
 */
export function loadOAuthKit(): Promise<OAuthKit> {
  loading ??= loadScript().catch((err) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

async function loadScript(): Promise<OAuthKit> {
  if (!globalThis[OAUTH_KIT_GLOBAL]) {
    if (typeof importScripts === 'function') importScripts(OAUTH_KIT_SCRIPT);
    else await appendScript(OAUTH_KIT_SCRIPT);
  }
  const kit = globalThis[OAUTH_KIT_GLOBAL];
  if (!kit) throw new Error('AT Keyring: the OAuth kit did not load');
  return kit;
}

/** Firefox: the background is an event page, which loads a script as any page does. */
function appendScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`AT Keyring: could not load ${src}`));
    document.head.append(script);
  });
}

/**
 * Chromium: a service worker may import a script after its start only if it imported that script while
 * installing (the worker keeps what it imported then, and a later import reads that copy, with no
 * network). So the kit is imported once at install; each later start loads it only when a call needs it.
 */
export function importOAuthKitAtInstall(): void {
  if (typeof importScripts !== 'function') return;
  self.addEventListener('install', () => importScripts(OAUTH_KIT_SCRIPT));
}
