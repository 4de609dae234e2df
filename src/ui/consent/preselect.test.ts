import { describe, expect, it } from 'vitest';
import type { AccountRecord } from '../../storage/db';
import { preselect } from './preselect';

const acct = (did: string, handle: string, ok = true): AccountRecord => ({
  did,
  handle,
  pds: 'https://pds.example/',
  issuer: 'https://pds.example',
  scope: 'atproto',
  signedInAt: 1,
  tokensUpdatedAt: 1,
  accessExpiresAt: null,
  sessionExpiresAt: 2,
  health: ok ? { state: 'ok' } : { state: 'reauth-required', reason: 'x', at: 1 },
});
const alice = acct('did:plc:alice', 'alice.test');
const bob = acct('did:plc:bob', 'bob.test');
const stale = acct('did:plc:stale', 'stale.test', false);
const view = (account: string | undefined, accounts = [alice, bob, stale], activeDid: string | null = alice.did) => ({
  prompt: { details: { kind: 'connect' as const, scope: ['atproto'], account } },
  accounts,
  activeDid,
});

describe('consent window: which account is preselected', () => {
  it("follows the site's hint when it names a listed account (by DID or handle)", () => {
    expect(preselect(view(bob.did), '')).toBe(bob.did);
    expect(preselect(view('Bob.Test'), '')).toBe(bob.did);
  });

  it('ignores a hint for an account the list does not show, falling back to the active account', () => {
    expect(preselect(view(stale.did), '')).toBe(alice.did);
    expect(preselect(view('stale.test'), '')).toBe(alice.did);
    expect(preselect(view('nobody.test'), '')).toBe(alice.did);
  });

  it('skips an active account that needs signing in again', () => {
    expect(preselect(view(undefined, [stale, bob], stale.did), '')).toBe(bob.did);
    expect(preselect(view(undefined, [stale], stale.did), '')).toBe('');
  });

  it("keeps the user's choice while it stays listed, and drops it when it no longer is", () => {
    expect(preselect(view(alice.did), bob.did)).toBe(bob.did);
    expect(
      preselect(
        view(undefined, [alice, { ...bob, health: { state: 'reauth-required', reason: 'x', at: 1 } }]),
        bob.did,
      ),
    ).toBe(alice.did);
  });
});
