import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../oauth/settings';
import { LOGIN_STATE_TTL_MS } from '../oauth/stores';
import { openKeyringDB } from '../storage/db';
import { Keyring, type KeyringEvent, type KeyringPlatform } from './keyring';

function fakePlatform(events: KeyringEvent[] = []): KeyringPlatform {
  return {
    openAuthorizationPage: async () => undefined,
    launchWebAuthFlow: async () => '',
    redirectBase: () => 'https://abc.chromiumapp.org/',
    oauthKit: () => import('../oauth/kit'),
    notify: (e) => events.push(e),
  };
}

describe('Keyring', () => {
  it('sweeps abandoned sign-ins and expired rows', async () => {
    const db = await openKeyringDB('keyring-sweep');
    const now = 1_000_000;
    const keyring = new Keyring(db, fakePlatform(), DEFAULT_SETTINGS, () => now);
    await db.put('loginAttempts', {
      id: 'old',
      input: 'a',
      startedAt: now - LOGIN_STATE_TTL_MS - 1,
      status: 'pending',
    });
    await db.put('loginAttempts', { id: 'recent', input: 'b', startedAt: now - 1000, status: 'pending' });
    await db.put('oauthState', { value: {}, expiresAt: now - 1 }, 'expired-state');
    expect(await keyring.sweep()).toBe(2);
    expect(await keyring.loginStatus('old')).toBeNull();
    expect((await keyring.loginStatus('recent'))?.status).toBe('pending');
    expect(await db.count('oauthState')).toBe(0);
  });

  it('builds a new OAuth client from new settings', async () => {
    const db = await openKeyringDB('keyring-new-settings');
    const keyring = new Keyring(db, fakePlatform(), DEFAULT_SETTINGS);
    const before = await keyring.oauth();
    expect(await keyring.oauth()).toBe(before);
    await keyring.updateSettings({ handleResolver: 'http://localhost:2583', allowHttp: true });
    expect((await keyring.oauth()).client).not.toBe(before.client);
  });

  it('keeps the OAuth client when only the delete policy changes', async () => {
    const db = await openKeyringDB('keyring-policy-settings');
    const keyring = new Keyring(db, fakePlatform(), DEFAULT_SETTINGS);
    const before = await keyring.oauth();
    expect((await keyring.updateSettings({ allowAlwaysForDeletes: true })).allowAlwaysForDeletes).toBe(true);
    expect(await keyring.oauth()).toBe(before);
    expect((await keyring.settings()).allowAlwaysForDeletes).toBe(true);
  });
});
