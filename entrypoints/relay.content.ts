import { documentKeepAliveHost } from '@/src/relay/keep-alive';
import { startRelay } from '@/src/relay/relay';
import { runtimePort } from '@/src/relay/runtime-port';

// Isolated world: the only bridge between the page and the background.
export default defineContentScript({
  // Registered by the background (src/site-access/registration.ts), for every site or only the allowed ones;
  // WXT lists these matches as the manifest's host permissions, as the static scripts' matches were.
  matches: ['http://*/*', 'https://*/*'],
  registration: 'runtime',
  runAt: 'document_start',
  allFrames: true,
  main() {
    startRelay(window, runtimePort(), undefined, documentKeepAliveHost(window));
  },
});
