import { describe, expect, it, vi } from 'vitest';
import { installProvider } from '../../src/provider/provider';
import { KeyringClient } from '../src/client';
import { CAPABILITIES, CONTRACT_VERSION } from '../src/contract';
import {
  ATKEYRING_RDNS,
  type DiscoveryWindow,
  discoverProviders,
  findProvider,
  supportsCapability,
} from '../src/discovery';
import { ProviderNotFoundError } from '../src/errors';
import type { ProviderInfo } from '../src/types';
import { FakeProvider } from './fake-provider';

/** An "extension" that announces on request (synchronously, like the real one) and optionally late. */
function fakeExtension(
  win: EventTarget,
  info: Partial<ProviderInfo> & { rdns: string },
  opts: { delayMs?: number } = {},
) {
  const provider = new FakeProvider();
  const full: ProviderInfo = {
    uuid: crypto.randomUUID(),
    name: info.rdns,
    icon: 'data:image/svg+xml;base64,',
    ...info,
  };
  const announce = () =>
    win.dispatchEvent(new CustomEvent('atproto:announceProvider', { detail: Object.freeze({ info: full, provider }) }));
  if (opts.delayMs !== undefined) setTimeout(announce, opts.delayMs);
  else win.addEventListener('atproto:requestProvider', announce);
  return { provider, info: full, announce };
}

const newWindow = () => new EventTarget() as DiscoveryWindow;

describe('discoverProviders', () => {
  it('collects every provider, deduplicated by uuid, and ignores malformed announcements', async () => {
    const win = newWindow();
    const a = fakeExtension(win, { rdns: 'dev.atkeyring' });
    const b = fakeExtension(win, { rdns: 'com.example.other' });
    // A second announcement of a (the same uuid) and junk from a hostile script.
    win.addEventListener('atproto:requestProvider', () => {
      a.announce();
      win.dispatchEvent(new CustomEvent('atproto:announceProvider', { detail: { info: { uuid: 'x' }, provider: {} } }));
      win.dispatchEvent(new CustomEvent('atproto:announceProvider', { detail: null }));
      win.dispatchEvent(new Event('atproto:announceProvider'));
    });
    const found = await discoverProviders({ window: win, timeoutMs: 10 });
    expect(found.map((d) => d.info.rdns)).toEqual(['dev.atkeyring', 'com.example.other']);
    expect(found[0]!.provider).toBe(a.provider);
    expect(found[1]!.provider).toBe(b.provider);
    expect(Object.isFrozen(found[0]!.info)).toBe(true);
  });

  it('includes providers that announce late, within the timeout', async () => {
    const win = newWindow();
    fakeExtension(win, { rdns: 'late.one' }, { delayMs: 5 });
    fakeExtension(win, { rdns: 'too.late' }, { delayMs: 200 });
    const found = await discoverProviders({ window: win, timeoutMs: 50 });
    expect(found.map((d) => d.info.rdns)).toEqual(['late.one']);
  });

  it('stops listening after the timeout', async () => {
    const win = newWindow();
    const remove = vi.spyOn(win, 'removeEventListener');
    await discoverProviders({ window: win, timeoutMs: 1 });
    expect(remove).toHaveBeenCalledWith('atproto:announceProvider', expect.any(Function));
  });

  it('finds nothing without a window (e.g. on a server)', async () => {
    expect(typeof (globalThis as any).window).toBe('undefined');
    await expect(discoverProviders({ timeoutMs: 1 })).resolves.toEqual([]);
    await expect(findProvider({ timeoutMs: 1 })).rejects.toBeInstanceOf(ProviderNotFoundError);
  });

  it("discovers the extension's real provider script", async () => {
    // installProvider only needs EventTarget + postMessage from the window.
    const win = Object.assign(new EventTarget(), { postMessage: () => {} }) as unknown as Window & DiscoveryWindow;
    const provider = installProvider(win);
    const found = await discoverProviders({ window: win, timeoutMs: 1 });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      info: { name: 'AT Keyring', rdns: ATKEYRING_RDNS, contractVersion: '1.2' },
      provider,
    });
    expect(found[0]!.info.contractVersion).toBe(CONTRACT_VERSION);
    expect(found[0]!.info.capabilities).toEqual(CAPABILITIES);
    expect(Object.isFrozen(found[0]!.info.capabilities)).toBe(true);
    expect(supportsCapability(found[0]!.info, 'noPrompt')).toBe(true);
    expect(supportsCapability(found[0]!.info, 'secure-origins')).toBe(true);
    expect(win.atproto).toBe(provider);
  });

  it('keeps contractVersion and capabilities (copied and frozen), and v1 announcements without them', async () => {
    const win = newWindow();
    const capabilities = ['noPrompt', 'something.new'];
    const v11 = fakeExtension(win, { rdns: 'v11', contractVersion: '1.1', capabilities });
    fakeExtension(win, { rdns: 'v1' });
    const found = await discoverProviders({ window: win, timeoutMs: 1 });
    expect(found.map((d) => d.info)).toEqual([
      {
        uuid: v11.info.uuid,
        name: 'v11',
        icon: 'data:image/svg+xml;base64,',
        rdns: 'v11',
        contractVersion: '1.1',
        capabilities,
      },
      { uuid: expect.any(String), name: 'v1', icon: 'data:image/svg+xml;base64,', rdns: 'v1' },
    ]);
    // A copy: the announcing script cannot change what the site already checked.
    expect(found[0]!.info.capabilities).not.toBe(capabilities);
    expect(Object.isFrozen(found[0]!.info.capabilities)).toBe(true);
    expect(supportsCapability(found[0]!.info, 'something.new')).toBe(true);
    expect(supportsCapability(found[1]!.info, 'noPrompt')).toBe(false);
    expect(supportsCapability(undefined, 'noPrompt')).toBe(false);
  });

  it('drops malformed contractVersion and capabilities but keeps the provider', async () => {
    const win = newWindow();
    const bad = [
      { contractVersion: 11, capabilities: 'noPrompt' },
      { contractVersion: 'x'.repeat(33), capabilities: ['noPrompt', 1] },
      { contractVersion: null, capabilities: { length: 1, 0: 'noPrompt' } },
    ];
    for (const [i, extra] of bad.entries()) fakeExtension(win, { rdns: `bad${i}`, ...(extra as object) });
    const found = await discoverProviders({ window: win, timeoutMs: 1 });
    expect(found.map((d) => d.info.rdns)).toEqual(['bad0', 'bad1', 'bad2']);
    for (const { info } of found) {
      expect(info).not.toHaveProperty('contractVersion');
      expect(info).not.toHaveProperty('capabilities');
    }
  });
});

