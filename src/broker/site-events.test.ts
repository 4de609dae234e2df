import { describe, expect, it } from 'vitest';
import { SiteEvents, type FrameRef } from './site-events';

describe('SiteEvents', () => {
  it('delivers to every frame of the origin only, and forgets frames that are gone', async () => {
    let stored: FrameRef[] = [];
    const delivered: number[] = [];
    const events = new SiteEvents({ load: async () => stored, save: async (f) => void (stored = f) }, async (frame) => {
      if (frame.tabId === 3) throw new Error('No tab with id: 3');
      delivered.push(frame.tabId);
    });
    await Promise.all([
      events.register({ tabId: 1, frameId: 0, origin: 'https://a.example' }),
      events.register({ tabId: 2, frameId: 5, origin: 'https://a.example' }),
      events.register({ tabId: 3, frameId: 0, origin: 'https://a.example' }),
      events.register({ tabId: 4, frameId: 0, origin: 'https://b.example' }),
    ]);
    expect(stored).toHaveLength(4);
    expect(await events.emit('https://a.example', { event: 'accountsChanged', data: [] })).toBe(2);
    expect(delivered.sort()).toEqual([1, 2]);
    expect(stored.map((f) => f.tabId).sort()).toEqual([1, 2, 4]);
    await events.forgetTab(1);
    expect(stored.map((f) => f.tabId).sort()).toEqual([2, 4]);
  });

  it('replaces a frame that navigated to another origin', async () => {
    let stored: FrameRef[] = [];
    const events = new SiteEvents({ load: async () => stored, save: async (f) => void (stored = f) }, async () => {});
    await events.register({ tabId: 1, frameId: 0, origin: 'https://a.example' });
    await events.register({ tabId: 1, frameId: 0, origin: 'https://b.example' });
    expect(stored).toEqual([{ tabId: 1, frameId: 0, origin: 'https://b.example' }]);
  });
});
