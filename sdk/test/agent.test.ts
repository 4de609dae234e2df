import { Agent, BlobRef, XRPCError } from '@atproto/api';
import { describe, expect, it, vi } from 'vitest';
import { connectAgent, createAgentSession, keyringFetch, toResponse, toXrpcRequest } from '../src/agent';
import { KeyringClient } from '../src/client';
import { findKeyringError, InternalError, InvalidParamsError, UnauthorizedError } from '../src/errors';
import { ALICE, APPVIEW, BLOB_CID, BOB, json, PNG, pds, REC_CID } from './fake-pds';
import { FakeProvider, realProvider } from './fake-provider';

/** An Agent over the extension's real provider script (requests are schema-checked as the extension would). */
async function setup(options: Parameters<typeof createAgentSession>[1] = {}) {
  const harness = realProvider(pds);
  const client = new KeyringClient(harness.provider);
  await client.connect({ scope: 'atproto' });
  const agent = new Agent(createAgentSession(client, options));
  return { ...harness, client, agent };
}

describe('Agent over the extension', () => {
  it('is a valid SessionManager for Agent', async () => {
    const client = new KeyringClient(new FakeProvider());
    // Compile-time: the session fits Agent's constructor.
    const session: ConstructorParameters<typeof Agent>[0] = createAgentSession(client);
    expect(new Agent(session).did).toBeUndefined();
  });

  it('agent.post() sends createRecord as JSON, as the connected account', async () => {
    const { agent, lastXrpc } = await setup();
    expect(agent.did).toBe(ALICE.did);
    const res = await agent.post({ text: 'hello from the SDK' });
    expect(res).toEqual({ uri: `at://${ALICE.did}/app.bsky.feed.post/3kabc`, cid: REC_CID });
    const call = lastXrpc();
    expect(call).toEqual({
      nsid: 'com.atproto.repo.createRecord',
      method: 'POST',
      encoding: 'application/json',
      did: ALICE.did,
      body: {
        repo: ALICE.did,
        collection: 'app.bsky.feed.post',
        record: { $type: 'app.bsky.feed.post', text: 'hello from the SDK', createdAt: expect.any(String) },
      },
      // Agent's default app labeler (Bluesky moderation), passed on as the header value.
      labelers: expect.stringContaining(';redact'),
    });
  });

  it('agent.uploadBlob() sends the bytes unchanged with their encoding', async () => {
    const { agent, lastXrpc } = await setup();
    const res = await agent.uploadBlob(PNG, { encoding: 'image/png' });
    const call = lastXrpc();
    expect(call).toMatchObject({ nsid: 'com.atproto.repo.uploadBlob', method: 'POST', encoding: 'image/png' });
    expect(call.body).toBeInstanceOf(Uint8Array);
    expect([...call.body]).toEqual([...PNG]);
    expect(res.data.blob).toBeInstanceOf(BlobRef);
    expect(res.data.blob.ref.toString()).toBe(BLOB_CID);
    expect(res.data.blob).toMatchObject({ mimeType: 'image/png', size: PNG.byteLength });
  });

  it('agent.uploadBlob() takes Blobs (type as encoding) and defaults bytes to octet-stream', async () => {
    const { agent, lastXrpc } = await setup();
    await agent.uploadBlob(new Blob([PNG], { type: 'image/webp' }));
    expect(lastXrpc()).toMatchObject({ encoding: 'image/webp', body: PNG });
    await agent.uploadBlob(PNG);
    expect(lastXrpc()).toMatchObject({ encoding: 'application/octet-stream', body: PNG });
  });

  it('withProxy() sends getTimeline through the AppView with the atproto-proxy value', async () => {
    const { agent, lastXrpc } = await setup();
    const res = await agent.withProxy('bsky_appview', APPVIEW).getTimeline({ limit: 10 });
    expect(res.data).toEqual({ feed: [], cursor: 'next' });
    expect(lastXrpc()).toEqual({
      nsid: 'app.bsky.feed.getTimeline',
      method: 'GET',
      params: { limit: '10' },
      proxy: `${APPVIEW}#bsky_appview`,
      did: ALICE.did,
      labelers: expect.stringContaining(';redact'),
    });
    // The original agent is unchanged.
    await agent.app.bsky.actor.getPreferences();
    expect(lastXrpc().proxy).toBeUndefined();
  });

  it('configureProxy() and array query params work too', async () => {
    const { agent, lastXrpc } = await setup();
    agent.configureProxy(`${APPVIEW}#bsky_appview`);
    const uris = [`at://${ALICE.did}/app.bsky.feed.post/1`, `at://${ALICE.did}/app.bsky.feed.post/2`];
    await agent.getPosts({ uris });
    expect(lastXrpc()).toMatchObject({
      nsid: 'app.bsky.feed.getPosts',
      params: { uris },
      proxy: `${APPVIEW}#bsky_appview`,
    });
  });

  it('returns binary responses as bytes', async () => {
    const { agent } = await setup();
    const res = await agent.com.atproto.sync.getBlob({ did: ALICE.did, cid: BLOB_CID });
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.data).toBeInstanceOf(Uint8Array);
    expect([...res.data]).toEqual([...PNG]);
  });

  it('surfaces PDS errors as XRPCErrors with the status and error name', async () => {
    const { agent } = await setup();
    const err = await agent.com.atproto.repo
      .getRecord({ repo: ALICE.did, collection: 'app.bsky.feed.post', rkey: 'nope' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(XRPCError);
    expect(err).toMatchObject({ status: 400, error: 'RecordNotFound', message: 'Could not locate record' });
  });

  it('rejects with the typed provider error as the XRPCError cause', async () => {
    const { agent } = await setup();
    const err = await agent.like(`at://${BOB.did}/app.bsky.feed.post/1`, REC_CID).catch((e) => e);
    expect(err).toBeInstanceOf(XRPCError);
    const keyringError = findKeyringError(err);
    expect(keyringError).toBeInstanceOf(UnauthorizedError);
    expect(keyringError).toMatchObject({ code: 4100 });
  });

  it('passes noPrompt and a pinned did', async () => {
    const { agent, lastXrpc } = await setup({ noPrompt: true, did: BOB.did });
    expect(agent.did).toBe(BOB.did);
    await agent.post({ text: 'as bob' });
    expect(lastXrpc()).toMatchObject({ noPrompt: true, did: BOB.did, body: { repo: BOB.did } });
  });

  it("follows the client's current account when no did is pinned", async () => {
    const provider = new FakeProvider((method, params) => pds(method, params));
    const client = new KeyringClient(provider);
    const agent = new Agent(createAgentSession(client));
    expect(agent.did).toBeUndefined();
    await expect(agent.post({ text: 'x' })).rejects.toThrow(/Not logged in/);
    provider.emit('accountsChanged', [BOB]);
    expect(agent.did).toBe(BOB.did);
    await agent.post({ text: 'as bob' });
    expect(provider.lastXrpc()).toMatchObject({ did: BOB.did, body: { repo: BOB.did } });
  });

  it('connectAgent() connects and pins the chosen account', async () => {
    const { provider, calls } = realProvider(pds);
    const client = new KeyringClient(provider);
    const agent = await connectAgent(client, { scope: 'atproto repo:app.bsky.feed.post', noPrompt: true });
    expect(calls[0]).toEqual({ method: 'atproto_connect', params: { scope: 'atproto repo:app.bsky.feed.post' } });
    expect(agent.did).toBe(ALICE.did);
    await agent.post({ text: 'hi' });
    expect(calls.at(-1)!.params).toMatchObject({ did: ALICE.did, noPrompt: true });
  });
});

describe('toXrpcRequest', () => {
  it('reads the NSID, repeated query params, proxy, labelers and encoding; drops other headers', async () => {
    const call = await toXrpcRequest('/xrpc/app.bsky.feed.getPosts?uris=a&uris=b&limit=3&q=a+b%26c', {
      method: 'get',
      headers: {
        'atproto-proxy': `${APPVIEW}#bsky_appview`,
        'atproto-accept-labelers': 'did:plc:x;redact',
        authorization: 'nope',
      },
    });
    expect(call).toEqual({
      nsid: 'app.bsky.feed.getPosts',
      method: 'GET',
      params: { uris: ['a', 'b'], limit: '3', q: 'a b&c' },
      proxy: `${APPVIEW}#bsky_appview`,
      labelers: 'did:plc:x;redact',
    });
    // Agent sends the header empty when no labeler is configured: nothing to pass on.
    expect(await toXrpcRequest('/xrpc/a.b.c', { headers: { 'atproto-accept-labelers': '' } })).toEqual({
      nsid: 'a.b.c',
      method: 'GET',
    });
  });

  it('reads ReadableStream, string and URLSearchParams bodies', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(PNG.subarray(0, 4));
        c.enqueue(PNG.subarray(4));
        c.close();
      },
    });
    expect(
      await toXrpcRequest('/xrpc/com.atproto.repo.uploadBlob', {
        method: 'POST',
        body: stream,
        headers: { 'content-type': 'image/png' },
      }),
    ).toEqual({
      nsid: 'com.atproto.repo.uploadBlob',
      method: 'POST',
      encoding: 'image/png',
      body: PNG,
    });
    // A provider with blob-body gets a binary Blob as it is; JSON and text Blobs are still read.
    const file = new Blob([PNG]);
    const asIs = await toXrpcRequest(
      '/xrpc/com.atproto.repo.uploadBlob',
      { method: 'POST', body: file, headers: { 'content-type': 'image/png' } },
      { blobs: true },
    );
    expect(asIs.body).toBe(file);
    expect(
      (
        await toXrpcRequest('/xrpc/com.atproto.repo.uploadBlob', {
          method: 'POST',
          body: file,
          headers: { 'content-type': 'image/png' },
        })
      ).body,
    ).toEqual(PNG);
    const json = await toXrpcRequest(
      '/xrpc/a.b.c',
      { method: 'POST', body: new Blob(['{"a":1}']), headers: { 'content-type': 'application/json' } },
      { blobs: true },
    );
    expect(json.body).toEqual({ a: 1 });
    expect(
      await toXrpcRequest('/xrpc/com.example.text', {
        method: 'POST',
        body: 'héllo',
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
      }),
    ).toMatchObject({
      body: 'héllo',
      encoding: 'text/plain;charset=UTF-8',
    });
    expect(
      await toXrpcRequest('/xrpc/com.example.json', {
        method: 'POST',
        body: '{"a":[1]}',
        headers: { 'content-type': 'application/json' },
      }),
    ).toMatchObject({ body: { a: [1] } });
    expect(
      (
        await toXrpcRequest('/xrpc/com.atproto.repo.uploadBlob', {
          method: 'POST',
          body: PNG.buffer,
          headers: { 'content-type': 'image/png' },
        })
      ).body,
    ).toEqual(PNG);
    // Bytes without a type stay bytes (a string would be JSON-encoded by the extension).
    expect((await toXrpcRequest('/xrpc/com.example.raw', { method: 'POST', body: 'raw' })).body).toEqual(
      new TextEncoder().encode('raw'),
    );
    expect(
      (
        await toXrpcRequest('/xrpc/com.example.form', {
          method: 'POST',
          body: new URLSearchParams({ a: '1' }),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
      ).body,
    ).toEqual(new TextEncoder().encode('a=1'));
  });

  it('refuses what XRPC through the extension cannot express', async () => {
    await expect(toXrpcRequest('https://evil.example/xrpc/com.example.x')).rejects.toBeInstanceOf(InvalidParamsError);
    await expect(toXrpcRequest('/not-xrpc/com.example.x')).rejects.toBeInstanceOf(InvalidParamsError);
    await expect(toXrpcRequest('/xrpc/com.example.x', { method: 'PUT' })).rejects.toBeInstanceOf(InvalidParamsError);
    await expect(toXrpcRequest('/xrpc/com.example.x', { method: 'POST', body: new FormData() })).rejects.toBeInstanceOf(
      InvalidParamsError,
    );
    await expect(
      toXrpcRequest('/xrpc/com.example.x', {
        method: 'POST',
        body: '{oops',
        headers: { 'content-type': 'application/json' },
      }),
    ).rejects.toBeInstanceOf(InvalidParamsError);
  });
});

