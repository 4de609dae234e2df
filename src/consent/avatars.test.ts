import { describe, expect, it } from 'vitest';
import {
  AVATAR_MAX_BYTES,
  AVATARS_PER_PROMPT,
  AvatarBudget,
  type AvatarLookups,
  avatarForPrompt,
  promptNames,
} from './avatars';
import { rawCid } from './cid';
import { failed, found, type Lookup } from './lookup';
import { callPrompt } from './prompt.fixture';

const ALICE = 'did:plc:alice';
const BOB = 'did:plc:bob';
const CAROL = 'did:plc:carol';
const BOB_PDS = 'https://bob-pds.example';
/** A 1×1 PNG. */
const PNG = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='),
  (c) => c.charCodeAt(0),
);
const SVG = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');

const followPrompt = (subject: string) =>
  callPrompt(ALICE, {
    kind: 'json',
    encoding: 'application/json',
    value: { repo: ALICE, collection: 'app.bsky.graph.follow', record: { subject, createdAt: 'x' } },
  });

/** Bob's profile names `avatarCid` (declared `size`); his PDS serves `served`. Records every question. */
async function lookupsFor(served: Uint8Array | Lookup<Uint8Array>, options: { cid?: string; size?: number } = {}) {
  const asked: string[] = [];
  const cid = options.cid ?? (await rawCid(served instanceof Uint8Array ? served : PNG));
  const lookups: AvatarLookups = {
    record: async (uri) => {
      asked.push(`record ${uri}`);
      return uri === `at://${BOB}/app.bsky.actor.profile/self`
        ? found({
            uri,
            value: {
              displayName: 'Bob',
              avatar: { $type: 'blob', ref: { $link: cid }, mimeType: 'image/png', size: options.size ?? 67 },
            },
          })
        : failed('not-found');
    },
    identity: async (did) => {
      asked.push(`identity ${did}`);
      return found({ did, pds: BOB_PDS });
    },
    blob: async (pds, did, blobCid, maxBytes) => {
      asked.push(`blob ${pds} ${did} ${blobCid} ${maxBytes}`);
      return served instanceof Uint8Array ? found(served) : served;
    },
  };
  return { lookups, asked, cid };
}

describe('avatars of the accounts a prompt names', () => {
  it('reads the avatar of an account the request names from its own PDS, capped, and serves a raster picture', async () => {
    const { lookups, asked, cid } = await lookupsFor(PNG);
    expect(await avatarForPrompt(followPrompt(BOB), BOB, lookups)).toEqual({
      status: 'ok',
      bytes: PNG,
      type: 'image/png',
    });
    expect(asked).toEqual([
      `record at://${BOB}/app.bsky.actor.profile/self`,
      `identity ${BOB}`,
      `blob ${BOB_PDS} ${BOB} ${cid} ${AVATAR_MAX_BYTES}`,
    ]);
  });

  it('refuses an account the request does not name, without fetching anything', async () => {
    const { lookups, asked } = await lookupsFor(PNG);
    expect(await avatarForPrompt(followPrompt(BOB), CAROL, lookups)).toEqual({
      status: 'unavailable',
      reason: 'not-named',
    });
    expect(asked).toEqual([]);
    // A DID that only starts like the named one is not it.
    expect(promptNames(followPrompt(BOB), 'did:plc:bo')).toBe(false);
    expect(promptNames(followPrompt(`at://${BOB}/app.bsky.feed.post/x`), BOB)).toBe(true);
    expect(promptNames(followPrompt(`at://${BOB}x/app.bsky.feed.post/x`), BOB)).toBe(false);
  });

  it('refuses an avatar over the cap, declared or read', async () => {
    const declared = await lookupsFor(PNG, { size: AVATAR_MAX_BYTES + 1 });
    expect(await avatarForPrompt(followPrompt(BOB), BOB, declared.lookups)).toEqual({
      status: 'unavailable',
      reason: 'too-large',
    });
    expect(declared.asked.some((a) => a.startsWith('blob'))).toBe(false);
    const read = await lookupsFor(failed('too-large'));
    expect(await avatarForPrompt(followPrompt(BOB), BOB, read.lookups)).toMatchObject({ reason: 'too-large' });
  });

  it('refuses an SVG, and bytes that are not those of the CID', async () => {
    const svg = await lookupsFor(SVG);
    expect(await avatarForPrompt(followPrompt(BOB), BOB, svg.lookups)).toEqual({
      status: 'unavailable',
      reason: 'not-image',
    });
    const swapped = await lookupsFor(PNG, { cid: await rawCid(SVG) });
    expect(await avatarForPrompt(followPrompt(BOB), BOB, swapped.lookups)).toEqual({
      status: 'unavailable',
      reason: 'not-image',
    });
  });

  it('says there is none when the account has no profile or no avatar, and failed when its PDS does not answer', async () => {
    const { lookups } = await lookupsFor(PNG);
    const noProfile = { ...lookups, record: async () => failed<never>('not-found') };
    expect(await avatarForPrompt(followPrompt(BOB), BOB, noProfile)).toMatchObject({ reason: 'none' });
    const noAvatar: AvatarLookups = {
      ...lookups,
      record: async (uri) => found({ uri, value: { displayName: 'Bob' } }),
    };
    expect(await avatarForPrompt(followPrompt(BOB), BOB, noAvatar)).toMatchObject({ reason: 'none' });
    const down = await lookupsFor(failed('unreachable'));
    expect(await avatarForPrompt(followPrompt(BOB), BOB, down.lookups)).toMatchObject({ reason: 'failed' });
  });

  it('reads at most AVATARS_PER_PROMPT accounts for one prompt; beyond that a badge, and nothing fetched', async () => {
    const many = Array.from({ length: AVATARS_PER_PROMPT + 4 }, (_, i) => `did:plc:member${i}`);
    const prompt = callPrompt(ALICE, {
      kind: 'json',
      encoding: 'application/json',
      value: {
        repo: ALICE,
        writes: many.map((subject) => ({ collection: 'app.bsky.graph.follow', value: { subject } })),
      },
    });
    const { lookups, asked } = await lookupsFor(PNG);
    const budget = new AvatarBudget();
    const reasons = [];
    for (const did of many) reasons.push((await avatarForPrompt(prompt, did, lookups, budget)).status);
    // The first ones were looked up (none has a profile here); the rest were refused before any read.
    expect(reasons.filter((r) => r === 'unavailable')).toHaveLength(many.length);
    expect(asked.filter((q) => q.startsWith('record'))).toHaveLength(AVATARS_PER_PROMPT);
    expect(await avatarForPrompt(prompt, many.at(-1) as string, lookups, budget)).toEqual({
      status: 'unavailable',
      reason: 'budget',
    });
    // An account already admitted is read again (the window re-renders); another prompt has its own share.
    expect((await avatarForPrompt(prompt, many[0] as string, lookups, budget)).status).toBe('unavailable');
    expect(asked.filter((q) => q.startsWith('record'))).toHaveLength(AVATARS_PER_PROMPT + 1);
    const other = { ...prompt, id: `${prompt.id}-other` };
    await avatarForPrompt(other, many.at(-1) as string, lookups, budget);
    expect(asked.filter((q) => q.startsWith('record'))).toHaveLength(AVATARS_PER_PROMPT + 2);
  });
});
