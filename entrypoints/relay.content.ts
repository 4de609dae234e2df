import { startRelay } from '@/src/relay/relay';
import { runtimePort } from '@/src/relay/runtime-port';

// Isolated world: the only bridge between the page and the background.
export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  runAt: 'document_start',
  allFrames: true,
  main() {
    startRelay(window, runtimePort());
  },
});
