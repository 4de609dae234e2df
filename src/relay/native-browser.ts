/**
 * What `wxt/browser` is in the relay's build (wxt.config.ts): the browser's own extension API instead of
 * webextension-polyfill. The relay talks to the runtime through runtime-port.ts; WXT's content-script
 * wrapper reads only `browser.runtime.id` (to notice the extension was reloaded).
 */
const scope = globalThis as unknown as { browser?: { runtime?: { id?: string } }; chrome?: unknown };
export const browser = (
  scope.browser?.runtime?.id ? scope.browser : scope.chrome
) as typeof import('wxt/browser').browser;
