import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

// See https://wxt.dev/api/config.html
export default defineConfig({
  // MV3 everywhere; in Firefox the background runs as an event page.
  manifestVersion: 3,
  vite: () => ({ plugins: [preact()] }),
  manifest: ({ browser }) => ({
    name: 'AT Keyring',
    description:
      'A wallet for ATProto accounts: sign in once, let sites act for you with your consent, never share a token.',
    permissions: [
      'alarms', // periodic sweep of abandoned sign-ins and stale caches
      'identity', // launchWebAuthFlow for the hosted client identity
      'webNavigation', // catches the loopback client's OAuth redirect
      'storage', // session storage: which tabs to send site events to
    ],
    action: { default_title: 'AT Keyring' },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'keyring@atkeyring.dev',
              strict_min_version: '142.0',
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {}),
  }),
});
