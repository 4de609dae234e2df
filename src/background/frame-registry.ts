import { storage } from 'wxt/utils/storage';
import type { FrameRef, FrameRegistryStore } from '../broker/site-events';

/**
 * The documents to send site events to, in the browser's session storage: the
 * registry survives a worker restart (a woken worker still reaches the pages
 * that said hello), not a browser restart (those documents are gone).
 */
export function sessionFrameRegistry(): FrameRegistryStore {
  const frames = storage.defineItem<FrameRef[]>('session:at-keyring:frames', { fallback: [] });
  return { load: () => frames.getValue(), save: (list) => frames.setValue(list) };
}
