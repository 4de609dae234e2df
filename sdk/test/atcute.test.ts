import { Client } from '@atcute/client';
import { describe, expect, it } from 'vitest';
import { createAtcuteHandler } from '../src/atcute';
import { KeyringClient } from '../src/client';
import { ALICE, BOB, pds, REC_CID } from './fake-pds';
import { realProvider } from './fake-provider';

/** The registry of typed lexicons is empty without @atcute/atproto: the calls are made untyped. */
interface UntypedClient {
  get(name: string, init?: object): Promise<{ ok: boolean; status: number; data: any }>;
  post(name: string, init?: object): Promise<{ ok: boolean; status: number; data: any }>;
}

async function setup(options: Parameters<typeof createAtcuteHandler>[1] = {}, proxy?: `did:web:${string}#${string}`) {
  const harness = realProvider(pds);
  const keyring = new KeyringClient(harness.provider);
  await keyring.connect({ scope: 'atproto' });
  const client = new Client({
    handler: createAtcuteHandler(keyring, options),
    ...(proxy ? { proxy } : {}),
  }) as unknown as UntypedClient;
  return { ...harness, client };
}

describe('@atcute/client over the extension', () => {
  it('sends a query with its params as the current account and reads the answer', async () => {
    const { client, lastXrpc } = await setup();
    const answer = await client.get('app.bsky.feed.getTimeline', {
      params: { uri: 'at://x', limit: 3, tags: ['a', 'b'] },
    });
    expect(answer).toMatchObject({ ok: true, status: 200, data: { feed: [], cursor: 'next' } });
    expect(lastXrpc()).toEqual({
      nsid: 'app.bsky.feed.getTimeline',
      method: 'GET',
      did: ALICE.did,
      params: { uri: 'at://x', limit: '3', tags: ['a', 'b'] },
    });
  });

  it('sends a procedure body as JSON the broker can judge, and the proxy header', async () => {
    const { client, lastXrpc } = await setup({}, 'did:web:api.bsky.app#bsky_appview');
    const record = { $type: 'app.bsky.feed.post', text: 'hi', createdAt: '2026-01-01T00:00:00Z' };
    const answer = await client.post('com.atproto.repo.createRecord', {
      input: { repo: ALICE.did, collection: 'app.bsky.feed.post', record },
    });
    expect(answer.data).toEqual({ uri: `at://${ALICE.did}/app.bsky.feed.post/3kabc`, cid: REC_CID });
    expect(lastXrpc()).toMatchObject({
      nsid: 'com.atproto.repo.createRecord',
      method: 'POST',
      encoding: 'application/json',
      body: { repo: ALICE.did, collection: 'app.bsky.feed.post', record },
      proxy: 'did:web:api.bsky.app#bsky_appview',
    });
  });

  it('uploads a Blob as bytes with its type', async () => {
    const { client, lastXrpc } = await setup();
    const bytes = new Uint8Array([1, 2, 3]);
    const answer = await client.post('com.atproto.repo.uploadBlob', {
      input: new Blob([bytes], { type: 'image/png' }),
      headers: { 'content-type': 'image/png' },
    });
    expect(answer.data.blob.mimeType).toBe('image/png');
    expect(lastXrpc()).toMatchObject({ nsid: 'com.atproto.repo.uploadBlob', encoding: 'image/png', body: bytes });
  });

  it('passes PDS errors through as answers, and provider refusals as rejections', async () => {
    const { client } = await setup();
    expect(await client.get('com.atproto.repo.getRecord', { params: { repo: ALICE.did } })).toMatchObject({
      ok: false,
      status: 400,
      data: { error: 'RecordNotFound' },
    });
    await expect(
      client.post('com.atproto.repo.createRecord', {
        input: { repo: ALICE.did, collection: 'app.bsky.feed.like', record: {} },
      }),
    ).rejects.toMatchObject({ code: 4100 });
  });

  it('acts as the account it is pinned to, and never prompts with noPrompt', async () => {
    const { client, lastXrpc } = await setup({ did: BOB.did, noPrompt: true });
    await client.get('com.example.thing');
    expect(lastXrpc()).toMatchObject({ did: BOB.did, noPrompt: true });
  });
});
