import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccountError } from '../../accounts/errors';
import { WriteAlerts } from '../../activity/write-alerts';
import { ALICE, createBrokerFixture, SITE } from '../../broker/broker.fixture';
import { type PromptView, privilegedOperations, type SiteGrantView } from '../../protocol/privileged';
import type { AccountRecord, GrantRecord, PromptRecord } from '../../storage/db';
import { handlePrivilegedRequest, isExtensionPage, runHandler } from './channel';
import { defineHandler, type PrivilegedServices } from './handler';
import { privilegedRoutes } from './routes';

const account = (did: string, handle: string) => ({ did, handle }) as AccountRecord;
const grant = (origin: string, did: string, selectedAt: number, scope = 'atproto'): GrantRecord => ({
  origin,
  did,
  scope,
  createdAt: 0,
  selectedAt,
});

const SERVICE_NAMES = [
  'keyring',
  'broker',
  'grants',
  'prompts',
  'siteIcons',
  'previews',
  'writeAlerts',
  'siteAccess',
  'activity',
] as const satisfies readonly (keyof PrivilegedServices)[];

/** Services whose members throw when touched unless the test supplies them. */
function services(given: Partial<Record<keyof PrivilegedServices, object>>): PrivilegedServices {
  const all = {} as Record<string, unknown>;
  for (const name of SERVICE_NAMES) {
    Object.defineProperty(all, name, {
      get: () => {
        if (name in given) return given[name];
        throw new Error(`${name} was not declared`);
      },
    });
  }
  return all as unknown as PrivilegedServices;
}

afterEach(() => vi.restoreAllMocks());

describe('the route table', () => {
  it('has a handler for every operation of the map, and only those', () => {
    expect(Object.keys(privilegedRoutes).sort()).toEqual(Object.keys(privilegedOperations).sort());
  });
  it('files each handler under its own operation, using only known services', () => {
    for (const [op, handler] of Object.entries(privilegedRoutes)) {
      expect(handler.op).toBe(op);
      for (const name of handler.uses) expect(SERVICE_NAMES).toContain(name);
    }
  });
});

describe('isExtensionPage', () => {
  const id = 'abcdef';
  const origin = 'chrome-extension://abcdef/';
  it('accepts the extension’s own pages', () => {
    expect(isExtensionPage({ id, url: 'chrome-extension://abcdef/popup.html' }, id, origin)).toBe(true);
  });
  it('refuses content scripts, other extensions and senders without a URL', () => {
    expect(isExtensionPage({ id, url: 'https://site.example/' }, id, origin)).toBe(false);
    expect(isExtensionPage({ id: 'other', url: 'chrome-extension://abcdef/popup.html' }, id, origin)).toBe(false);
    expect(isExtensionPage({ id }, id, origin)).toBe(false);
  });
});

