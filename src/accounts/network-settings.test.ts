import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../oauth/settings';
import { openKeyringDB } from '../storage/db';
import { NetworkSettingsStore } from './network-settings';

describe('NetworkSettingsStore', () => {
  it('validates settings updates', async () => {
    const db = await openKeyringDB('keyring-settings');
    const settings = new NetworkSettingsStore(db, DEFAULT_SETTINGS);
    await expect(settings.update({ handleResolver: 'ftp://x' })).rejects.toMatchObject({
      code: 'invalid-input',
    });
    const saved = await settings.update({ handleResolver: 'http://localhost:2583', allowHttp: true });
    expect(await settings.get()).toEqual(saved);
  });
});
