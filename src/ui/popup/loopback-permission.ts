import { browser } from 'wxt/browser';

/**
 * The loopback client (an empty client id) catches its redirect with webNavigation, which a release build
 * lists as optional: ask for it here. Call it first thing in a click or submit handler (the browser wants a
 * user gesture). Resolves false when the user refused; true at once when nothing needs asking.
 */
export function ensureLoopbackPermission(clientId: string | undefined): Promise<boolean> {
  if (clientId !== '') return Promise.resolve(true);
  const optional = (browser.runtime.getManifest().optional_permissions ?? []) as string[];
  if (!optional.includes('webNavigation')) return Promise.resolve(true);
  return browser.permissions.request({ permissions: ['webNavigation'] });
}
