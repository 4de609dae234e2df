import { installProvider } from '@/src/provider/provider';

// Main world, at document_start, so sites find the provider before their own
// scripts run. Not web-accessible: pages cannot load it themselves.
export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  runAt: 'document_start',
  world: 'MAIN',
  allFrames: true,
  main() {
    installProvider(window);
  },
});
