import { describe, expect, it } from 'vitest';
import { openKeyringDB } from '../storage/db';
import { Accounts } from './accounts';
import { AccountError } from './errors';
import type { KeyringEvent } from './platform';

describe('Accounts', () => {
  it('lists accounts, keeps the active one valid, and refuses unknown ones', async () => {
    const db = await openKeyringDB('keyring-accounts');
    const events: KeyringEvent[] = [];
    const accounts = new Accounts(db, (e) => events.push(e));
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
    expect((await accounts.list()).activeDid).toBeNull();
    await accounts.setActive('did:plc:b');
    expect(await accounts.list()).toMatchObject({
      activeDid: 'did:plc:b',
      accounts: [{ did: 'did:plc:a' }, { did: 'did:plc:b' }],
    });
    expect(events).toContainEqual({ type: 'accountsChanged' });
    await expect(accounts.setActive('did:plc:zzz')).rejects.toBeInstanceOf(AccountError);
  });

  it("keeps the store in memory: its own writes show at once, and a record it hands out is the caller's copy", async () => {
    const db = await openKeyringDB('keyring-accounts-mirror');
    const accounts = new Accounts(
      db,
      () => {},
      () => 7,
    );
    await accounts.recordSignIn({
      did: 'did:plc:m',
      handle: 'm.test',
      pds: 'https://pds',
      issuer: 'https://pds',
      scope: 'atproto',
      accessExpiresAt: null,
    });
    accounts.warm();
    const handed = await accounts.get('did:plc:m');
    handed.health = { state: 'reauth-required', reason: 'by the caller', at: 0 };
    expect((await accounts.get('did:plc:m')).health).toEqual({ state: 'ok' });
    await accounts.markReauth('did:plc:m', 'revoked');
    expect((await accounts.get('did:plc:m')).health).toMatchObject({ state: 'reauth-required', reason: 'revoked' });
    await accounts.update('did:plc:m', { handle: 'renamed.test' });
    expect((await accounts.list()).accounts.map((a) => a.handle)).toEqual(['renamed.test']);
    expect((await db.get('accounts', 'did:plc:m'))?.handle).toBe('renamed.test');
    await accounts.remove('did:plc:m');
    await expect(accounts.get('did:plc:m')).rejects.toBeInstanceOf(AccountError);
  });
});
