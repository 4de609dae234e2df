import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';
import { recordLexicons } from './src/consent/record-lexicons.plugin.ts';
import { DEV_EXTENSION_KEY, FIREFOX_ADDON_ID } from './src/oauth/release-identity.ts';

const disposeSymbols = fileURLToPath(new URL('./src/oauth/dispose-symbols.ts', import.meta.url));
const nativeBrowser = fileURLToPath(new URL('./src/platform/native-browser.ts', import.meta.url));
const zodAbsent = fileURLToPath(new URL('./src/background/zod-absent.ts', import.meta.url));

// See https://wxt.dev/api/config.html
export default defineConfig({
  // MV3 everywhere; in Firefox the background runs as an event page.
  manifestVersion: 3,
  // recordLexicons: the lexicon documents the consent window validates records with (src/consent/).
  // The alias: core-js's polyfills of two symbols that the browsers have, replaced by a check (see the file).
  vite: () => ({
    plugins: [preact(), recordLexicons()],
    resolve: {
      alias: {
        'core-js/es/symbol/dispose.js': disposeSymbols,
        'core-js/es/symbol/async-dispose.js': disposeSymbols,
      },
    },
    // WXT_SOURCEMAP=1: source maps, to read which modules a bundle's bytes come from.
    ...(process.env.WXT_SOURCEMAP === '1' ? { build: { sourcemap: true } } : {}),
  }),
  // User-facing strings live in src/locales/<lang>.yml; the module writes _locales/<lang>/messages.json
  // and the typed `i18n` of '#i18n'. The polyfill module makes wxt/browser webextension-polyfill's promise-based
  // `browser` (in Firefox the native one, untouched).
  modules: ['@wxt-dev/i18n/module', '@wxt-dev/webextension-polyfill'],
  hooks: {
    // The relay (in every http(s) frame) and the background (evaluated at every wake) need no polyfill
    // (src/platform/native-browser.ts): their builds resolve wxt/browser to the native API, ahead of the
    // polyfill module's alias. The background's build also gets a stand-in for zod, which it loads but never
    // uses (src/background/zod-absent.ts).
    'vite:build:extendConfig'(entrypoints, config) {
      const names = new Set(entrypoints.map((e) => e.name));
      const first = [
        ...(names.has('relay') || names.has('background')
          ? [{ find: /^wxt\/browser$/, replacement: nativeBrowser }]
          : []),
        ...(names.has('background') ? [{ find: /^zod$/, replacement: zodAbsent }] : []),
      ];
      if (!first.length) return;
      const alias = config.resolve?.alias ?? [];
      const list = Array.isArray(alias)
        ? alias
        : Object.entries(alias).map(([find, replacement]) => ({ find, replacement }));
      config.resolve = { ...config.resolve, alias: [...first, ...list] };
    },
  },
  i18n: { localesDir: fileURLToPath(new URL('./src/locales', import.meta.url)) },
  // `npm run zip`: the store packages, and for Firefox the sources its reviewers rebuild (README, "Store
  // packages"): what the extension's build reads, without the tests, the demo and the tools.
  zip: { excludeSources: ['e2e/**', 'bench/**', 'demo-site/**', 'scripts/**', 'sdk/test/**'] },
  // `--mode release` (npm run zip) is the store build: it signs in as the hosted client by default, carries no
  // `key` (the store refuses one) and asks for webNavigation only when the user picks the loopback client.
  // Other builds (development, tests, the demo) use the loopback client and carry the development key.
  manifest: ({ browser, mode }) => ({
    default_locale: 'en',
    name: '__MSG_extension_name__',
    description: '__MSG_extension_description__',
    permissions: [
      'alarms', // periodic sweep of abandoned sign-ins and stale caches; the end of the toolbar badge's window
      'identity', // launchWebAuthFlow for the hosted client identity
      'storage', // session storage: which tabs to send site events to
      'notifications', // a notification per write of a site the user marked "notify" (src/activity/write-alerts.ts)
      ...(mode === 'release' ? [] : ['webNavigation']), // catches the loopback client's OAuth redirect
      'scripting', // registers the content scripts: every site, or only the sites the user allows
      'activeTab', // the popup's "Allow this site" reads the current tab's address when host access was withdrawn
    ],
    ...(mode === 'release' ? { optional_permissions: ['webNavigation'] } : {}),
    // Every site, as the content scripts' matches granted before (the same install warning); the content
    // scripts' `registration: 'runtime'` adds them too. Firefox lets "only sites I allow" give them up.
    host_permissions: ['http://*/*', 'https://*/*'],
    // Chromium 148+ carries extension messages as structured clones, as Firefox always has: an upload's bytes
    // cross to the background as they are, not as base64 in JSON. Older Chromium ignores the key; the relay
    // probes which it got (src/protocol/wire.ts).
    ...(browser === 'firefox' ? {} : { message_serialization: 'structured_clone' }),
    // A stable Chromium ID (so a known chromiumapp.org redirect URL) for unpacked builds.
    ...(mode !== 'release' && browser !== 'firefox' ? { key: DEV_EXTENSION_KEY } : {}),
    // The toolbar button's title (action.default_title) is set in entrypoints/popup/index.html: WXT takes it
    // from the popup page and would override one given here.
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: FIREFOX_ADDON_ID,
              strict_min_version: '142.0',
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {}),
  }),
});