describe('findProvider', () => {
  it('prefers the requested rdns among several, without waiting for the timeout', async () => {
    const win = newWindow();
    fakeExtension(win, { rdns: 'com.example.other' });
    const keyring = fakeExtension(win, { rdns: ATKEYRING_RDNS });
    const started = Date.now();
    const found = await findProvider({ window: win, rdns: ATKEYRING_RDNS, timeoutMs: 60_000 });
    expect(found.provider).toBe(keyring.provider);
    expect(found.info?.rdns).toBe(ATKEYRING_RDNS);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('honours a preference list in order', async () => {
    const win = newWindow();
    const b = fakeExtension(win, { rdns: 'b' });
    fakeExtension(win, { rdns: 'c' });
    expect((await findProvider({ window: win, rdns: ['a', 'b', 'c'], timeoutMs: 60_000 })).provider).toBe(b.provider);
  });

  it('without rdns, returns the first announced provider at once', async () => {
    const win = newWindow();
    const first = fakeExtension(win, { rdns: 'one' });
    fakeExtension(win, { rdns: 'two' });
    expect((await findProvider({ window: win, timeoutMs: 60_000 })).provider).toBe(first.provider);
  });

  it('resolves as soon as a late provider matching rdns announces', async () => {
    const win = newWindow();
    const late = fakeExtension(win, { rdns: ATKEYRING_RDNS }, { delayMs: 10 });
    const started = Date.now();
    const found = await findProvider({ window: win, rdns: ATKEYRING_RDNS, timeoutMs: 60_000 });
    expect(found.provider).toBe(late.provider);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('falls back to another announced provider when the preferred one is absent', async () => {
    const win = newWindow();
    const other = fakeExtension(win, { rdns: 'com.example.other' });
    expect((await findProvider({ window: win, rdns: ATKEYRING_RDNS, timeoutMs: 20 })).provider).toBe(other.provider);
  });

  it('falls back to window.atproto when nothing announces', async () => {
    const win = newWindow();
    const legacy = new FakeProvider();
    win.atproto = legacy;
    const found = await findProvider({ window: win, timeoutMs: 5 });
    expect(found).toEqual({ provider: legacy });
    await expect(findProvider({ window: win, timeoutMs: 5, fallbackToGlobal: false })).rejects.toBeInstanceOf(
      ProviderNotFoundError,
    );
  });

  it('throws ProviderNotFoundError when there is no provider at all', async () => {
    const win = newWindow();
    win.atproto = { not: 'a provider' };
    await expect(findProvider({ window: win, timeoutMs: 5 })).rejects.toBeInstanceOf(ProviderNotFoundError);
  });

  it('lets a chooser pick among all providers, or cancel', async () => {
    const win = newWindow();
    fakeExtension(win, { rdns: 'one' });
    const second = fakeExtension(win, { rdns: 'two' });
    const choose = vi.fn((list: { info: ProviderInfo }[]) => list.find((d) => d.info.rdns === 'two'));
    const found = await findProvider({ window: win, timeoutMs: 5, choose: choose as any });
    expect(choose.mock.calls[0]![0].map((d) => d.info.rdns)).toEqual(['one', 'two']);
    expect(found.provider).toBe(second.provider);
    await expect(findProvider({ window: win, timeoutMs: 5, choose: async () => undefined })).rejects.toThrow(
      'No provider was chosen',
    );
  });

  it('KeyringClient.discover wraps the provider it finds', async () => {
    const win = newWindow();
    const keyring = fakeExtension(win, { rdns: ATKEYRING_RDNS });
    const client = await KeyringClient.discover({ window: win, rdns: ATKEYRING_RDNS });
    expect(client.provider).toBe(keyring.provider);
    expect(client.info).toEqual(keyring.info);
  });
});
