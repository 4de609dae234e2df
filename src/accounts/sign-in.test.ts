import { OAuthCallbackError } from '@atproto/oauth-client-browser';
import { describe, expect, it } from 'vitest';
import { loopbackIdentity } from '../oauth/client-identity';
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
async function signInFixture(callback: (params: URLSearchParams) => Promise<unknown>) {
  const db = await openKeyringDB(`sign-in-${++dbCounter}`);
  const events: KeyringEvent[] = [];
  const opened: string[] = [];
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
    oauth: { get: async () => ({ client: client as never, identity: loopbackIdentity() }) },
    accounts,
    sessions: { adopt: (session) => void adopted.push(session.did) },
    platform: {
      openAuthorizationPage: async (url) => void opened.push(url),
      launchWebAuthFlow: async () => '',
      notify: (e) => events.push(e),
    },
    now: () => 1_000,
  });
  return { db, signIn, accounts, events, opened, adopted };
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
});
