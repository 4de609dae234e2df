import { describe, expect, it } from 'vitest';
import type { ExtensionOAuth } from '../oauth/client-lifecycle';
import { createOAuthStores } from '../oauth/stores';
import { type AccountRecord, type KeyringDB, openKeyringDB } from '../storage/db';
import { Accounts } from './accounts';
import type { KeyringEvent } from './platform';
import { SessionPool } from './session-pool';

const account = (did: string, signedInAt: number, health: AccountRecord['health'] = { state: 'ok' }) => ({
  did,
  handle: `${did.slice(8)}.test`,
  pds: 'https://pds',
  issuer: 'https://pds',
  scope: 'atproto',
  signedInAt,
  tokensUpdatedAt: signedInAt,
  accessExpiresAt: null,
  sessionExpiresAt: signedInAt + 1,
  health,
});

const noServer = (db: KeyringDB) => ({
  stores: createOAuthStores(db),
  get: async (): Promise<ExtensionOAuth> => {
    throw new Error('the server was called');
  },
});

describe('SessionPool', () => {
  it('refuses a session marked for re-sign-in without calling the server', async () => {
    const db = await openKeyringDB('keyring-reauth');
    const pool = new SessionPool(noServer(db), new Accounts(db, () => {}), () => {});
    await db.put('accounts', account('did:plc:a', 1, { state: 'reauth-required', reason: 'revoked', at: 1 }));
    await expect(pool.session('did:plc:a')).rejects.toMatchObject({ code: 'session-expired' });
  });

  it('a session end the library reports without waiting is seen by the next read of the account', async () => {
    const db = await openKeyringDB('session-pool-recorded');
    const accounts = new Accounts(db, () => {});
    const pool = new SessionPool(noServer(db), accounts, () => {});
    await db.put('accounts', account('did:plc:a', 1));
    // As the library does: the listener is called, its promise not awaited.
    void pool.sessionDeleted('did:plc:a', 'revoked');
    await pool.recorded('did:plc:a');
    expect((await accounts.get('did:plc:a')).health).toMatchObject({ state: 'reauth-required', reason: 'revoked' });
    await pool.recorded('did:plc:b'); // nothing reported: nothing to wait for
  });

  it('marks an account for re-sign-in when the client drops its session, except while signing it out', async () => {
    const db = await openKeyringDB('session-pool-deleted');
    const events: KeyringEvent[] = [];
    const notify = (e: KeyringEvent) => events.push(e);
    const accounts = new Accounts(db, notify, () => 5);
    let pool: SessionPool | undefined;
    // Like the OAuth client: revoking deletes the session (and tells) even when the PDS is unreachable.
    const client = {
      revoke: async (did: string) => {
        await pool?.sessionDeleted(did, 'ended');
        throw new Error('PDS unreachable');
      },
    };
    pool = new SessionPool(
      { stores: createOAuthStores(db), get: async () => ({ client }) as never },
      accounts,
      notify,
      () => 5,
    );
    await db.put('accounts', account('did:plc:a', 1));
    await db.put('accounts', account('did:plc:b', 2));
    await db.put('meta', 'did:plc:a', 'activeDid');

    await pool.sessionDeleted('did:plc:b', 'ended');
    expect((await accounts.get('did:plc:b')).health).toEqual({
      state: 'reauth-required',
      reason: 'ended',
      at: 5,
    });
    expect(events).toEqual([{ type: 'sessionEnded', did: 'did:plc:b', reason: 'ended' }, { type: 'accountsChanged' }]);

    events.length = 0;
    expect(await pool.signOut('did:plc:a')).toEqual({ revokedAtServer: false });
    expect(events).toEqual([
      { type: 'sessionEnded', did: 'did:plc:a', reason: 'signed-out' },
      { type: 'accountsChanged' },
    ]);
    expect(await accounts.list()).toMatchObject({ activeDid: 'did:plc:b', accounts: [{ did: 'did:plc:b' }] });
  });
});
