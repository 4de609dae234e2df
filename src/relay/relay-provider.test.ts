import { describe, expect, it } from 'vitest';
import { probeArrivedAsBytes, probeBlobArrived } from '../background/page-channel';
import { CAPABILITIES, CONTRACT_VERSION, LIMITS } from '../protocol/contract';
import { RELAY_EVENT, RELAY_KEEPALIVE, RELAY_PROBE, RELAY_REQUEST, toWire } from '../protocol/page';
import { createProvider, installProvider } from '../provider/provider';
import type { KeepAliveHost } from './keep-alive';
import { type RelayPort, startRelay } from './relay';

/** A window stand-in: postMessage delivers a 'message' event with source = the window. */
function fakeWindow(origin = 'https://a.example'): Window {
  const target = new EventTarget() as EventTarget & { postMessage: (data: unknown) => void; origin: string };
  target.origin = origin;
  target.postMessage = (data: unknown) => {
    const copy = structuredClone(data);
    setTimeout(() => {
      const event = new Event('message') as Event & { data: unknown; source: unknown };
      Object.defineProperty(event, 'data', { value: copy });
      Object.defineProperty(event, 'source', { value: target });
      target.dispatchEvent(event);
    }, 0);
  };
  return target as unknown as Window;
}

function fakePort(
  answer: (message: any) => Promise<unknown>,
): RelayPort & { sent: any[]; push(m: unknown): unknown[] } {
  const listeners: Array<(m: unknown) => unknown> = [];
  const port = {
    sent: [] as any[],
    send: async (m: unknown) => {
      port.sent.push(m);
      return answer(m);
    },
    onMessage: (l: (m: unknown) => boolean | undefined) => void listeners.push(l),
    push: (m: unknown) => listeners.map((l) => l(m)),
  };
  return port;
}

/**
 * A port whose messages cross a channel as the browser carries them: JSON (Chromium before 148, and without
 * the manifest's `message_serialization`), a structured clone, or a structured clone that drops Blobs (were a
 * browser to carry bytes but not Blobs). It answers the probe as the background does.
 */
type TestChannel = 'json' | 'clone' | 'clone-without-blobs';
function channelPort(channel: TestChannel, answer: (message: any) => unknown) {
  const dropBlobs = (v: unknown): unknown =>
    v instanceof Blob
      ? {}
      : Array.isArray(v)
        ? v.map(dropBlobs)
        : v && typeof v === 'object' && !ArrayBuffer.isView(v)
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, dropBlobs(x)]))
          : v;
  const carry = (m: unknown) =>
    channel === 'json' ? JSON.parse(JSON.stringify(m)) : structuredClone(channel === 'clone' ? m : dropBlobs(m));
  return fakePort(async (m) => {
    const arrived = carry(m);
    if (arrived.kind === RELAY_PROBE) {
      const clone = probeArrivedAsBytes(arrived);
      return carry({ result: { clone, blobs: clone && probeBlobArrived(arrived) } });
    }
    return carry(answer(arrived));
  });
}

const upload = (body: Uint8Array | Blob) => ({ method: 'atproto_xrpc', params: { nsid: 'a.b.c', body } });

