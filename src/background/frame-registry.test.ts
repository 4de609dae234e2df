import { beforeEach, describe, expect, it } from 'vitest';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { sessionFrameRegistry } from './frame-registry';

const frame = { tabId: 1, frameId: 0, origin: 'https://a.example', docId: 'doc-1' };

describe('sessionFrameRegistry', () => {
  beforeEach(() => fakeBrowser.reset());

  it('starts empty and keeps the frames in session storage, under the key earlier versions used', async () => {
    const registry = sessionFrameRegistry();
    expect(await registry.load()).toEqual([]);
    await registry.save([frame]);
    expect(await sessionFrameRegistry().load()).toEqual([frame]);
    expect(await browser.storage.session.get('at-keyring:frames')).toEqual({ 'at-keyring:frames': [frame] });
    expect(await browser.storage.local.get(null)).toEqual({});
  });
});