describe('handlePrivilegedRequest', () => {
  it('refuses malformed requests with invalid-request before any handler runs', async () => {
    const none = services({});
    for (const raw of [
      null,
      'accounts.list',
      { op: 'accounts.exportKeys' },
      { op: 'accounts.signOut', did: 'alice' },
      { op: 'accounts.list', extra: 1 },
      { op: 'login.start', input: 'x'.repeat(513) },
    ]) {
      expect(await handlePrivilegedRequest(none, raw)).toEqual({
        ok: false,
        error: { code: 'invalid-request', message: 'message: matches no allowed shape' },
      });
    }
  });

  it('gives a handler only the services it declared', async () => {
    const seen: string[][] = [];
    const handler = defineHandler({
      op: 'grants.list',
      uses: ['grants', 'keyring'],
      handle: async (_, given) => {
        seen.push(Object.keys(given).sort());
        return [];
      },
    });
    const all = {
      keyring: {},
      broker: {},
      grants: {},
      prompts: {},
      siteIcons: {},
      previews: {},
    } as PrivilegedServices;
    expect(await runHandler(handler, {}, all)).toEqual([]);
    expect(seen).toEqual([['grants', 'keyring']]);
  });

  it('answers with the handler’s result', async () => {
    const list = { accounts: [account('did:plc:a', 'a.test')], activeDid: 'did:plc:a' };
    const keyring = { listAccounts: async () => list, setActive: vi.fn(async () => {}) };
    expect(await handlePrivilegedRequest(services({ keyring }), { op: 'accounts.list' })).toEqual({
      ok: true,
      result: list,
    });
    expect(
      await handlePrivilegedRequest(services({ keyring }), { op: 'accounts.setActive', did: 'did:plc:a' }),
    ).toEqual({ ok: true, result: null });
    expect(keyring.setActive).toHaveBeenCalledWith('did:plc:a');
  });

  it('maps an AccountError to its code and anything else to internal', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const keyring = {
      signOut: async () => {
        throw new AccountError('no-such-account', 'No such account.');
      },
      checkSession: async () => {
        throw new TypeError('boom');
      },
    };
    expect(await handlePrivilegedRequest(services({ keyring }), { op: 'accounts.signOut', did: 'did:plc:a' })).toEqual({
      ok: false,
      error: { code: 'no-such-account', message: 'No such account.' },
    });
    expect(await handlePrivilegedRequest(services({ keyring }), { op: 'accounts.check', did: 'did:plc:a' })).toEqual({
      ok: false,
      error: { code: 'internal', message: 'Something went wrong inside AT Keyring.' },
    });
    expect(error).toHaveBeenCalledTimes(1);
  });

  it('lists grants by origin, most recently chosen account first, with handles and plain words', async () => {
    const keyring = { listAccounts: async () => ({ accounts: [account('did:plc:a', 'a.test')], activeDid: null }) };
    const grants = {
      all: async () => [
        grant('https://b.example', 'did:plc:a', 1),
        grant('https://a.example', 'did:plc:gone', 1),
        grant('https://a.example', 'did:plc:a', 2, 'atproto transition:generic'),
      ],
    };
    const answer = await handlePrivilegedRequest(services({ keyring, grants }), { op: 'grants.list' });
    expect(answer.ok && answer.result).toMatchObject([
      { origin: 'https://a.example', did: 'did:plc:a', handle: 'a.test', scope: 'atproto transition:generic' },
      { origin: 'https://a.example', did: 'did:plc:gone', handle: 'did:plc:gone' },
      { origin: 'https://b.example', did: 'did:plc:a', handle: 'a.test' },
    ]);
    expect(answer.ok && (answer.result as SiteGrantView[])[0].scopes).toMatchObject([
      { scope: 'atproto', removable: false },
      { scope: 'transition:generic', removable: true, text: expect.stringContaining('Full access') },
    ]);
  });

  it('shows a prompt with the accounts to choose from, and passes the decision on', async () => {
    const prompt = {
      id: 'p1',
      origin: 'https://a.example',
      details: { kind: 'call', summary: ['Create a post'], scopes: ['repo:app.bsky.feed.post?action=create'] },
    } as PromptRecord;
    const list = { accounts: [account('did:plc:a', 'a.test')], activeDid: 'did:plc:a' };
    const prompts = {
      get: async (id: string) => (id === 'p1' ? prompt : undefined),
      decide: vi.fn(async () => true),
      answeredBefore: async () => false,
    };
    const keyring = { listAccounts: async () => list, settings: async () => ({ allowAlwaysForDeletes: false }) };
    const grants = { forOrigin: async () => [grant('https://a.example', 'did:plc:a', 1)] };
    const s = services({ keyring, prompts, grants });
    expect(await handlePrivilegedRequest(s, { op: 'prompt.get', id: 'p1' })).toEqual({
      ok: true,
      result: {
        prompt,
        lines: ['Create a post'],
        asker: { origin: 'https://a.example', firstTime: false, plainHttp: [] },
        always: 'offered',
        ...list,
      },
    });
    expect(await handlePrivilegedRequest(s, { op: 'prompt.get', id: 'p2' })).toEqual({ ok: true, result: null });
    await handlePrivilegedRequest(s, { op: 'prompt.decide', id: 'p1', outcome: 'approve', did: 'did:plc:a' });
    await handlePrivilegedRequest(s, { op: 'prompt.decide', id: 'p1', outcome: 'reject', remember: true });
    expect(prompts.decide.mock.calls).toEqual([
      ['p1', { outcome: 'approve', did: 'did:plc:a', remember: undefined }],
      ['p1', { outcome: 'reject', reason: 'denied' }],
    ]);
  });

  it('groups a connect prompt’s scopes, says first time, and offers no "always" for a delete by default', async () => {
    const connect = {
      id: 'c1',
      origin: 'http://127.0.0.1:5173',
      kind: 'connect',
      details: { kind: 'connect', scope: ['atproto', 'transition:generic'] },
    } as PromptRecord;
    const deletion = {
      id: 'd1',
      origin: 'https://a.example',
      topOrigin: 'http://localhost:3000',
      kind: 'call',
      details: { kind: 'call', summary: ['Delete a post'], scopes: ['repo:app.bsky.feed.post?action=delete'] },
    } as PromptRecord;
    const byId: Record<string, PromptRecord> = { c1: connect, d1: deletion };
    let allowAlwaysForDeletes = false;
    const s = services({
      prompts: { get: async (id: string) => byId[id], answeredBefore: async (o: string) => o === 'https://a.example' },
      keyring: {
        listAccounts: async () => ({ accounts: [], activeDid: null }),
        settings: async () => ({ allowAlwaysForDeletes }),
      },
      grants: { forOrigin: async () => [] },
    });
    const view = async (id: string) => {
      const answer = await handlePrivilegedRequest(s, { op: 'prompt.get', id });
      if (!answer.ok || !answer.result) throw new Error('no view');
      return answer.result as PromptView;
    };
    const connectView = await view('c1');
    expect(connectView.asker).toEqual({ origin: connect.origin, firstTime: true, plainHttp: [connect.origin] });
    expect(connectView.scopes?.groups.map((g) => g.group)).toEqual(['read', 'account']);
    expect(connectView.scopes?.broad.map((b) => b.kind)).toEqual(['whole-account']);
    const deleteView = await view('d1');
    expect(deleteView.asker).toEqual({
      origin: 'https://a.example',
      topOrigin: 'http://localhost:3000',
      firstTime: false,
      plainHttp: ['http://localhost:3000'],
    });
    expect(deleteView.always).toBe('off-for-deletes');
    expect(deleteView.scopes).toBeUndefined();
    allowAlwaysForDeletes = true;
    expect((await view('d1')).always).toBe('offered');
  });

  it('hands the site icon over only for a live prompt', async () => {
    const prompt = { id: 'p1', origin: 'https://a.example' } as PromptRecord;
    const icon = { type: 'image/png', base64: 'iVBORw0KGgo=' };
    const forPrompt = vi.fn(async () => icon);
    const s = services({
      prompts: { get: async (id: string) => (id === 'p1' ? prompt : undefined) },
      siteIcons: { forPrompt },
    });
    expect(await handlePrivilegedRequest(s, { op: 'prompt.siteIcon', id: 'p1' })).toEqual({ ok: true, result: icon });
    expect(await handlePrivilegedRequest(s, { op: 'prompt.siteIcon', id: 'gone' })).toEqual({ ok: true, result: null });
    expect(forPrompt.mock.calls).toEqual([[prompt]]);
  });

  it('leaves the bytes of a file being sent out of prompt.get; prompt.blob hands them over as base64', async () => {
    const stored = {
      id: 'p1',
      origin: 'https://a.example',
      kind: 'call',
      details: { kind: 'call', summary: ['Upload a file'], scopes: ['blob:image/png'] },
      previewBytes: new Uint8Array([1, 2, 3]),
    } as PromptRecord;
    const prompts = {
      get: async (id: string) => (id === 'p1' ? stored : undefined),
      answeredBefore: async () => false,
    };
    const keyring = {
      listAccounts: async () => ({ accounts: [], activeDid: null }),
      settings: async () => ({ allowAlwaysForDeletes: false }),
    };
    const grants = { forOrigin: async () => [] };
    const previews = {
      forPrompt: vi.fn(async (prompt: PromptRecord, cid: string) =>
        cid === 'bafkreimine' && prompt.previewBytes
          ? { status: 'ok' as const, bytes: prompt.previewBytes }
          : { status: 'unavailable' as const, reason: 'not-referenced' as const },
      ),
    };
    const s = services({ keyring, prompts, grants, previews });
    const got = await handlePrivilegedRequest(s, { op: 'prompt.get', id: 'p1' });
    expect(got.ok && got.result && 'previewBytes' in (got.result as PromptView).prompt).toBe(false);
    expect(await handlePrivilegedRequest(s, { op: 'prompt.blob', id: 'p1', cid: 'bafkreimine' })).toEqual({
      ok: true,
      result: { status: 'ok', base64: 'AQID' },
    });
    expect(await handlePrivilegedRequest(s, { op: 'prompt.blob', id: 'p1', cid: 'bafkreiother' })).toEqual({
      ok: true,
      result: { status: 'unavailable', reason: 'not-referenced' },
    });
    // A prompt that is gone serves nothing.
    expect(await handlePrivilegedRequest(s, { op: 'prompt.blob', id: 'p2', cid: 'bafkreimine' })).toEqual({
      ok: true,
      result: { status: 'unavailable', reason: 'not-referenced' },
    });
    expect(previews.forPrompt).toHaveBeenCalledTimes(2);
  });

  it('says a permission that many writes need once', async () => {
    const summary = ['Create likes', 'Create likes', 'Create posts', 'Create likes'];
    const prompt = {
      id: 'p1',
      origin: 'https://a.example',
      details: { kind: 'call', summary, scopes: [] },
    } as unknown as PromptRecord;
    const s = services({
      keyring: { listAccounts: async () => ({ accounts: [], activeDid: null }), settings: async () => ({}) },
      prompts: { get: async () => prompt, answeredBefore: async () => false },
      grants: { forOrigin: async () => [] },
    });
    const answer = await handlePrivilegedRequest(s, { op: 'prompt.get', id: 'p1' });
    expect(answer.ok && (answer.result as unknown as { lines: string[] }).lines).toEqual([
      'Create likes',
      'Create posts',
    ]);
  });

  it('gives a call prompt the grant its account has now, for the window to preview against', async () => {
    const prompt = {
      id: 'c1',
      origin: 'https://site.example',
      details: { kind: 'call', did: 'did:plc:a', summary: [], scopes: [] },
    } as unknown as PromptRecord;
    const scope = 'atproto repo:app.bsky.graph.follow?action=create';
    const s = services({
      keyring: { listAccounts: async () => ({ accounts: [], activeDid: null }), settings: async () => ({}) },
      prompts: { get: async () => prompt, answeredBefore: async () => true },
      grants: {
        forOrigin: async () => [
          grant('https://site.example', 'did:plc:b', 2),
          grant('https://site.example', 'did:plc:a', 1, scope),
        ],
      },
    });
    const answer = await handlePrivilegedRequest(s, { op: 'prompt.get', id: 'c1' });
    expect(answer.ok && (answer.result as PromptView).grantedScope).toBe(scope);
  });
});