describe('provider ⇄ relay ⇄ background', () => {
  /** Uploads [1, 2, 3] over the channel; the background answers with bytes [7, 8], spelt as the document asks. */
  async function uploadOver(channel: 'json' | 'clone') {
    const win = fakeWindow();
    const port = channelPort(channel, (m) => ({
      result: toWire(
        { status: 200, body: new Uint8Array([7, 8]) },
        'result',
        undefined,
        m.doc.clone ? 'clone' : 'base64',
      ),
    }));
    startRelay(win, port);
    const provider = createProvider(win);
    const result = (await provider.request(upload(new Uint8Array([1, 2, 3])))) as any;
    expect(result.body).toEqual(new Uint8Array([7, 8]));
    expect(port.sent.map((m) => m.kind)).toEqual([RELAY_PROBE, RELAY_REQUEST]);
    return { port, provider, sent: port.sent[1] };
  }

  it('over a JSON channel: the probe finds it, and bytes go as base64 both ways', async () => {
    const { port, provider, sent } = await uploadOver('json');
    expect(sent).toMatchObject({ method: 'atproto_xrpc', params: { nsid: 'a.b.c', body: { $bytes: 'AQID' } } });
    expect(sent.doc.clone).toBeUndefined();
    expect(sent.id).toMatch(/^[0-9a-f-]{36}$/);
    // Asked once per document.
    await provider.request(upload(new Uint8Array([4])));
    expect(port.sent.filter((m) => m.kind === RELAY_PROBE)).toHaveLength(1);
  });

  it('over a structured-clone channel: bytes go as they are, and results come back as bytes', async () => {
    const { sent } = await uploadOver('clone');
    expect(sent.doc.clone).toBe(true);
    expect(sent.params.body.$bytes).toBeInstanceOf(Uint8Array);
    expect([...sent.params.body.$bytes]).toEqual([1, 2, 3]);
  });

  it("passes a site's file (a Blob) as it is where the channel carries Blobs, and reads it where not", async () => {
    const sentBody = async (channel: TestChannel) => {
      const win = fakeWindow();
      const port = channelPort(channel, () => ({ result: null }));
      startRelay(win, port);
      await createProvider(win).request(upload(new File([new Uint8Array([1, 2, 3])], 'a.png')));
      return port.sent[1].params.body.$bytes;
    };
    const asBlob = await sentBody('clone');
    expect(asBlob).toBeInstanceOf(Blob);
    expect(new Uint8Array(await asBlob.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
    const asBytes = await sentBody('clone-without-blobs');
    expect(asBytes).toBeInstanceOf(Uint8Array);
    expect([...asBytes]).toEqual([1, 2, 3]);
    expect(await sentBody('json')).toBe('AQID');
  });

  it('probes for empty bytes and empty files too: a JSON channel would turn them into {}', async () => {
    for (const body of [new Uint8Array(0), new Blob([])]) {
      const win = fakeWindow();
      const port = channelPort('json', () => ({ result: null }));
      startRelay(win, port);
      await createProvider(win).request(upload(body));
      expect(port.sent.map((m) => m.kind)).toEqual([RELAY_PROBE, RELAY_REQUEST]);
      expect(port.sent[1].params.body).toEqual({ $bytes: '' });
    }
  });

  it('refuses a file over the size limit in the relay, by its size', async () => {
    const win = fakeWindow();
    const port = channelPort('clone', () => ({ result: null }));
    startRelay(win, port);
    const big = new Blob([new Uint8Array(LIMITS.maxBinaryBytes + 1)]);
    await expect(createProvider(win).request(upload(big))).rejects.toMatchObject({ code: -32602 });
    expect(port.sent).toEqual([]);
  });

  it('sends only the bytes of a view, not the rest of its buffer (a clone carries the whole buffer)', async () => {
    const win = fakeWindow();
    const port = channelPort('clone', () => ({ result: null }));
    startRelay(win, port);
    const backing = new Uint8Array(1 << 20).fill(9);
    backing.set([1, 2], 100);
    await createProvider(win).request(upload(backing.subarray(100, 102)));
    const bytes: Uint8Array = port.sent[1].params.body.$bytes;
    expect(bytes.buffer.byteLength).toBe(2);
    expect([...bytes]).toEqual([1, 2]);
  });

  it('requests without bytes send no probe; a probe the background did not answer is asked again', async () => {
    const win = fakeWindow();
    let down = true;
    const port = fakePort(async (m) => {
      if (m.kind === RELAY_PROBE && down) return { error: { code: -32603, message: 'unavailable' } };
      if (m.kind === RELAY_PROBE) return { result: { clone: true } };
      return { result: null };
    });
    startRelay(win, port);
    const provider = createProvider(win);
    await provider.request({ method: 'atproto_accounts' });
    expect(port.sent.map((m) => m.kind)).toEqual([RELAY_REQUEST]);
    await provider.request(upload(new Uint8Array([1])));
    expect(port.sent[2].params.body.$bytes).toBe('AQ==');
    down = false;
    await provider.request(upload(new Uint8Array([1])));
    expect(port.sent.map((m) => m.kind)).toEqual([
      RELAY_REQUEST,
      RELAY_PROBE,
      RELAY_REQUEST,
      RELAY_PROBE,
      RELAY_REQUEST,
    ]);
    expect(port.sent[4].params.body.$bytes).toBeInstanceOf(Uint8Array);
  });

  it('rejects with the error code the background gave', async () => {
    const win = fakeWindow();
    startRelay(
      win,
      fakePort(async () => ({ error: { code: 4100, message: 'not connected' } })),
    );
    await expect(createProvider(win).request({ method: 'atproto_accounts' })).rejects.toMatchObject({
      code: 4100,
      message: 'not connected',
    });
  });

  it('refuses oversized or unsendable params in the relay, before the background', async () => {
    const win = fakeWindow();
    const port = fakePort(async () => ({ result: null }));
    startRelay(win, port);
    const provider = createProvider(win);
    let deep: any = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    await expect(provider.request({ method: 'atproto_xrpc', params: deep })).rejects.toMatchObject({ code: -32602 });
    await expect(provider.request({ method: 'atproto_xrpc', params: { f: () => 1 } })).rejects.toMatchObject({
      code: -32602,
    });
    await expect(provider.request(null as any)).rejects.toMatchObject({ code: -32602 });
    expect(port.sent).toHaveLength(0);
  });

  it('re-sends with the same id when the worker stopped mid-request', async () => {
    const win = fakeWindow();
    let attempts = 0;
    const port = fakePort(async () => {
      if (++attempts === 1)
        throw new Error(
          'A listener indicated an asynchronous response by returning true, but the message channel closed before a response was received',
        );
      return { result: 'ok' };
    });
    startRelay(win, port);
    expect(await createProvider(win).request({ method: 'atproto_accounts' })).toBe('ok');
    expect(port.sent).toHaveLength(2);
    expect(port.sent[0].id).toBe(port.sent[1].id);
  });

  it('re-sends when Firefox resolves a send with no answer (event page suspended)', async () => {
    const win = fakeWindow();
    let attempts = 0;
    const port = fakePort(async () => (++attempts < 3 ? undefined : { result: 'late but fine' }));
    startRelay(win, port);
    expect(await createProvider(win).request({ method: 'atproto_accounts' })).toBe('late but fine');
    expect(new Set(port.sent.map((m) => m.id)).size).toBe(1);
  });

  it('gives up at once when the extension is gone', async () => {
    const win = fakeWindow();
    const port = fakePort(async () => {
      throw new Error('Extension context invalidated.');
    });
    startRelay(win, port);
    await expect(createProvider(win).request({ method: 'atproto_accounts' })).rejects.toMatchObject({
      code: -32603,
      data: { reason: 'unavailable' },
    });
    expect(port.sent).toHaveLength(1);
  });

  it('settles with a timeout code when the background never answers', async () => {
    const win = fakeWindow();
    startRelay(
      win,
      fakePort(() => new Promise(() => {})),
      30,
    );
    await expect(createProvider(win).request({ method: 'atproto_accounts' })).rejects.toMatchObject({
      code: -32603,
      data: { reason: 'timeout' },
    });
  });

  it('keeps the background once a request is answered, not after a refused one, and by what the background says', async () => {
    let beat: (() => void) | undefined;
    const host: KeepAliveHost = {
      isTopLevel: true,
      visible: () => true,
      onVisibilityChange: () => {},
      now: () => Date.now(),
      setTimer: (run) => (beat = run),
      clearTimer: () => (beat = undefined),
    };
    const win = fakeWindow();
    let connected = false;
    const port = fakePort(async (m) =>
      m.kind === RELAY_KEEPALIVE
        ? { result: { keep: true } }
        : connected
          ? { result: [] }
          : { error: { code: 4100, message: 'not connected' } },
    );
    const { id } = startRelay(win, port, undefined, host);
    const provider = createProvider(win);
    await expect(provider.request({ method: 'atproto_accounts' })).rejects.toMatchObject({ code: 4100 });
    expect(beat).toBeUndefined();
    connected = true;
    await provider.request({ method: 'atproto_accounts' });
    expect(beat).toBeTypeOf('function');
    beat?.();
    await new Promise((r) => setTimeout(r, 0));
    expect(port.sent.filter((m) => m.kind === RELAY_KEEPALIVE)).toEqual([
      { kind: RELAY_KEEPALIVE, doc: { id, origin: 'https://a.example' } },
    ]);
    expect(beat).toBeTypeOf('function'); // told to go on: the next one is scheduled
  });

  it('delivers events to listeners, and says hello once when the page subscribes', async () => {
    const win = fakeWindow();
    const port = fakePort(async () => null);
    const { id: doc } = startRelay(win, port);
    const provider = createProvider(win);
    const seen: unknown[] = [];
    const listener = (a: unknown) => seen.push(a);
    provider.on('accountsChanged', listener);
    provider.on('disconnect', () => {});
    await new Promise((r) => setTimeout(r, 10));
    expect(port.sent).toEqual([{ kind: 'at-keyring:page-hello', doc: { id: doc, origin: 'https://a.example' } }]);
    expect(
      port.push({ kind: RELAY_EVENT, doc, event: 'accountsChanged', data: [{ did: 'did:plc:a', handle: 'a.test' }] }),
    ).toEqual([true]);
    port.push({ kind: RELAY_EVENT, doc, event: 'somethingElse', data: 1 });
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([[{ did: 'did:plc:a', handle: 'a.test' }]]);
    provider.removeListener('accountsChanged', listener);
    port.push({ kind: RELAY_EVENT, doc, event: 'accountsChanged', data: [] });
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toHaveLength(1);
  });

  it('drops events addressed to another document (the one this frame held before), or to none', async () => {
    const win = fakeWindow();
    const port = fakePort(async () => null);
    const { id: doc } = startRelay(win, port);
    const posted: unknown[] = [];
    win.addEventListener('message', (e) => posted.push((e as MessageEvent).data));
    expect(
      port.push({
        kind: RELAY_EVENT,
        doc: 'previous-document',
        event: 'accountsChanged',
        data: [{ did: 'did:plc:a', handle: 'a.test' }],
      }),
    ).toEqual([false]);
    expect(port.push({ kind: RELAY_EVENT, event: 'disconnect', data: { code: 4100, message: 'x' } })).toEqual([false]);
    await new Promise((r) => setTimeout(r, 10));
    expect(posted).toEqual([]);
    expect(port.push({ kind: RELAY_EVENT, doc, event: 'accountsChanged', data: [] })).toEqual([true]);
    await new Promise((r) => setTimeout(r, 10));
    expect(posted).toEqual([{ source: 'at-keyring:event', event: 'accountsChanged', data: [] }]);
  });

  it('reports its own document id and the origin its world sees with every request; a new relay has a new id', async () => {
    const win = fakeWindow('null');
    const port = fakePort(async () => ({ error: { code: 4100, message: 'opaque' } }));
    const first = startRelay(win, port);
    expect(first).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), origin: 'null' });
    await expect(createProvider(win).request({ method: 'atproto_accounts' })).rejects.toMatchObject({ code: 4100 });
    expect(port.sent[0]).toMatchObject({
      kind: RELAY_REQUEST,
      method: 'atproto_accounts',
      doc: { id: first.id, origin: 'null' },
    });
    expect(
      startRelay(
        fakeWindow(),
        fakePort(async () => null),
      ).id,
    ).not.toBe(first.id);
  });

  it('announces itself on request and does not overwrite an existing window.atproto', () => {
    const win = fakeWindow() as Window & { atproto?: unknown };
    const infos: any[] = [];
    win.addEventListener('atproto:announceProvider', (e) => infos.push((e as CustomEvent).detail));
    const provider = installProvider(win);
    win.dispatchEvent(new Event('atproto:requestProvider'));
    expect(infos).toHaveLength(2);
    expect(infos[0].provider).toBe(provider);
    expect(Object.isFrozen(infos[0])).toBe(true);
    expect(infos[0].info).toMatchObject({ name: 'AT Keyring', rdns: 'dev.atkeyring' });
    expect(win.atproto).toBe(provider);
    // The versioned announcement: v1's fields plus the contract version and capabilities, all frozen.
    const { info } = infos[0];
    expect(Object.keys(info).sort()).toEqual(['capabilities', 'contractVersion', 'icon', 'name', 'rdns', 'uuid']);
    expect(info.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(info.icon).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(info.contractVersion).toBe('1.2');
    expect(info.contractVersion).toBe(CONTRACT_VERSION);
    expect(info.capabilities).toEqual([
      'noPrompt',
      'did',
      'labelers',
      'error.data.reason',
      'canonical-methods',
      'prompt-binding',
      'prompt-limits',
      'secure-origins',
      'blob-body',
    ]);
    expect(info.capabilities).toEqual(CAPABILITIES);
    expect(Object.isFrozen(info)).toBe(true);
    expect(Object.isFrozen(info.capabilities)).toBe(true);
    expect(() => info.capabilities.push('x')).toThrow(TypeError);
    // Every announcement is of the same info (one uuid per page load).
    expect(infos[1].info).toBe(info);

    const other = fakeWindow() as Window & { atproto?: unknown };
    other.atproto = 'taken';
    installProvider(other);
    expect(other.atproto).toBe('taken');
  });
});
