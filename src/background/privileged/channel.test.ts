import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccountError } from '../../accounts/errors';
import { privilegedOperations } from '../../protocol/privileged';
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

/** Services whose members throw when touched unless the test supplies them. */
function services(given: Partial<Record<keyof PrivilegedServices, object>>): PrivilegedServices {
  const all = {} as Record<string, unknown>;
  for (const name of ['keyring', 'broker', 'grants', 'prompts'] as const) {
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
      for (const name of handler.uses) expect(['keyring', 'broker', 'grants', 'prompts']).toContain(name);
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
    const all = { keyring: {}, broker: {}, grants: {}, prompts: {} } as PrivilegedServices;
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
    expect(answer.ok && (answer.result as { lines: string[] }[])[0].lines).toHaveLength(2);
  });

  it('shows a prompt with the accounts to choose from, and passes the decision on', async () => {
    const prompt = { id: 'p1', details: { kind: 'call', summary: ['Create a post'] } } as PromptRecord;
    const list = { accounts: [account('did:plc:a', 'a.test')], activeDid: 'did:plc:a' };
    const prompts = { get: async (id: string) => (id === 'p1' ? prompt : undefined), decide: vi.fn(async () => true) };
    const keyring = { listAccounts: async () => list };
    const s = services({ keyring, prompts });
    expect(await handlePrivilegedRequest(s, { op: 'prompt.get', id: 'p1' })).toEqual({
      ok: true,
      result: { prompt, lines: ['Create a post'], ...list },
    });
    expect(await handlePrivilegedRequest(s, { op: 'prompt.get', id: 'p2' })).toEqual({ ok: true, result: null });
    await handlePrivilegedRequest(s, { op: 'prompt.decide', id: 'p1', outcome: 'approve', did: 'did:plc:a' });
    await handlePrivilegedRequest(s, { op: 'prompt.decide', id: 'p1', outcome: 'reject', remember: true });
    expect(prompts.decide.mock.calls).toEqual([
      ['p1', { outcome: 'approve', did: 'did:plc:a', remember: undefined }],
      ['p1', { outcome: 'reject', reason: 'denied' }],
    ]);
  });
});
