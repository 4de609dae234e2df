import { describe, expect, it, vi } from 'vitest';
import { KeyringClient } from '../src/client';
import {
  InternalError,
  InvalidParamsError,
  KeyringError,
  PromptPendingError,
  SessionGoneError,
  UnauthorizedError,
  UserRejectedError,
} from '../src/errors';
import type { AccountSummary, DisconnectEvent } from '../src/types';
import { FakeProvider, realProvider, rpcError } from './fake-provider';

const ALICE = { did: 'did:plc:alice2345alice2345alice23', handle: 'alice.test' };
const BOB = { did: 'did:plc:bob23456bob23456bob23456', handle: 'bob.test' };

describe('KeyringClient requests', () => {
  it('connect sends only the params set and remembers the account', async () => {
    const provider = new FakeProvider(() => ({ ...ALICE, pds: 'https://pds.test/', scope: 'atproto' }));
    const client = new KeyringClient(provider);
    expect(client.account).toBeUndefined();
    const result = await client.connect({ scope: 'atproto', account: undefined });
    expect(provider.calls).toEqual([{ method: 'atproto_connect', params: { scope: 'atproto' } }]);
    expect(result).toEqual({ ...ALICE, pds: 'https://pds.test/', scope: 'atproto' });
    expect(client.account).toEqual(ALICE);
  });

  it('accounts lists accounts (current first) and disconnect forgets it', async () => {
    const provider = new FakeProvider((method) =>
      method === 'atproto_accounts' ? [ALICE, BOB, { junk: true }] : null,
    );
    const client = new KeyringClient(provider);
    expect(await client.accounts()).toEqual([ALICE, BOB]);
    expect(client.account).toEqual(ALICE);
    await client.disconnect();
    expect(provider.calls.map((c) => c.method)).toEqual(['atproto_accounts', 'atproto_disconnect']);
    expect(client.account).toBeUndefined();
  });

  it('xrpc passes every field, drops undefined ones, and normalises the result', async () => {
    const provider = new FakeProvider(() => ({
      status: 200,
      headers: { 'content-type': 'application/json', other: 'x' },
      body: { ok: 1 },
    }));
    const client = new KeyringClient(provider);
    const result = await client.xrpc<{ ok: number }>({
      nsid: 'com.atproto.repo.listRecords',
      method: 'GET',
      params: { repo: ALICE.did, limit: 5, reverse: true, cursor: undefined, ids: ['a', 'b'] },
      proxy: 'did:web:api.bsky.app#bsky_appview',
      noPrompt: true,
      did: ALICE.did,
      labelers: 'did:plc:x;redact',
    });
    expect(provider.lastXrpc()).toEqual({
      nsid: 'com.atproto.repo.listRecords',
      method: 'GET',
      params: { repo: ALICE.did, limit: 5, reverse: true, ids: ['a', 'b'] },
      proxy: 'did:web:api.bsky.app#bsky_appview',
      noPrompt: true,
      did: ALICE.did,
      labelers: 'did:plc:x;redact',
    });
    expect(result).toEqual({ status: 200, headers: { 'content-type': 'application/json' }, body: { ok: 1 } });
    expect(result.body.ok).toBe(1);
  });

  it('xrpc resolves non-2xx answers (they are results, not errors)', async () => {
    const client = new KeyringClient(
      new FakeProvider(() => ({ status: 400, headers: {}, body: { error: 'RecordNotFound' } })),
    );
    await expect(client.xrpc({ nsid: 'com.atproto.repo.getRecord' })).resolves.toEqual({
      status: 400,
      headers: {},
      body: { error: 'RecordNotFound' },
    });
  });

  it('serviceAuth returns the token', async () => {
    const provider = new FakeProvider(() => ({ token: 'a.b.c' }));
    const client = new KeyringClient(provider);
    expect(await client.serviceAuth({ aud: 'did:web:service.test', lxm: 'com.example.method', exp: 123 })).toEqual({
      token: 'a.b.c',
    });
    expect(provider.calls[0]).toEqual({
      method: 'atproto_serviceAuth',
      params: { aud: 'did:web:service.test', lxm: 'com.example.method', exp: 123 },
    });
  });

  it.each([
    [4001, UserRejectedError],
    [4100, UnauthorizedError],
    [4900, SessionGoneError],
    [-32002, PromptPendingError],
  ] as const)('rejects with typed errors (%i)', async (code, Class) => {
    const client = new KeyringClient(new FakeProvider(() => Promise.reject(rpcError(code, 'nope', { why: 1 }))));
    const err = await client.xrpc({ nsid: 'com.atproto.repo.createRecord' }).catch((e) => e);
    expect(err).toBeInstanceOf(Class);
    expect(err).toMatchObject({ code, message: 'nope', data: { why: 1 } });
  });

  it('refuses malformed results with InternalError', async () => {
    const client = new KeyringClient(new FakeProvider(() => ({ nope: true })));
    await expect(client.connect()).rejects.toBeInstanceOf(InternalError);
    await expect(client.accounts()).rejects.toBeInstanceOf(InternalError);
    await expect(client.xrpc({ nsid: 'a.b.c' })).rejects.toBeInstanceOf(InternalError);
    await expect(client.serviceAuth({ aud: 'did:web:x' })).rejects.toBeInstanceOf(InternalError);
  });
});

