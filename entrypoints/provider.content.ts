import { installProvider } from '@/src/provider/provider';

// Main world, at document_start, so sites find the provider before their own
// scripts run. Not web-accessible: pages cannot load it themselves.
export default defineContentScript({
  // Registered by the background (src/site-access/registration.ts), for every site or only the allowed ones;
  // WXT lists these matches as the manifest's host permissions, as the static scripts' matches were.
  matches: ['http://*/*', 'https://*/*'],
  registration: 'runtime',
  runAt: 'document_start',
  world: 'MAIN',
  allFrames: true,
  main() {
    installProvider(window);
  },
});
