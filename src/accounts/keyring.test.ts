import { OAuthCallbackError, OAuthResolverError } from '@atproto/oauth-client-browser';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../oauth/settings';
import { LOGIN_STATE_TTL_MS } from '../oauth/stores';
import { openKeyringDB } from '../storage/db';
import { AccountError, describeAuthorizeError, describeCallbackError } from './errors';
import { Keyring, type KeyringEvent, type KeyringPlatform, normalizeLoginInput } from './keyring';

function fakePlatform(events: KeyringEvent[] = []): KeyringPlatform {
  return {
    openAuthorizationPage: async () => {},
    launchWebAuthFlow: async () => '',
    redirectBase: () => 'https://abc.chromiumapp.org/',
    fetchClientMetadata: async () => {
      throw new Error('not used');
    },
    notify: (e) => events.push(e),
  };
}

describe('login input', () => {
  it('accepts handles, DIDs and URLs, trimming and dropping a leading @', () => {
    expect(normalizeLoginInput('  @alice.test ')).toBe('alice.test');
    expect(normalizeLoginInput('did:plc:abc')).toBe('did:plc:abc');
    expect(normalizeLoginInput('https://pds.example')).toBe('https://pds.example');
  });
  it.each([[''], ['   '], ['a b'], [42], ['x'.repeat(600)]])('rejects %j with invalid-input', (input) => {
    expect(() => normalizeLoginInput(input)).toThrow(expect.objectContaining({ code: 'invalid-input' }));
  });
});

describe('error descriptions', () => {
  it('says an unknown handle is unknown', () => {
    const err = describeAuthorizeError(
      new OAuthResolverError('Failed to resolve identity: bob.nowhere'),
      'bob.nowhere',
    );
    expect(err.code).toBe('unknown-identity');
    expect(err.message).toContain('No account found for “bob.nowhere”');
  });
  it('says an unreachable PDS is unreachable', () => {
    const cause = new TypeError('Failed to fetch');
    const err = describeAuthorizeError(
      new OAuthResolverError('Failed to resolve OAuth server metadata for resource: http://x', { cause }),
      'http://x',
    );
    expect(err.code).toBe('pds-unreachable');
  });
  it('says a denial is a denial', () => {
    const params = new URLSearchParams({ error: 'access_denied', state: 's' });
    const err = describeCallbackError(new OAuthCallbackError(params, 'Access denied', 's'), params);
    expect(err.code).toBe('access-denied');
  });
});

describe('Keyring', () => {
  it('sweeps abandoned sign-ins and expired rows', async () => {
    const db = await openKeyringDB('keyring-sweep');
    const now = 1_000_000;
    const keyring = new Keyring(db, fakePlatform(), DEFAULT_SETTINGS, () => now);
    await db.put(
      'meta',
      {
        old: { id: 'old', input: 'a', startedAt: now - LOGIN_STATE_TTL_MS - 1, status: 'pending' },
        recent: { id: 'recent', input: 'b', startedAt: now - 1000, status: 'pending' },
      },
      'logins',
    );
    await db.put('oauthState', { value: {}, expiresAt: now - 1 }, 'expired-state');
    expect(await keyring.sweep()).toBe(2);
    expect(await keyring.loginStatus('old')).toBeNull();
    expect((await keyring.loginStatus('recent'))?.status).toBe('pending');
    expect(await db.count('oauthState')).toBe(0);
  });

  it('lists accounts, keeps the active one valid, and refuses unknown ones', async () => {
    const db = await openKeyringDB('keyring-accounts');
    const events: KeyringEvent[] = [];
    const keyring = new Keyring(db, fakePlatform(events), DEFAULT_SETTINGS);
    const base = {
      pds: 'https://pds',
      issuer: 'https://pds',
      scope: 'atproto',
      tokensUpdatedAt: 0,
      accessExpiresAt: null,
      sessionExpiresAt: 0,
      health: { state: 'ok' as const },
    };
    await db.put('accounts', { ...base, did: 'did:plc:a', handle: 'a.test', signedInAt: 1 });
    await db.put('accounts', { ...base, did: 'did:plc:b', handle: 'b.test', signedInAt: 2 });
    expect((await keyring.listAccounts()).activeDid).toBeNull();
    await keyring.setActive('did:plc:b');
    expect(await keyring.listAccounts()).toMatchObject({
      activeDid: 'did:plc:b',
      accounts: [{ did: 'did:plc:a' }, { did: 'did:plc:b' }],
    });
    expect(events).toContainEqual({ type: 'accountsChanged' });
    await expect(keyring.setActive('did:plc:zzz')).rejects.toBeInstanceOf(AccountError);
  });

  it('refuses a session marked for re-sign-in without calling the server', async () => {
    const db = await openKeyringDB('keyring-reauth');
    const keyring = new Keyring(db, fakePlatform(), DEFAULT_SETTINGS);
    await db.put('accounts', {
      did: 'did:plc:a',
      handle: 'a.test',
      pds: 'https://pds',
      issuer: 'https://pds',
      scope: 'atproto',
      signedInAt: 1,
      tokensUpdatedAt: 1,
      accessExpiresAt: null,
      sessionExpiresAt: 2,
      health: { state: 'reauth-required', reason: 'revoked', at: 1 },
    });
    await expect(keyring.session('did:plc:a')).rejects.toMatchObject({ code: 'session-expired' });
  });

  it('validates settings updates', async () => {
    const db = await openKeyringDB('keyring-settings');
    const keyring = new Keyring(db, fakePlatform(), DEFAULT_SETTINGS);
    await expect(keyring.updateSettings({ handleResolver: 'ftp://x' })).rejects.toMatchObject({
      code: 'invalid-input',
    });
    const saved = await keyring.updateSettings({ handleResolver: 'http://localhost:2583', allowHttp: true });
    expect(await keyring.settings()).toEqual(saved);
  });
});