describe('KeyringClient events', () => {
  it('delivers typed accountsChanged payloads and tracks the current account', () => {
    const provider = new FakeProvider();
    const client = new KeyringClient(provider);
    const seen: AccountSummary[][] = [];
    const off = client.on('accountsChanged', (accounts) => seen.push(accounts));
    provider.emit('accountsChanged', [BOB, ALICE]);
    expect(seen).toEqual([[BOB, ALICE]]);
    expect(client.account).toEqual(BOB);
    off();
    provider.emit('accountsChanged', []);
    expect(seen).toHaveLength(1);
    expect(client.account).toBeUndefined();
  });

  it('delivers disconnect payloads; off() removes listeners; a throwing listener does not stop others', () => {
    const provider = new FakeProvider();
    const client = new KeyringClient(provider);
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const bad = vi.fn(() => {
      throw new Error('listener bug');
    });
    const good = vi.fn((_e: DisconnectEvent) => {});
    client.on('disconnect', bad);
    client.on('disconnect', good);
    provider.emit('disconnect', { code: 4900, message: 'signed out' });
    expect(good).toHaveBeenCalledWith({ code: 4900, message: 'signed out' });
    expect(error).toHaveBeenCalled();
    client.off('disconnect', good);
    provider.emit('disconnect', { code: 4900, message: 'again' });
    expect(good).toHaveBeenCalledTimes(1);
    expect(bad).toHaveBeenCalledTimes(2);
    error.mockRestore();
  });

  it('subscribes to the provider once, at construction', () => {
    const provider = new FakeProvider();
    new KeyringClient(provider);
    expect([...provider.listeners.keys()].sort()).toEqual(['accountsChanged', 'disconnect']);
    expect(provider.listeners.get('accountsChanged')!.size).toBe(1);
  });
});

describe("KeyringClient on the extension's real provider script", () => {
  it('requests pass the extension schemas and results come back through the wire codec', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const { provider, calls, emit } = realProvider((method, params) => {
      switch (method) {
        case 'atproto_connect':
          return { ...ALICE, pds: 'https://pds.test/', scope: params.scope };
        case 'atproto_xrpc':
          return params.nsid === 'com.atproto.sync.getBlob'
            ? { status: 200, headers: { 'content-type': 'image/png' }, body: bytes }
            : { status: 200, headers: { 'content-type': 'application/json' }, body: { echoed: params } };
        case 'atproto_serviceAuth':
          return { token: 'x.y.z' };
        case 'atproto_accounts':
          return [ALICE];
        default:
          throw rpcError(4200, 'unknown');
      }
    });
    const client = new KeyringClient(provider);
    const events: AccountSummary[][] = [];
    client.on('accountsChanged', (a) => events.push(a));

    expect(await client.connect({ scope: 'atproto repo:app.bsky.feed.post' })).toMatchObject({ did: ALICE.did });
    const res = await client.xrpc({
      nsid: 'com.atproto.repo.createRecord',
      body: { repo: ALICE.did, n: 1 },
      noPrompt: true,
      did: ALICE.did,
    });
    expect(res.body).toEqual({
      echoed: {
        nsid: 'com.atproto.repo.createRecord',
        body: { repo: ALICE.did, n: 1 },
        noPrompt: true,
        did: ALICE.did,
      },
    });
    const blob = await client.xrpc({ nsid: 'com.atproto.sync.getBlob', params: { did: ALICE.did, cid: 'bafk' } });
    expect(blob.body).toBeInstanceOf(Uint8Array);
    expect(blob.body).toEqual(bytes);
    expect(await client.serviceAuth({ aud: 'did:web:svc.test#svc', lxm: 'com.example.x' })).toEqual({ token: 'x.y.z' });
    expect(calls.map((c) => c.method)).toEqual([
      'atproto_connect',
      'atproto_xrpc',
      'atproto_xrpc',
      'atproto_serviceAuth',
    ]);

    // What the extension's schemas refuse surfaces as InvalidParamsError.
    await expect(client.xrpc({ nsid: 'not an nsid' })).rejects.toBeInstanceOf(InvalidParamsError);
    await expect(client.request('atproto_bogus')).rejects.toMatchObject({ code: 4200 });
    await expect(client.request('atproto_bogus')).rejects.toBeInstanceOf(KeyringError);

    emit('accountsChanged', [ALICE]);
    await vi.waitFor(() => expect(events).toEqual([[ALICE]]));
  });
});
