import { browser } from 'wxt/browser';
import { startRelay } from '@/src/relay/relay';

// Isolated world: the only bridge between the page and the background.
export default defineContentScript({
  matches: ['http://*/*', 'https://*/*'],
  runAt: 'document_start',
  allFrames: true,
  main() {
    startRelay(window, {
      send: (message) => browser.runtime.sendMessage(message),
      onMessage: (listener) =>
        browser.runtime.onMessage.addListener((message) => {
          const answer = listener(message);
          // Tells the background whether the event reached the document it was for; no answer to anything else.
          return answer === undefined ? undefined : Promise.resolve(answer);
        }),
    });
  },
});
