import { describe, expect, it } from 'vitest';
import { KeyringClient } from '../src/client';
import type { DiscoveryWindow } from '../src/discovery';
import { ProviderUnsupportedError } from '../src/errors';
import type { ProviderInfo } from '../src/types';
import { FakeProvider } from './fake-provider';

/** A window where one provider announces `info` when asked (none when info is null). */
function windowWith(info: Partial<ProviderInfo> | null): DiscoveryWindow {
  const win = new EventTarget() as DiscoveryWindow;
  if (info) {
    const detail = {
      info: { uuid: crypto.randomUUID(), name: 'P', icon: '', rdns: 'dev.atkeyring', ...info },
      provider: new FakeProvider(),
    };
    win.addEventListener('atproto:requestProvider', () =>
      win.dispatchEvent(new CustomEvent('atproto:announceProvider', { detail })),
    );
  }
  return win;
}

describe('the contract a provider must meet', () => {
  it('accepts a 1.x provider with the capabilities required, and answers supports()', async () => {
    const client = await KeyringClient.discover({
      window: windowWith({ contractVersion: '1.1', capabilities: ['noPrompt', 'did'] }),
      requires: ['noPrompt'],
      timeoutMs: 10,
    });
    expect(client.supports('did')).toBe(true);
    expect(client.supports('labelers')).toBe(false);
  });

  it('refuses a provider that lacks a required capability, or speaks another major version', async () => {
    const lacking = KeyringClient.discover({ window: windowWith({}), requires: ['noPrompt', 'did'], timeoutMs: 10 });
    await expect(lacking).rejects.toBeInstanceOf(ProviderUnsupportedError);
    await expect(lacking).rejects.toMatchObject({ contractVersion: '1', missing: ['noPrompt', 'did'] });
    const future = KeyringClient.discover({ window: windowWith({ contractVersion: '2.0' }), timeoutMs: 10 });
    await expect(future).rejects.toMatchObject({ name: 'ProviderUnsupportedError', contractVersion: '2.0' });
  });

  it('detect() is null when no provider is installed, and still refuses an unsupported one', async () => {
    expect(await KeyringClient.detect({ window: windowWith(null), timeoutMs: 10 })).toBeNull();
    await expect(
      KeyringClient.detect({ window: windowWith({ contractVersion: '2.0' }), timeoutMs: 10 }),
    ).rejects.toBeInstanceOf(ProviderUnsupportedError);
  });
});
