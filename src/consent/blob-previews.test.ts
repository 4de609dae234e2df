import { describe, expect, it, vi } from 'vitest';
import { BodyBytes } from '../broker/body-bytes';
import { sha256Hex } from '../broker/digest';
import type { Json } from '../broker/intent';
import type { PromptRecord } from '../storage/db';
import { BlobPreviews, PREVIEW_MAX_BYTES } from './blob-previews';
import { rawCid } from './cid';
import { callPrompt } from './prompt.fixture';
import { RecentUploads } from './recent-uploads';

const ALICE = 'did:plc:alice';
const BOB = 'did:plc:bob';
const PDS = 'https://pds.example/';
const IMAGE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
const OTHER = new Uint8Array([9, 9, 9]);

const prompt = callPrompt;

const blob = (cid: string, size = 7) => ({ $type: 'blob', ref: { $link: cid }, mimeType: 'image/png', size });
const postWith = (did: string, ...images: Json[]) =>
  prompt(did, {
    kind: 'json',
    encoding: 'application/json',
    value: {
      repo: did,
      collection: 'app.bsky.feed.post',
      record: {
        $type: 'app.bsky.feed.post',
        text: 'hi',
        embed: { $type: 'app.bsky.embed.images', images: images.map((image) => ({ alt: '', image })) },
      },
    },
  });

function setup(answer?: (url: URL) => Response) {
  const fetch = vi.fn(async (input: URL | RequestInfo, _init?: RequestInit) => {
    if (!answer) throw new Error('no fetch expected');
    return answer(new URL(String(input)));
  });
  const previews = new BlobPreviews({
    uploads: new RecentUploads(),
    pdsOf: async (did) => (did === ALICE || did === BOB ? PDS : undefined),
    fetch: fetch as unknown as typeof globalThis.fetch,
  });
  return { previews, fetch };
}

describe('BlobPreviews.forPrompt', () => {
  it("serves a post's image from what the account just uploaded, without asking the PDS", async () => {
    const { previews, fetch } = setup();
    await previews.uploaded(ALICE, BodyBytes.ofBytes(IMAGE));
    const cid = await rawCid(IMAGE);
    expect(await previews.forPrompt(postWith(ALICE, blob(cid)), cid)).toEqual({ status: 'ok', bytes: IMAGE });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('refuses a CID the prompt does not reference, even one the account uploaded', async () => {
    const { previews, fetch } = setup(() => new Response(OTHER));
    await previews.uploaded(ALICE, BodyBytes.ofBytes(OTHER));
    const post = postWith(ALICE, blob(await rawCid(IMAGE)));
    expect(await previews.forPrompt(post, await rawCid(OTHER))).toEqual({
      status: 'unavailable',
      reason: 'not-referenced',
    });
    const connect = { ...post, kind: 'connect', details: { kind: 'connect', scope: ['atproto'] } } as PromptRecord;
    expect(await previews.forPrompt(connect, await rawCid(OTHER))).toMatchObject({ reason: 'not-referenced' });
    expect(fetch).not.toHaveBeenCalled();
  });

  it("does not serve another account's upload: it reads the prompt account's own PDS instead", async () => {
    const cid = await rawCid(IMAGE);
    const { previews, fetch } = setup(() => new Response(null, { status: 404 }));
    await previews.uploaded(BOB, BodyBytes.ofBytes(IMAGE));
    expect(await previews.forPrompt(postWith(ALICE, blob(cid)), cid)).toEqual({
      status: 'unavailable',
      reason: 'not-found',
    });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('reads a referenced blob from the PDS with a public, cookie-less getBlob, checked against its CID', async () => {
    const cid = await rawCid(IMAGE);
    const { previews, fetch } = setup(() => new Response(IMAGE));
    expect(await previews.forPrompt(postWith(ALICE, blob(cid)), cid)).toEqual({ status: 'ok', bytes: IMAGE });
    const [url, init] = fetch.mock.calls[0]!;
    expect(String(url)).toBe(`${PDS}xrpc/com.atproto.sync.getBlob?did=${encodeURIComponent(ALICE)}&cid=${cid}`);
    expect(init).toMatchObject({ credentials: 'omit' });
    expect(init?.headers).toBeUndefined();
    // Kept: a second look does not fetch again.
    await previews.forPrompt(postWith(ALICE, blob(cid)), cid);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('refuses bytes from the PDS that are not the CID asked for', async () => {
    const cid = await rawCid(IMAGE);
    const { previews } = setup(() => new Response(OTHER));
    expect(await previews.forPrompt(postWith(ALICE, blob(cid)), cid)).toEqual({
      status: 'unavailable',
      reason: 'failed',
    });
  });

  it('does not read a blob larger than a preview, declared or delivered', async () => {
    const cid = await rawCid(IMAGE);
    const { previews, fetch } = setup(() => new Response(new Uint8Array(PREVIEW_MAX_BYTES + 1)));
    expect(await previews.forPrompt(postWith(ALICE, blob(cid, PREVIEW_MAX_BYTES + 1)), cid)).toMatchObject({
      reason: 'too-large',
    });
    expect(fetch).not.toHaveBeenCalled();
    expect(await previews.forPrompt(postWith(ALICE, blob(cid)), cid)).toMatchObject({ reason: 'too-large' });
  });

  it('says a lookup failed when the PDS errs or cannot be reached', async () => {
    const cid = await rawCid(IMAGE);
    expect(
      await setup(() => new Response('', { status: 500 })).previews.forPrompt(postWith(ALICE, blob(cid)), cid),
    ).toMatchObject({
      reason: 'failed',
    });
    const unreachable = setup(() => {
      throw new TypeError('network');
    });
    expect(await unreachable.previews.forPrompt(postWith(ALICE, blob(cid)), cid)).toMatchObject({ reason: 'failed' });
  });

  it("serves an upload prompt's own bytes under their CID, and nothing else", async () => {
    const { previews } = setup();
    const body = {
      kind: 'bytes' as const,
      encoding: 'image/png',
      size: IMAGE.byteLength,
      sha256: await sha256Hex(IMAGE),
    };
    const upload = prompt(ALICE, body, IMAGE);
    expect(await previews.forPrompt(upload, await rawCid(IMAGE))).toEqual({ status: 'ok', bytes: IMAGE });
    expect(await previews.forPrompt(upload, await rawCid(OTHER))).toMatchObject({ reason: 'not-referenced' });
    // Too large to keep: the prompt holds no bytes, and says why.
    const large = prompt(ALICE, { ...body, size: PREVIEW_MAX_BYTES + 1 });
    expect(await previews.forPrompt(large, await rawCid(IMAGE))).toMatchObject({ reason: 'too-large' });
  });
});
