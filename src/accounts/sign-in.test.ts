import { OAuthCallbackError } from '@atproto/oauth-client-browser';
import { describe, expect, it } from 'vitest';
import * as kit from '../oauth/kit';
import { openKeyringDB } from '../storage/db';
import { Accounts } from './accounts';
import type { KeyringEvent } from './platform';
import { normalizeLoginInput, SignIn } from './sign-in';

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

let dbCounter = 0;

/** A sign-in against a stand-in OAuth client whose PDS answers with `callback`. */
async function signInFixture(
  callback: (params: URLSearchParams) => Promise<unknown>,
  windows: { focusable?: boolean } = {},
) {
  const db = await openKeyringDB(`sign-in-${++dbCounter}`);
  const events: KeyringEvent[] = [];
  const opened: string[] = [];
  const focused: number[] = [];
  const closed: number[] = [];
  const adopted: string[] = [];
  const client = {
    authorize: async (input: string, { state }: { state: string }) =>
      new URL(`https://pds.example/authorize?login_hint=${input}&state=${state}`),
    callback,
    identityResolver: { resolve: async () => ({ handle: 'alice.test' }) },
  };
  const accounts = new Accounts(
    db,
    (e) => events.push(e),
    () => 1_000,
  );
  const signIn = new SignIn({
    db,
    oauth: { get: async () => ({ client: client as never, identity: kit.loopbackIdentity(), kit }) },
    accounts,
    sessions: { adopt: (session) => void adopted.push(session.did) },
    platform: {
      openAuthorizationPage: async (url) => {
        opened.push(url);
        return windows.focusable === undefined ? undefined : 100 + opened.length;
      },
      launchWebAuthFlow: async () => '',
      notify: (e) => events.push(e),
      focusWindow: async (id) => {
        focused.push(id);
        return windows.focusable === true;
      },
      closeWindow: async (id) => void closed.push(id),
    },
    now: () => 1_000,
  });
  return { db, signIn, accounts, events, opened, adopted, focused, closed };
}

const session = {
  did: 'did:plc:alice',
  getTokenInfo: async () => ({
    aud: 'https://pds.example/',
    iss: 'https://pds.example',
    scope: 'atproto transition:generic',
    expiresAt: new Date(61_000),
  }),
};

describe('SignIn', () => {
  it('keeps each sign-in as a record of its own', async () => {
    const { signIn, opened } = await signInFixture(async () => {
      throw new Error('unused');
    });
    const [a, b] = await Promise.all([signIn.start('alice.test'), signIn.start('bob.test')]);
    expect(await signIn.status(a.id)).toEqual({ id: a.id, input: 'alice.test', startedAt: 1_000, status: 'pending' });
    expect(await signIn.status(b.id)).toMatchObject({ input: 'bob.test', status: 'pending' });
    expect(opened).toHaveLength(2);
    expect(new URL(opened[0]).searchParams.get('state')).toBe(a.id);
  });

  it('finishes a sign-in once: records the account (the first becomes active) and says so', async () => {
    const { signIn, accounts, events, adopted } = await signInFixture(async (params) => ({
      session,
      state: params.get('state'),
    }));
    const attempt = await signIn.start('alice.test');
    const params = new URLSearchParams({ state: attempt.id, code: 'c', iss: 'https://pds.example' });
    const done = { ...attempt, status: 'done', did: 'did:plc:alice' };
    expect(await signIn.complete(params)).toEqual(done);
    expect(await signIn.complete(params)).toBeNull();
    expect(await signIn.status(attempt.id)).toEqual(done);
    expect(adopted).toEqual(['did:plc:alice']);
    expect(await accounts.list()).toEqual({
      activeDid: 'did:plc:alice',
      accounts: [
        {
          did: 'did:plc:alice',
          handle: 'alice.test',
          pds: 'https://pds.example/',
          issuer: 'https://pds.example',
          scope: 'atproto transition:generic',
          signedInAt: 1_000,
          tokensUpdatedAt: 1_000,
          accessExpiresAt: 61_000,
          sessionExpiresAt: 1_000 + 14 * 24 * 3600_000,
          health: { state: 'ok' },
        },
      ],
    });
    expect(events).toEqual([{ type: 'loginFinished', login: done }, { type: 'accountsChanged' }]);
  });

  it('records a refusal at the server on its sign-in', async () => {
    const { signIn, events } = await signInFixture(async (params) => {
      throw new OAuthCallbackError(params, 'Access denied', params.get('state') ?? undefined);
    });
    const attempt = await signIn.start('alice.test');
    const failed = await signIn.complete(new URLSearchParams({ state: attempt.id, error: 'access_denied' }));
    expect(failed).toMatchObject({ id: attempt.id, status: 'failed', error: { code: 'access-denied' } });
    expect(await signIn.status(attempt.id)).toEqual(failed);
    expect(events).toEqual([{ type: 'loginFinished', login: failed }]);
  });

  it('brings a pending sign-in’s window back, cancels it (closing the window), and ends one whose window closed', async () => {
    const signedIn: string[] = [];
    const { signIn, focused, closed, accounts } = await signInFixture(
      async (params) => {
        signedIn.push(String(params.get('state')));
        return {
          session: { ...session, signOut: async () => void signedIn.push('signed out') },
          state: params.get('state'),
        };
      },
      { focusable: true },
    );
    const a = await signIn.start('alice.test');
    expect(a.windowId).toBe(101);
    expect(await signIn.focus(a.id)).toBe(true);
    expect(focused).toEqual([101]);

    expect(await signIn.cancel(a.id)).toMatchObject({ status: 'failed', error: { code: 'login-cancelled' } });
    expect(closed).toEqual([101]);
    expect(await signIn.focus(a.id)).toBe(false);
    // The server's answer arrives anyway: no account is added behind the user's back.
    const params = new URLSearchParams({ state: a.id, code: 'c', iss: 'https://pds.example' });
    expect(await signIn.complete(params)).toMatchObject({ status: 'failed', error: { code: 'login-cancelled' } });
    expect(signedIn).toEqual([a.id, 'signed out']);
    expect((await accounts.list()).accounts).toEqual([]);

    const b = await signIn.start('bob.test');
    await signIn.windowClosed(999);
    expect(await signIn.status(b.id)).toMatchObject({ status: 'pending' });
    await signIn.windowClosed(b.windowId!);
    expect(await signIn.status(b.id)).toMatchObject({ status: 'failed', error: { code: 'access-denied' } });
    // A finished sign-in is not cancelled after the fact.
    expect(await signIn.cancel(b.id)).toMatchObject({ error: { code: 'access-denied' } });
  });
});
