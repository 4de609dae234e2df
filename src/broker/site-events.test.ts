import { describe, expect, it } from 'vitest';
import { type FrameRef, SiteEvents } from './site-events';

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
  });

  it('forgets the documents of closed tabs, and keeps one that registers while the open tabs are listed', async () => {
    let stored: FrameRef[] = [];
    let saves = 0;
    const events = new SiteEvents(
      {
        load: async () => stored,
        save: async (f) => {
          stored = f;
          saves++;
        },
      },
      async () => {},
    );
    await events.register({ tabId: 1, frameId: 0, origin: 'https://a.example' });
    await events.register({ tabId: 2, frameId: 0, origin: 'https://a.example' });
    saves = 0;
    // Tab 2 is closed; tab 3 opens, and its document registers, while the browser lists the open tabs.
    let listed!: (ids: number[]) => void;
    const sweeping = events.forgetClosedTabs(() => new Promise((resolve) => (listed = resolve)));
    const registering = events.register({ tabId: 3, frameId: 0, origin: 'https://a.example' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    listed([1]);
    await Promise.all([sweeping, registering]);
    expect(stored.map((f) => f.tabId)).toEqual([1, 3]);
    // Nothing closed since: nothing is written.
    saves = 0;
    await events.forgetClosedTabs(async () => [1, 3]);
    expect(saves).toBe(0);
  });

  it('forgets nothing when the open tabs cannot be listed, and registers afterwards as before', async () => {
    let stored: FrameRef[] = [];
    const events = new SiteEvents({ load: async () => stored, save: async (f) => void (stored = f) }, async () => {});
    await events.register({ tabId: 1, frameId: 0, origin: 'https://a.example' });
    await expect(events.forgetClosedTabs(async () => Promise.reject(new Error('tabs unavailable')))).rejects.toThrow();
    await events.register({ tabId: 2, frameId: 0, origin: 'https://a.example' });
    expect(stored.map((f) => f.tabId)).toEqual([1, 2]);
  });

  it('replaces a frame that navigated to another origin', async () => {
    let stored: FrameRef[] = [];
    const events = new SiteEvents({ load: async () => stored, save: async (f) => void (stored = f) }, async () => {});
    await events.register({ tabId: 1, frameId: 0, origin: 'https://a.example' });
    await events.register({ tabId: 1, frameId: 0, origin: 'https://b.example' });
    expect(stored).toEqual([{ tabId: 1, frameId: 0, origin: 'https://b.example' }]);
  });

  it('puts the document id on each event and replaces a frame entry when a new document registers', async () => {
    let stored: FrameRef[] = [];
    const sent: Array<{ frame: FrameRef; message: any }> = [];
    const events = new SiteEvents(
      { load: async () => stored, save: async (f) => void (stored = f) },
      async (frame, message) => void sent.push({ frame, message }),
    );
    await events.register({ tabId: 1, frameId: 0, origin: 'https://a.example', docId: 'doc-a1' });
    // Same tab and frame, same origin, new document (a reload or a navigation within the site).
    await events.register({
      tabId: 1,
      frameId: 0,
      origin: 'https://a.example',
      docId: 'doc-a2',
      documentId: 'CHROME-2',
    });
    expect(stored).toEqual([
      { tabId: 1, frameId: 0, origin: 'https://a.example', docId: 'doc-a2', documentId: 'CHROME-2' },
    ]);
    await events.emit('https://a.example', { event: 'accountsChanged', data: [] });
    expect(sent).toEqual([
      {
        frame: stored[0],
        message: { kind: 'at-keyring:page-event', doc: 'doc-a2', event: 'accountsChanged', data: [] },
      },
    ]);
  });

  it('forgets a document whose frame now holds another document (the relay answered false)', async () => {
    let stored: FrameRef[] = [];
    const events = new SiteEvents(
      { load: async () => stored, save: async (f) => void (stored = f) },
      async (frame) => frame.docId !== 'old',
    );
    await events.register({ tabId: 1, frameId: 0, origin: 'https://a.example', docId: 'old' });
    await events.register({ tabId: 2, frameId: 0, origin: 'https://a.example', docId: 'current' });
    expect(await events.emit('https://a.example', { event: 'accountsChanged', data: [] })).toBe(1);
    expect(stored.map((f) => f.docId)).toEqual(['current']);
  });

  it('does not drop a newer document of the same frame when an older one is found gone', async () => {
    let stored: FrameRef[] = [];
    let release!: () => void;
    const blocked = new Promise<void>((r) => (release = r));
    const events = new SiteEvents({ load: async () => stored, save: async (f) => void (stored = f) }, async () => {
      await blocked;
      throw new Error('No frame with id');
    });
    await events.register({ tabId: 1, frameId: 0, origin: 'https://a.example', docId: 'old' });
    const emitting = events.emit('https://a.example', { event: 'accountsChanged', data: [] });
    await new Promise((r) => setTimeout(r, 0));
    await events.register({ tabId: 1, frameId: 0, origin: 'https://a.example', docId: 'new' });
    release();
    await emitting;
    expect(stored.map((f) => f.docId)).toEqual(['new']);
  });

  it('stays bounded', async () => {
    let stored: FrameRef[] = [];
    const events = new SiteEvents({ load: async () => stored, save: async (f) => void (stored = f) }, async () => {});
    for (let i = 0; i < 5010; i++)
      await events.register({ tabId: i, frameId: 0, origin: 'https://a.example', docId: `d${i}` });
    expect(stored).toHaveLength(5000);
    expect(stored[0].tabId).toBe(10);
  });
});