describe('grant edits from the popup', () => {
  async function connectedSites() {
    const fixture = await createBrokerFixture();
    fixture.user.answers.push({ outcome: 'approve', did: ALICE }, { outcome: 'approve', did: ALICE });
    await fixture.call(SITE, 'atproto_connect', { scope: 'repo:app.bsky.feed.post?action=create' });
    await fixture.call('https://other.example', 'atproto_connect', { scope: 'repo:app.bsky.feed.like?action=create' });
    const writeAlerts = new WriteAlerts({
      db: fixture.db,
      surface: { setBadge: async () => {}, notify: async () => {}, wakeAt: async () => {} },
      handleOf: async () => undefined,
      isConnected: async (origin) => (await fixture.grants.forOrigin(origin)).length > 0,
    });
    const s = services({ keyring: fixture.keyring, broker: fixture.broker, grants: fixture.grants, writeAlerts });
    return { ...fixture, writeAlerts, send: (request: object) => handlePrivilegedRequest(s, request) };
  }

  it('removeScope refuses another origin’s grant, a scope not in the grant and the base scope, with codes', async () => {
    const { send, grants } = await connectedSites();
    const post = 'repo:app.bsky.feed.post?action=create';
    expect(await send({ op: 'grants.removeScope', origin: 'https://other.example', did: ALICE, scope: post })).toEqual({
      ok: false,
      error: { code: 'no-such-scope', message: expect.any(String) },
    });
    expect(await send({ op: 'grants.removeScope', origin: 'https://third.example', did: ALICE, scope: post })).toEqual({
      ok: false,
      error: { code: 'no-such-grant', message: expect.any(String) },
    });
    expect(await send({ op: 'grants.removeScope', origin: SITE, did: ALICE, scope: 'atproto' })).toMatchObject({
      ok: false,
      error: { code: 'not-removable' },
    });
    expect(await send({ op: 'grants.removeScope', origin: SITE, did: 'not a did', scope: post })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    expect((await grants.forOrigin('https://other.example'))[0].scope).toBe(
      'atproto repo:app.bsky.feed.like?action=create',
    );
    expect(await send({ op: 'grants.removeScope', origin: SITE, did: ALICE, scope: post })).toEqual({
      ok: true,
      result: null,
    });
    expect((await grants.forOrigin(SITE))[0].scope).toBe('atproto');
  });

  it('a restore token works once; a replayed, forged or malformed one restores nothing', async () => {
    const { send, grants, writeAlerts } = await connectedSites();
    await writeAlerts.setNotify(SITE, true);
    const revoked = await send({ op: 'grants.revoke', origin: SITE });
    if (!revoked.ok) throw new Error('revoke failed');
    const { undoToken } = revoked.result as { undoToken: string };
    // The site has no grant left: its write notifications stop, until the undo.
    expect(await writeAlerts.notifies(SITE)).toBe(false);
    expect(await send({ op: 'grants.restore', undoToken: crypto.randomUUID() })).toMatchObject({
      ok: false,
      error: { code: 'undo-unavailable' },
    });
    expect(await send({ op: 'grants.restore', undoToken: 'x'.repeat(65) })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    // A restore names a token, never rows: rows sent along are refused as unknown fields.
    expect(
      await send({ op: 'grants.restore', undoToken, rows: [{ origin: 'https://evil.example', did: ALICE }] }),
    ).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(await send({ op: 'grants.restore', undoToken })).toEqual({ ok: true, result: 1 });
    expect(await writeAlerts.notifies(SITE)).toBe(true);
    expect(await send({ op: 'grants.restore', undoToken })).toMatchObject({
      ok: false,
      error: { code: 'undo-unavailable' },
    });
    expect((await grants.all()).map((g) => g.origin).sort()).toEqual(['https://other.example', SITE]);
  });

  it('a decision takes only the offered durations, never a time', async () => {
    const prompts = { decide: vi.fn(async () => true) };
    const s = services({ prompts });
    const decide = (extra: object) =>
      handlePrivilegedRequest(s, { op: 'prompt.decide', id: 'p1', outcome: 'approve', ...extra });
    for (const bad of [{ duration: 'week' }, { duration: 3_600_000 }, { duration: 'hour', expiresAt: 1e15 }]) {
      expect(await decide(bad)).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    }
    expect(await decide({ remember: true, duration: 'today' })).toEqual({ ok: true, result: true });
    expect(prompts.decide.mock.calls).toEqual([
      ['p1', { outcome: 'approve', did: undefined, remember: true, duration: 'today' }],
    ]);
  });
});
