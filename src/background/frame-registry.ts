import { browser } from 'wxt/browser';
import type { FrameRef, FrameRegistryStore } from '../broker/site-events';

/** The key in session storage (the same one earlier builds used, through WXT's storage helper). */
const FRAMES_KEY = 'at-keyring:frames';

/**
 * The documents to send site events to, in the browser's session storage: the
 * registry survives a worker restart (a woken worker still reaches the pages
 * that said hello), not a browser restart (those documents are gone). Read and
 * written with the storage API itself: WXT's helper would add 7 KB to every wake.
 */
export function sessionFrameRegistry(): FrameRegistryStore {
  return {
    load: async () => {
      const stored = (await browser.storage.session.get(FRAMES_KEY))[FRAMES_KEY];
      return Array.isArray(stored) ? (stored as FrameRef[]) : [];
    },
    save: (list) => browser.storage.session.set({ [FRAMES_KEY]: list }),
  };
}
