import { beforeEach, describe, expect, it } from 'vitest';
import { DB_VERSION, type KeyringDB, openKeyringDB, sweepExpired } from './db';
import { createExpiringStore, plainStore } from './expiring-store';

let db: KeyringDB;
let counter = 0;
beforeEach(async () => {
  db = await openKeyringDB(`test-db-${++counter}`);
});

describe('expiring store', () => {
  it('stores, reads and deletes values', async () => {
    const store = plainStore<{ n: number }>(db, 'didCache', 60_000);
    expect(await store.get('a')).toBeUndefined();
    await store.set('a', { n: 1 });
    expect(await store.get('a')).toEqual({ n: 1 });
    await store.del('a');
    expect(await store.get('a')).toBeUndefined();
  });

  it('reads an expired row as absent and deletes it', async () => {
    let now = 1_000;
    const store = plainStore<string>(db, 'handleCache', 100, () => now);
    await store.set('alice.test', 'did:plc:alice');
    now = 1_099;
    expect(await store.get('alice.test')).toBe('did:plc:alice');
    now = 1_100;
    expect(await store.get('alice.test')).toBeUndefined();
    expect(await db.get('handleCache', 'alice.test')).toBeUndefined();
  });

  it('encodes on write and decodes on read', async () => {
    const store = createExpiringStore<Date, number>(db, 'dpopNonce', {
      expiresAt: () => null,
      encode: (d) => d.getTime(),
      decode: (n) => new Date(n),
    });
    await store.set('k', new Date(42));
    expect((await db.get('dpopNonce', 'k'))?.value).toBe(42);
    expect((await store.get('k'))?.getTime()).toBe(42);
  });
});

describe('expiring store: warm-up', () => {
  it('reads live rows into memory, so later reads need no IndexedDB; expired rows stay out', async () => {
    let now = 1_000;
    const memory = { maxEntries: 10 };
    const writer = plainStore<string>(db, 'dpopNonce', 100, () => now);
    await writer.set('live', 'n1');
    now = 1_050;
    await writer.set('later', 'n2');
    now = 1_120; // 'live' has expired, 'later' has not
    const store = plainStore<string>(db, 'dpopNonce', 100, () => now, memory);
    await store.warm!();
    await db.put('dpopNonce', { value: 'changed behind its back', expiresAt: null }, 'later');
    expect(await store.get('later')).toBe('n2'); // from memory
    expect(await store.get('live')).toBeUndefined();
  });

  it('keeps nothing it read when a write came meanwhile (the read may predate it)', async () => {
    const store = plainStore<string>(db, 'dpopNonce', 60_000, Date.now, { maxEntries: 10 });
    await db.put('dpopNonce', { value: 'old', expiresAt: null }, 'k');
    const warming = store.warm!();
    await store.del('k');
    await warming;
    await db.put('dpopNonce', { value: 'new', expiresAt: null }, 'k');
    expect(await store.get('k')).toBe('new');
  });
});

describe('sweepExpired', () => {
  it('removes expired rows from every store and keeps live and non-expiring rows', async () => {
    await db.put('oauthState', { value: 'old', expiresAt: 500 }, 'old-state');
    await db.put('oauthState', { value: 'new', expiresAt: 5_000 }, 'new-state');
    await db.put('didCache', { value: 'old', expiresAt: 999 }, 'old-did');
    await db.put('oauthSession', { value: 'forever', expiresAt: null }, 'did:plc:x');
    const removed = await sweepExpired(db, 1_000);
    expect(removed).toBe(2);
    expect(await db.getAllKeys('oauthState')).toEqual(['new-state']);
    expect(await db.getAllKeys('didCache')).toEqual([]);
    expect(await db.getAllKeys('oauthSession')).toEqual(['did:plc:x']);
  });
});

describe('upgrades', () => {
  it('keeps accounts, the active account and settings of a version 2 database, and drops its map of sign-ins', async () => {
    const name = `test-db-upgrade-${++counter}`;
    const account = {
      did: 'did:plc:a',
      handle: 'a.test',
      pds: 'https://pds',
      issuer: 'https://pds',
      scope: 'atproto',
      signedInAt: 1,
      tokensUpdatedAt: 1,
      accessExpiresAt: null,
      sessionExpiresAt: 2,
      health: { state: 'ok' as const },
    };
    const settings = {
      handleResolver: 'http://localhost:1',
      plcDirectoryUrl: 'http://localhost:2',
      allowHttp: true,
      clientId: '',
    };
    const v2 = await openKeyringDB(name, 2);
    await v2.put('accounts', account);
    await v2.put('oauthSession', { value: 'session', expiresAt: null }, 'did:plc:a');
    await v2.put('meta', 'did:plc:a', 'activeDid');
    await v2.put('meta', settings, 'settings');
    await v2.put(
      'meta',
      { x: { id: 'x', input: 'a.test', startedAt: 1, status: 'pending' } } as never,
      'logins' as never,
    );
    v2.close();

    const upgraded = await openKeyringDB(name);
    expect(upgraded.version).toBe(DB_VERSION);
    expect(await upgraded.get('accounts', 'did:plc:a')).toEqual(account);
    expect(await upgraded.get('oauthSession', 'did:plc:a')).toEqual({ value: 'session', expiresAt: null });
    expect(await upgraded.get('meta', 'settings')).toEqual(settings);
    expect(await upgraded.getAllKeys('meta')).toEqual(['activeDid', 'settings']);
    expect(await upgraded.count('loginAttempts')).toBe(0);
  });
});