describe('keyringFetch', () => {
  it('honours an abort signal before and during the call', async () => {
    let answer!: (v: unknown) => void;
    const provider = new FakeProvider(() => new Promise((resolve) => (answer = resolve)));
    const client = new KeyringClient(provider);
    await expect(keyringFetch(client, '/xrpc/com.example.x', { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(provider.calls).toHaveLength(0);
    // Aborted while the body is read: nothing is sent.
    const early = new AbortController();
    const slow = new ReadableStream<Uint8Array>({
      start(c) {
        setTimeout(() => {
          c.enqueue(PNG);
          c.close();
        }, 5);
      },
    });
    const reading = keyringFetch(client, '/xrpc/com.example.x', { method: 'POST', body: slow, signal: early.signal });
    early.abort();
    await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
    expect(provider.calls).toHaveLength(0);
    // Aborted while the extension works on it: settles at once.
    const controller = new AbortController();
    const pending = keyringFetch(client, '/xrpc/com.example.x', { signal: controller.signal });
    await vi.waitFor(() => expect(provider.calls).toHaveLength(1));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    answer(json({}));
  });
});

describe('toResponse', () => {
  it('rebuilds responses for every body kind', async () => {
    const j = toResponse({ status: 200, headers: {}, body: { a: 1 } });
    expect(j.headers.get('content-type')).toBe('application/json');
    expect(await j.json()).toEqual({ a: 1 });
    const t = toResponse({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(await t.text()).toBe('hi');
    const b = toResponse({ status: 200, headers: { 'content-type': 'image/png' }, body: PNG.buffer });
    expect(new Uint8Array(await b.arrayBuffer())).toEqual(PNG);
    const empty = toResponse({ status: 204, headers: {}, body: null });
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
    const err = toResponse({
      status: 401,
      headers: { 'content-type': 'application/json' },
      body: { error: 'AuthRequired' },
    });
    expect(err.status).toBe(401);
    expect(() => toResponse({ status: 0, headers: {}, body: null })).toThrow(InternalError);
  });
});
