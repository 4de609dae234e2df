import { describe, expect, it, vi } from 'vitest';
import { type FrameRef, SiteEvents } from '../broker/site-events';
import { PROBE_BYTES, RELAY_HELLO, RELAY_KEEPALIVE, RELAY_PROBE, RELAY_REQUEST } from '../protocol/page';
import {
  checkSecureOrigin,
  handlePageMessage,
  isLoopbackHost,
  type PageSender,
  requestContext,
  resolveSenderOrigin,
} from './page-channel';
import type { BackgroundServices } from './services';

const DOC = { id: '0b6f4c1e-2a7d-4f3b-9e55-7c1d2e3f4a5b', origin: 'https://a.example' };
const chromeSender = (over: Partial<PageSender> = {}): PageSender => ({
  tab: { id: 1, url: 'https://a.example/' },
  frameId: 0,
  url: 'https://a.example/page',
  origin: 'https://a.example',
  documentId: 'CHROME-DOC-1',
  ...over,
});
/** Firefox gives no origin (and no documentId). */
const firefoxSender = (over: Partial<PageSender> = {}): PageSender => ({
  tab: { id: 1 },
  frameId: 0,
  url: 'https://a.example/page',
  ...over,
});

describe('resolveSenderOrigin: where a request comes from', () => {
  it('takes the browser origin when the relay agrees', () => {
    expect(resolveSenderOrigin(chromeSender(), DOC)).toEqual({ ok: true, origin: 'https://a.example' });
  });

  it('refuses an opaque origin even with a valid https URL (sandboxed iframe, CSP sandbox)', () => {
    const verdict = resolveSenderOrigin(chromeSender({ origin: 'null' }), { ...DOC, origin: 'null' });
    expect(verdict).toMatchObject({ ok: false, message: expect.stringContaining('opaque') });
    // Whatever the relay says.
    expect(resolveSenderOrigin(chromeSender({ origin: 'null' }), DOC).ok).toBe(false);
  });

  it('refuses when the browser gives no origin and the relay reports "null"', () => {
    expect(resolveSenderOrigin(firefoxSender(), { ...DOC, origin: 'null' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('opaque'),
    });
  });

  it('uses the URL where the browser gives no origin, only when the relay confirms it', () => {
    expect(resolveSenderOrigin(firefoxSender(), DOC)).toEqual({ ok: true, origin: 'https://a.example' });
    expect(resolveSenderOrigin(firefoxSender(), { id: DOC.id })).toMatchObject({ ok: false });
    expect(resolveSenderOrigin(firefoxSender(), undefined)).toMatchObject({ ok: false });
  });

  it('refuses when browser, relay and URL disagree', () => {
    expect(resolveSenderOrigin(chromeSender(), { ...DOC, origin: 'https://b.example' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('could not confirm'),
    });
    expect(resolveSenderOrigin(firefoxSender(), { ...DOC, origin: 'https://b.example' }).ok).toBe(false);
    expect(resolveSenderOrigin(chromeSender({ url: 'https://b.example/' }), DOC).ok).toBe(false);
    expect(resolveSenderOrigin(chromeSender({ origin: 'https://b.example' }), DOC).ok).toBe(false);
  });

  it('refuses about:, data:, blob:, file: and other non-http(s) senders', () => {
    for (const url of [
      'about:blank',
      'about:srcdoc',
      'data:text/html,hi',
      'blob:https://a.example/5d1c',
      'file:///tmp/x.html',
      'chrome-extension://abc/x.html',
      'not a url',
    ]) {
      expect(resolveSenderOrigin(chromeSender({ url }), DOC), url).toMatchObject({ ok: false });
      expect(resolveSenderOrigin(firefoxSender({ url }), DOC), url).toMatchObject({ ok: false });
    }
    expect(resolveSenderOrigin(chromeSender({ url: undefined }), DOC).ok).toBe(false);
    expect(
      resolveSenderOrigin(chromeSender({ url: 'file:///x', origin: 'file://' }), { ...DOC, origin: 'file://' }).ok,
    ).toBe(false);
  });
});

describe('checkSecureOrigin: secure contexts only', () => {
  const allowed = (origin: string) => checkSecureOrigin(origin).ok;
  it('allows https anywhere and http only on loopback', () => {
    expect(allowed('https://x')).toBe(true);
    expect(allowed('https://a.example:8443')).toBe(true);
    expect(allowed('http://127.0.0.1:8080')).toBe(true);
    expect(allowed('http://127.9.8.7')).toBe(true);
    expect(allowed('http://localhost:3000')).toBe(true);
    expect(allowed('http://app.localhost:3000')).toBe(true);
    expect(allowed('http://[::1]:5000')).toBe(true);
  });

  it('refuses http on the network, with a clear message', () => {
    for (const origin of [
      'http://192.168.1.5',
      'http://example.com',
      'http://10.0.0.1:8080',
      'http://128.0.0.1',
      'http://localhost.example.com',
      'http://evil-http.test:8080',
      'http://[::2]',
      'http://[::ffff:7f00:1]',
    ]) {
      expect(checkSecureOrigin(origin), origin).toEqual({
        ok: false,
        message: expect.stringContaining('only works on secure pages'),
      });
    }
  });

  it('refuses opaque, non-web and non-canonical origins', () => {
    for (const origin of [
      'null',
      '',
      'file://',
      'ftp://a.example',
      'https://a.example/',
      'https://user@a.example',
      'HTTPS://A.EXAMPLE',
      'chrome-extension://abc',
    ]) {
      expect(checkSecureOrigin(origin).ok, origin).toBe(false);
    }
  });

  it('knows loopback hosts as the URL parser writes them', () => {
    expect(isLoopbackHost(new URL('http://127.1/').hostname)).toBe(true);
    expect(isLoopbackHost(new URL('http://0x7f.0.0.1/').hostname)).toBe(true);
    expect(isLoopbackHost(new URL('http://LOCALHOST/').hostname)).toBe(true);
    expect(isLoopbackHost(new URL('http://127.0.0.1.nip.io/').hostname)).toBe(false);
  });
});

describe('requestContext: what the browser says about the request', () => {
  it('names the tab, the frame and a top-level origin that differs from the frame', () => {
    expect(
      requestContext(chromeSender({ frameId: 3, tab: { id: 9, url: 'https://top.example/x?y' } }), 'https://a.example'),
    ).toEqual({ tabId: 9, frameId: 3, topOrigin: 'https://top.example' });
    expect(requestContext(chromeSender(), 'https://a.example')).toEqual({
      tabId: 1,
      frameId: 0,
      tabIcon: { pageUrl: 'https://a.example/' },
    });
    // No tab URL from the browser: no top origin (never one from the message).
    expect(requestContext(firefoxSender({ frameId: 2 }), 'https://a.example')).toEqual({ tabId: 1, frameId: 2 });
  });

  it('keeps the tab’s icon for a request from the tab’s own site only', () => {
    const icon = 'data:image/png;base64,iVBORw0KGgo=';
    expect(
      requestContext(
        chromeSender({ tab: { id: 4, url: 'https://a.example/p#secret', favIconUrl: icon } }),
        'https://a.example',
      ),
    ).toEqual({ tabId: 4, frameId: 0, tabIcon: { pageUrl: 'https://a.example/p', favIconUrl: icon } });
    // A frame of another site: the tab's icon is the top site's, not the asker's.
    expect(
      requestContext(
        chromeSender({ frameId: 1, tab: { id: 4, url: 'https://top.example/', favIconUrl: icon } }),
        'https://a.example',
      ),
    ).toEqual({ tabId: 4, frameId: 1, topOrigin: 'https://top.example' });
  });
});

function fakeServices(allowed: (origin: string) => boolean = () => true, connected: string[] = []) {
  let frames: FrameRef[] = [];
  const sent: Array<{ frame: FrameRef; message: any }> = [];
  const events = new SiteEvents(
    { load: async () => frames, save: async (f) => void (frames = f) },
    async (frame, message) => void sent.push({ frame, message }),
  );
  const handle = vi.fn(async (_origin: string, _raw: unknown, _context: unknown) => ({ result: [] as unknown }));
  const grants = { forOrigin: async (origin: string) => (connected.includes(origin) ? [{ origin }] : []) };
  const services = {
    events,
    broker: { handle },
    siteAccess: { allows: allowed },
    grants,
  } as unknown as BackgroundServices;
  return { services, handle, frames: () => frames, sent };
}

describe('handlePageMessage', () => {
  it('refuses opaque senders with 4100 before the broker sees the request', async () => {
    const { services, handle, frames } = fakeServices();
    for (const sender of [chromeSender({ origin: 'null' }), firefoxSender()]) {
      const answer = await handlePageMessage(
        services,
        { kind: RELAY_REQUEST, id: 'r1', method: 'atproto_accounts', doc: { ...DOC, origin: 'null' } } as never,
        sender,
      );
      expect(answer).toMatchObject({ error: { code: 4100 } });
    }
    expect(handle).not.toHaveBeenCalled();
    expect(frames()).toEqual([]);
  });

  it('refuses plain http on the network with 4100', async () => {
    const { services, handle } = fakeServices();
    const sender = chromeSender({ origin: 'http://192.168.1.5', url: 'http://192.168.1.5/', tab: { id: 1 } });
    const answer = await handlePageMessage(
      services,
      { kind: RELAY_HELLO, doc: { ...DOC, origin: 'http://192.168.1.5' } } as never,
      sender,
    );
    expect(answer).toMatchObject({ error: { code: 4100, message: expect.stringContaining('secure') } });
    expect(handle).not.toHaveBeenCalled();
  });

  it('passes the request without the relay report, with the browser context, and registers the document', async () => {
    const { services, handle, frames } = fakeServices();
    const sender = chromeSender({ frameId: 4, tab: { id: 7, url: 'https://top.example/' } });
    await handlePageMessage(
      services,
      { kind: RELAY_REQUEST, id: 'r1', method: 'atproto_accounts', doc: DOC } as never,
      sender,
    );
    expect(handle).toHaveBeenCalledWith(
      'https://a.example',
      { kind: RELAY_REQUEST, id: 'r1', method: 'atproto_accounts' },
      { tabId: 7, frameId: 4, topOrigin: 'https://top.example' },
    );
    expect(frames()).toEqual([
      { tabId: 7, frameId: 4, origin: 'https://a.example', docId: DOC.id, documentId: 'CHROME-DOC-1' },
    ]);
  });

  it('answers without waiting for the registry, which still holds every event until the document is in it', async () => {
    let frames: FrameRef[] = [];
    let release = () => {};
    let failNext = false;
    const sent: FrameRef[] = [];
    const slowStore = {
      load: async () => frames,
      save: (f: FrameRef[]) =>
        new Promise<void>((resolve, reject) => {
          release = () => {
            if (failNext) reject(new Error('storage unavailable'));
            else {
              frames = f;
              resolve();
            }
          };
        }),
    };
    const events = new SiteEvents(slowStore, async (frame) => void sent.push(frame));
    const handle = vi.fn(async () => ({ result: [] as unknown }));
    const services = {
      events,
      broker: { handle },
      siteAccess: { allows: () => true },
    } as unknown as BackgroundServices;
    const doc = { ...DOC, id: 'doc-slow-registry' };
    const sender = chromeSender({ frameId: 0, tab: { id: 31 } });
    const message = { kind: RELAY_REQUEST, id: 'r1', method: 'atproto_accounts', doc } as never;
    // The first save fails: the answer came all the same, and the next message of the document registers again.
    failNext = true;
    await handlePageMessage(services, message, sender);
    expect(handle).toHaveBeenCalledTimes(1);
    release();
    await new Promise((r) => setTimeout(r, 0));
    failNext = false;
    await handlePageMessage(services, message, sender);
    expect(handle).toHaveBeenCalledTimes(2);
    expect(frames).toEqual([]); // the save is still pending
    const emitted = events.emit('https://a.example', { type: 'accountsChanged', accounts: [] } as never);
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual([]);
    release();
    expect(await emitted).toBe(1);
    expect(sent).toMatchObject([{ tabId: 31, frameId: 0, docId: 'doc-slow-registry' }]);
  });

  it('registers a document once when its first messages arrive together, and each frame under its own slot', async () => {
    const { services, handle, frames } = fakeServices();
    const doc = { ...DOC, id: 'doc-twice' };
    const message = { kind: RELAY_REQUEST, id: 'r1', method: 'atproto_accounts', doc } as never;
    await Promise.all([
      handlePageMessage(services, message, chromeSender({ frameId: 0, tab: { id: 41 } })),
      handlePageMessage(services, message, chromeSender({ frameId: 0, tab: { id: 41 } })),
      handlePageMessage(services, message, chromeSender({ frameId: 2, tab: { id: 41 } })),
    ]);
    expect(handle).toHaveBeenCalledTimes(3);
    await new Promise((r) => setTimeout(r, 0));
    expect(
      frames()
        .filter((f) => f.docId === 'doc-twice')
        .map((f) => f.frameId),
    ).toEqual([0, 2]);
  });

  it('answers the probe by what arrived, and spells binary results as the relay found the channel carries them', async () => {
    const { services, handle } = fakeServices();
    const probe = (value: unknown) =>
      handlePageMessage(services, { kind: RELAY_PROBE, doc: DOC, probe: value } as never, chromeSender());
    expect(await probe(Uint8Array.from(PROBE_BYTES))).toEqual({ result: { clone: true, blobs: false } });
    // What a JSON channel makes of the probe's bytes, and near misses.
    expect(await probe(JSON.parse(JSON.stringify(Uint8Array.from(PROBE_BYTES))))).toEqual({
      result: { clone: false, blobs: false },
    });
    expect(await probe(new Uint8Array(3))).toEqual({ result: { clone: false, blobs: false } });
    expect(await probe(undefined)).toEqual({ result: { clone: false, blobs: false } });
    // A channel that carries Blobs: the probe's Blob arrived as one, of its size.
    const withBlob = (blob: unknown) =>
      handlePageMessage(
        services,
        { kind: RELAY_PROBE, doc: DOC, probe: Uint8Array.from(PROBE_BYTES), probeBlob: blob } as never,
        chromeSender(),
      );
    expect(await withBlob(new Blob([Uint8Array.from(PROBE_BYTES)]))).toEqual({ result: { clone: true, blobs: true } });
    expect(await withBlob({})).toEqual({ result: { clone: true, blobs: false } });
    expect(await withBlob(new Blob([]))).toEqual({ result: { clone: true, blobs: false } });
    expect(handle).not.toHaveBeenCalled();

    handle.mockResolvedValue({ result: { body: new Uint8Array([1, 2]) } });
    const ask = (doc: object) =>
      handlePageMessage(
        services,
        { kind: RELAY_REQUEST, id: 'r1', method: 'atproto_xrpc', doc } as never,
        chromeSender(),
      ) as Promise<{ result: { body: { $bytes: unknown } } }>;
    expect((await ask(DOC)).result.body.$bytes).toBe('AQI=');
    expect((await ask({ ...DOC, clone: true })).result.body.$bytes).toEqual(new Uint8Array([1, 2]));
    // Anything but `true` is the JSON spelling.
    expect((await ask({ ...DOC, clone: 'yes' })).result.body.$bytes).toBe('AQI=');
  });

  it('tells a keep-alive to go on only for the origin the browser names, when it has a grant', async () => {
    const { services, handle } = fakeServices(() => true, ['https://a.example']);
    const keep = (sender: PageSender, doc = DOC) =>
      handlePageMessage(services, { kind: RELAY_KEEPALIVE, doc } as never, sender);
    expect(await keep(chromeSender())).toEqual({ result: { keep: true } });
    // Another site's page says it is the connected one: the browser's origin decides, and the two disagree.
    const other = chromeSender({ origin: 'https://b.example', url: 'https://b.example/', tab: { id: 2 } });
    expect(await keep(other)).toMatchObject({ error: { code: 4100 } });
    expect(await keep(other, { ...DOC, origin: 'https://b.example' })).toEqual({ result: { keep: false } });
    // Another letter case is another origin to the relay's report, and the browser never spells one so.
    expect(await keep(chromeSender(), { ...DOC, origin: 'https://A.example' })).toMatchObject({
      error: { code: 4100 },
    });
    expect(await keep(chromeSender({ origin: 'null' }))).toMatchObject({ error: { code: 4100 } });
    expect(handle).not.toHaveBeenCalled();
  });

  it('tells no keep-alive to go on for a site the site-access setting leaves out', async () => {
    const { services } = fakeServices(() => false, ['https://a.example']);
    expect(
      await handlePageMessage(services, { kind: RELAY_KEEPALIVE, doc: DOC } as never, chromeSender()),
    ).toMatchObject({
      error: { code: 4100 },
    });
  });

  it('answers no probe for a site the site-access setting leaves out', async () => {
    const { services } = fakeServices(() => false);
    const answer = await handlePageMessage(
      services,
      { kind: RELAY_PROBE, doc: DOC, probe: Uint8Array.from(PROBE_BYTES) } as never,
      chromeSender(),
    );
    expect(answer).toMatchObject({ error: { code: 4100 } });
  });

  it('replaces the registry entry of a frame when a new document registers, and addresses events to it', async () => {
    const { services, frames, sent } = fakeServices();
    await handlePageMessage(services, { kind: RELAY_HELLO, doc: DOC } as never, firefoxSender({ tab: { id: 12 } }));
    const next = { id: 'second-document', origin: 'https://a.example' };
    await handlePageMessage(services, { kind: RELAY_HELLO, doc: next } as never, firefoxSender({ tab: { id: 12 } }));
    expect(frames()).toEqual([
      { tabId: 12, frameId: 0, origin: 'https://a.example', docId: 'second-document', documentId: undefined },
    ]);
    await services.events.emit('https://a.example', { event: 'accountsChanged', data: [] });
    expect(sent.map((s) => s.message.doc)).toEqual(['second-document']);
  });

  it('refuses a message with no document id from the relay', async () => {
    const { services } = fakeServices();
    expect(
      await handlePageMessage(services, { kind: RELAY_HELLO, doc: { origin: DOC.origin } } as never, chromeSender()),
    ).toMatchObject({ error: { code: 4100 } });
    expect(
      await handlePageMessage(
        services,
        { kind: RELAY_HELLO, doc: { id: 'x y', origin: DOC.origin } } as never,
        chromeSender(),
      ),
    ).toMatchObject({ error: { code: 4100 } });
  });

  it('refuses an origin the site-access setting leaves out, a frame by its own origin, before the broker', async () => {
    const { services, handle, frames } = fakeServices((origin) => origin === 'https://top.example');
    // A frame of a site not allowed, inside an allowed page: the frame's origin is what counts.
    const sender = chromeSender({ frameId: 2, tab: { id: 3, url: 'https://top.example/' } });
    for (const message of [
      { kind: RELAY_REQUEST, id: 'r1', method: 'atproto_connect', doc: DOC },
      { kind: RELAY_HELLO, doc: DOC },
    ]) {
      expect(await handlePageMessage(services, message as never, sender)).toEqual({
        error: { code: 4100, message: expect.any(String), data: { reason: 'site-not-allowed' } },
      });
    }
    expect(handle).not.toHaveBeenCalled();
    expect(frames()).toEqual([]);
  });
});
