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
        browser.runtime.onMessage.addListener((message, _sender, sendResponse) => {
          const answer = listener(message);
          // Tells the background whether the event reached the document it was for.
          if (answer !== undefined) sendResponse(answer);
          return false;
        }),
    });
  },
});
