import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useEnglishMessages } from '../locales/messages.fixture';
import { type AccountRecord, type KeyringDB, openKeyringDB } from '../storage/db';
import {
  EXPIRY_NOTICE_BEFORE_MS,
  type ExpiryNoticeSurface,
  SessionExpiryNotices,
  sessionStanding,
} from './session-expiry';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-12-07T12:00:00Z');

const account = (did: string, handle: string, endsIn: number, health: AccountRecord['health'] = { state: 'ok' }) =>
  ({
    did,
    handle,
    pds: 'https://pds.example',
    issuer: 'https://pds.example',
    scope: 'atproto',
    signedInAt: NOW + endsIn - 14 * DAY,
    tokensUpdatedAt: NOW,
    accessExpiresAt: null,
    sessionExpiresAt: NOW + endsIn,
    health,
  }) satisfies AccountRecord;

class Surface implements ExpiryNoticeSurface {
  shown: { id: string; title: string; message: string }[] = [];
  wake: number | null | undefined;
  async notify(id: string, text: { title: string; message: string }) {
    this.shown.push({ id, ...text });
  }
  async wakeAt(at: number | null) {
    this.wake = at;
  }
}

let db: KeyringDB;
let surface: Surface;
let clock: number;
let accounts: AccountRecord[];
let n = 0;
const notices = () => new SessionExpiryNotices({ db, accounts: async () => accounts, surface, now: () => clock });

beforeAll(useEnglishMessages);
beforeEach(async () => {
  db = await openKeyringDB(`session-expiry-${++n}`);
  surface = new Surface();
  clock = NOW;
});

describe('the "sign in again" notices', () => {
  it('tells once, two days before the end, and wakes for the next account to come due', async () => {
    accounts = [account('did:plc:a', 'alice.test', 30 * HOUR), account('did:plc:b', 'bob.test', 10 * DAY)];
    await notices().check();
    expect(surface.shown).toEqual([
      {
        id: 'session-expiry:did:plc:a',
        title: 'AT Keyring: sign in again as @alice.test',
        message: expect.stringContaining('ends in about 30 hours'),
      },
    ]);
    expect(surface.wake).toBe(NOW + 10 * DAY - EXPIRY_NOTICE_BEFORE_MS);
    // Again (a worker restart, another sign-in): nothing new for the same session.
    await notices().check();
    expect(surface.shown).toHaveLength(1);
    // Bob's time comes.
    clock = NOW + 8 * DAY + HOUR;
    await notices().check();
    expect(surface.shown.map((s) => s.id)).toEqual(['session-expiry:did:plc:a', 'session-expiry:did:plc:b']);
    expect(surface.wake).toBeNull();
  });

  it('says the session ended when the browser was closed through the two days, and re-arms for a new session', async () => {
    accounts = [account('did:plc:a', 'alice.test', -HOUR)];
    await notices().check();
    expect(surface.shown[0]).toMatchObject({ title: 'AT Keyring: @alice.test is signed out' });
    // Signed in again: a new session end, a new notice when it comes.
    accounts = [account('did:plc:a', 'alice.test', 14 * DAY)];
    await notices().check();
    expect(surface.shown).toHaveLength(1);
    clock += 12 * DAY + HOUR;
    await notices().check();
    expect(surface.shown).toHaveLength(2);
  });

  it('leaves alone an account the server already ended (the popup shows it) and a forgotten one starts over', async () => {
    accounts = [account('did:plc:a', 'alice.test', HOUR, { state: 'reauth-required', reason: 'revoked', at: NOW })];
    await notices().check();
    expect(surface.shown).toEqual([]);
    accounts = [account('did:plc:a', 'alice.test', HOUR)];
    const n1 = notices();
    await n1.check();
    await n1.forget('did:plc:a');
    await n1.check();
    expect(surface.shown).toHaveLength(2);
  });

  it('names where a session stands', () => {
    expect(sessionStanding(account('a', 'a', 3 * DAY), NOW)).toBe('ok');
    expect(sessionStanding(account('a', 'a', 2 * DAY), NOW)).toBe('ending');
    expect(sessionStanding(account('a', 'a', 0), NOW)).toBe('ended');
    expect(sessionStanding(account('a', 'a', DAY, { state: 'reauth-required', reason: 'x', at: 0 }), NOW)).toBe(
      'ended',
    );
  });
});
