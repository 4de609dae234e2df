/**
 * What `wxt/browser` is in the relay's and the background's builds (wxt.config.ts): the browser's own
 * extension API instead of webextension-polyfill. Both browsers' MV3 APIs return promises natively, so the
 * polyfill only cost its evaluation (in every http(s) frame for the relay, at every wake for the worker).
 * The one thing it added, an onMessage listener answering by returning a promise, neither uses: they answer
 * with `sendResponse`. Firefox names the API `browser`, Chrome `chrome`.
 */
const scope = globalThis as unknown as { browser?: { runtime?: { id?: string } }; chrome?: unknown };
export const browser = (
  scope.browser?.runtime?.id ? scope.browser : scope.chrome
) as typeof import('wxt/browser').browser;
