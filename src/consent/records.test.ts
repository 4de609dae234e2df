import { describe, expect, it } from 'vitest';
import type { DisplayedIntent } from '../broker/intent';
import {
  type ConsentLookups,
  type DidDocumentView,
  type FetchedRecord,
  failed,
  found,
  type Identity,
  type Lookup,
} from './lookup';
import { DEFAULT_SERVICE_TOKEN_SECONDS, previewKind } from './previewable';
import { type CallPreview, previewCall, richSegments, type WritePreview } from './records';

const ME = 'did:plc:me';
const BOB = 'did:plc:bob';
const CAROL = 'did:plc:carol';
const MALLORY = 'did:plc:mallory';

const identities: Record<string, Lookup<Identity>> = {
  [ME]: found({ did: ME, handle: 'me.test', handleStatus: 'verified', pds: 'https://pds.example' }),
  [BOB]: found({ did: BOB, handle: 'bob.test', handleStatus: 'verified', pds: 'https://pds.example' }),
  [CAROL]: found({ did: CAROL, handle: 'carol.test', handleStatus: 'verified', pds: 'https://pds.example' }),
  // Claims a handle that resolves to someone else.
  [MALLORY]: found({ did: MALLORY, handle: 'bob.test', handleStatus: 'mismatch', pds: 'https://pds.example' }),
};
const records: Record<string, Lookup<FetchedRecord>> = {};
const put = (uri: string, value: Record<string, unknown>) => {
  records[uri] = found({ uri, cid: 'bafyrecord', value });
};
put(`at://${BOB}/app.bsky.feed.post/parent`, { $type: 'app.bsky.feed.post', text: 'the parent post' });
put(`at://${BOB}/app.bsky.feed.post/root`, { $type: 'app.bsky.feed.post', text: 'the root post' });
put(`at://${CAROL}/app.bsky.feed.post/quoted`, { $type: 'app.bsky.feed.post', text: 'quoted words' });
put(`at://${BOB}/app.bsky.actor.profile/self`, {
  $type: 'app.bsky.actor.profile',
  displayName: 'Bob B.',
  avatar: { $type: 'blob', ref: { $link: 'bafyavatar' }, mimeType: 'image/png', size: 10 },
});
put(`at://${CAROL}/app.bsky.graph.list/friends`, {
  $type: 'app.bsky.graph.list',
  name: 'Close friends',
  purpose: 'app.bsky.graph.defs#curatelist',
});
put(`at://${ME}/app.bsky.feed.post/mine`, { $type: 'app.bsky.feed.post', text: 'a post of mine to delete' });
put(`at://${ME}/app.bsky.actor.profile/self`, {
  $type: 'app.bsky.actor.profile',
  displayName: 'Old name',
  description: 'unchanged bio',
});
records[`at://${BOB}/app.bsky.feed.post/offline`] = failed('unreachable');
put(`at://${ME}/app.bsky.feed.post/pictured`, {
  $type: 'app.bsky.feed.post',
  text: 'with a picture',
  embed: {
    $type: 'app.bsky.embed.images',
    images: [{ alt: 'old', image: { $type: 'blob', ref: { $link: 'bafyold' }, mimeType: 'image/png', size: 5 } }],
  },
});

const documents: Record<string, Lookup<DidDocumentView>> = {
  'did:web:svc.example': found({
    id: 'did:web:svc.example',
    alsoKnownAs: [],
    services: [
      { id: '#feed', type: 'BskyFeedGenerator', endpoint: 'https://feed.svc.example' },
      { id: '#chat', type: 'BskyChatService', endpoint: 'https://chat.svc.example' },
    ],
  }),
};

/** Look-ups answered from the tables above; records every question. */
function fakeLookups() {
  const asked: string[] = [];
  const lookups: ConsentLookups = {
    didDocument: async (did) => {
      asked.push(`doc ${did}`);
      return documents[did] ?? failed('not-found');
    },
    identity: async (did) => {
      asked.push(`identity ${did}`);
      return identities[did] ?? failed('not-found');
    },
    record: async (uri) => {
      asked.push(`record ${uri}`);
      return records[uri] ?? failed('not-found');
    },
  };
  return { lookups, asked };
}

const json = (nsid: string, value: unknown): DisplayedIntent =>
  ({
    nsid,
    key: nsid.toLowerCase(),
    route: 'pds',
    httpMethod: 'POST',
    params: {},
    body: { kind: 'json', value, encoding: 'application/json' },
  }) as unknown as DisplayedIntent;
const create = (collection: string, record: unknown, rkey?: string) =>
  json('com.atproto.repo.createRecord', { repo: ME, collection, record, ...(rkey ? { rkey } : {}) });
const putRecord = (collection: string, rkey: string, record: unknown) =>
  json('com.atproto.repo.putRecord', { repo: ME, collection, rkey, record });
const del = (collection: string, rkey: string) => json('com.atproto.repo.deleteRecord', { repo: ME, collection, rkey });

const NOW = Date.UTC(2026, 0, 1);
async function preview(intent: DisplayedIntent, grantedScope?: string) {
  const { lookups, asked } = fakeLookups();
  const result = await previewCall(intent, {
    account: ME,
    lookups,
    now: NOW,
    ...(grantedScope ? { grantedScope } : {}),
  });
  return { result, asked };
}
const writes = (result: CallPreview): WritePreview[] => {
  if (result.kind !== 'writes') throw new Error(`not writes: ${result.kind}`);
  return result.writes;
};
const only = async (intent: DisplayedIntent) => {
  const [write] = writes((await preview(intent)).result);
  return write!;
};

/** UTF-8 byte range of `part` in `text`. */
const bytesOf = (text: string, part: string) => {
  const start = new TextEncoder().encode(text.slice(0, text.indexOf(part))).length;
  return { byteStart: start, byteEnd: start + new TextEncoder().encode(part).length };
};

describe('post previews', () => {
  const text = 'héllo @bob.test see bsky.app #cats 🎉';
  const post = {
    $type: 'app.bsky.feed.post',
    text,
    createdAt: '2026-01-01T00:00:00Z',
    langs: ['en', 'fr'],
    facets: [
      { index: bytesOf(text, '@bob.test'), features: [{ $type: 'app.bsky.richtext.facet#mention', did: BOB }] },
      {
        index: bytesOf(text, 'bsky.app'),
        features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://evil.example/phish' }],
      },
      { index: bytesOf(text, '#cats'), features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'cats' }] },
    ],
    reply: {
      root: { uri: `at://${BOB}/app.bsky.feed.post/root`, cid: 'bafyr' },
      parent: { uri: `at://${BOB}/app.bsky.feed.post/parent`, cid: 'bafyp' },
    },
    embed: {
      $type: 'app.bsky.embed.recordWithMedia',
      record: { $type: 'app.bsky.embed.record', record: { uri: `at://${CAROL}/app.bsky.feed.post/quoted`, cid: 'c' } },
      media: {
        $type: 'app.bsky.embed.images',
        images: [
          {
            alt: 'a cat on a mat',
            image: { $type: 'blob', ref: { $link: 'bafyimg' }, mimeType: 'image/jpeg', size: 12345 },
          },
        ],
      },
    },
    labels: { $type: 'com.atproto.label.defs#selfLabels', values: [{ val: 'nudity' }] },
    tags: ['hidden'],
    sneaky: 'a field no app shows',
  };

  it('shows the text split at its facets: mention with the account, link with its real target, tag', async () => {
    const write = await only(create('app.bsky.feed.post', post));
    expect(write).toMatchObject({ action: 'create', collection: 'app.bsky.feed.post', count: 1, covered: false });
    if (write.content.type !== 'post') throw new Error(write.content.type);
    expect(write.content.post.segments).toEqual([
      { kind: 'text', text: 'héllo ' },
      { kind: 'mention', text: '@bob.test', account: { did: BOB, identity: identities[BOB] } },
      { kind: 'text', text: ' see ' },
      { kind: 'link', text: 'bsky.app', uri: 'https://evil.example/phish' },
      { kind: 'text', text: ' ' },
      { kind: 'tag', text: '#cats', tag: 'cats' },
      { kind: 'text', text: ' 🎉' },
    ]);
    expect(write.content.post.ignoredFacets).toBe(0);
  });

  it('fetches the reply’s parent and root and the quoted post, with their authors', async () => {
    const write = await only(create('app.bsky.feed.post', post));
    if (write.content.type !== 'post') throw new Error(write.content.type);
    const { reply, quote } = write.content.post;
    expect(reply?.parent).toEqual({
      uri: `at://${BOB}/app.bsky.feed.post/parent`,
      collection: 'app.bsky.feed.post',
      author: { did: BOB, identity: identities[BOB] },
      text: found('the parent post'),
    });
    expect(reply?.root?.text).toEqual(found('the root post'));
    expect(quote).toMatchObject({ author: { did: CAROL }, text: found('quoted words') });
  });

  it('lists languages, labels, extra tags, images with alt text, type and size, and fields it does not show', async () => {
    const write = await only(create('app.bsky.feed.post', post));
    if (write.content.type !== 'post') throw new Error(write.content.type);
    expect(write.content.post).toMatchObject({
      langs: ['en', 'fr'],
      labels: ['nudity'],
      tags: ['hidden'],
      images: [{ did: ME, sent: true, cid: 'bafyimg', mime: 'image/jpeg', size: 12345, alt: 'a cat on a mat' }],
    });
    expect(write.content.otherFields).toEqual(['sneaky']);
  });

  it('leaves the root out when it is the parent, and says a target could not be fetched', async () => {
    const reply = {
      $type: 'app.bsky.feed.post',
      text: 'reply',
      reply: {
        root: { uri: `at://${BOB}/app.bsky.feed.post/offline`, cid: 'x' },
        parent: { uri: `at://${BOB}/app.bsky.feed.post/offline`, cid: 'x' },
      },
    };
    const write = await only(create('app.bsky.feed.post', reply));
    if (write.content.type !== 'post') throw new Error(write.content.type);
    expect(write.content.post.reply).toEqual({
      parent: {
        uri: `at://${BOB}/app.bsky.feed.post/offline`,
        collection: 'app.bsky.feed.post',
        author: { did: BOB, identity: identities[BOB] },
        text: failed('unreachable'),
      },
    });
  });

  it('keeps the handle mismatch of a mentioned account that claims someone else’s handle', async () => {
    const t = 'hi @bob.test';
    const write = await only(
      create('app.bsky.feed.post', {
        text: t,
        facets: [
          { index: bytesOf(t, '@bob.test'), features: [{ $type: 'app.bsky.richtext.facet#mention', did: MALLORY }] },
        ],
      }),
    );
    if (write.content.type !== 'post') throw new Error(write.content.type);
    expect(write.content.post.segments[1]).toEqual({
      kind: 'mention',
      text: '@bob.test',
      account: { did: MALLORY, identity: found(expect.objectContaining({ handleStatus: 'mismatch' })) },
    });
  });

  it('an external link card and a record that is not a post', async () => {
    const write = await only(
      create('app.bsky.feed.post', {
        text: '',
        embed: {
          $type: 'app.bsky.embed.external',
          external: { uri: 'https://x.example', title: 'T', description: 'D' },
        },
      }),
    );
    if (write.content.type !== 'post') throw new Error(write.content.type);
    expect(write.content.post.external).toEqual({ uri: 'https://x.example', title: 'T', description: 'D' });
    expect(write.content.post.segments).toEqual([{ kind: 'text', text: '' }]);
    expect((await only(create('app.bsky.feed.post', { text: 5 }))).content).toEqual({ type: 'malformed' });
    expect((await only(create('app.bsky.feed.post', { $type: 'app.bsky.feed.like', text: 'x' }))).content).toEqual({
      type: 'malformed',
    });
  });
});

describe('richSegments', () => {
  it('skips malformed, overlapping and out-of-range facets and counts them', () => {
    const facet = (byteStart: number, byteEnd: number) => ({
      index: { byteStart, byteEnd },
      features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 't' }],
    });
    const { segments, ignored } = richSegments('abcdef', [
      facet(0, 2),
      facet(1, 3), // overlaps the first
      facet(4, 99), // past the end
      facet(3, 3), // empty
      { index: { byteStart: 2, byteEnd: 3 }, features: [{ $type: 'app.example#unknown' }] },
      'junk',
    ]);
    expect(segments).toEqual([
      { kind: 'tag', text: 'ab', tag: 't' },
      { kind: 'text', text: 'cdef' },
    ]);
    expect(ignored).toBe(5);
  });
});

describe('likes, reposts, follows, blocks and list items', () => {
  it('a like and a repost show the post they point at: its author and text', async () => {
    for (const collection of ['app.bsky.feed.like', 'app.bsky.feed.repost']) {
      const write = await only(
        create(collection, { subject: { uri: `at://${BOB}/app.bsky.feed.post/parent`, cid: 'c' }, createdAt: 'x' }),
      );
      expect(write.content).toEqual({
        type: collection.endsWith('like') ? 'like' : 'repost',
        subject: {
          uri: `at://${BOB}/app.bsky.feed.post/parent`,
          collection: 'app.bsky.feed.post',
          author: { did: BOB, identity: identities[BOB] },
          text: found('the parent post'),
        },
        otherFields: [],
      });
    }
  });

  it('a like of a post that does not exist says so', async () => {
    const write = await only(create('app.bsky.feed.like', { subject: { uri: `at://${BOB}/app.bsky.feed.post/x` } }));
    expect(write.content).toMatchObject({ type: 'like', subject: { text: failed('not-found') } });
  });

  it('a follow and a block show the account: verified handle, display name, whether it has an avatar', async () => {
    const follow = await only(create('app.bsky.graph.follow', { subject: BOB, createdAt: 'x' }));
    expect(follow.content).toEqual({
      type: 'follow',
      subject: { did: BOB, identity: identities[BOB] },
      profile: found({ displayName: 'Bob B.', hasAvatar: true }),
      otherFields: [],
    });
    const block = await only(create('app.bsky.graph.block', { subject: CAROL, createdAt: 'x' }));
    expect(block.content).toEqual({
      type: 'block',
      subject: { did: CAROL, identity: identities[CAROL] },
      profile: found({ hasAvatar: false }),
      otherFields: [],
    });
  });

  it('a follow of an account whose handle does not resolve back to it keeps the mismatch', async () => {
    const follow = await only(create('app.bsky.graph.follow', { subject: MALLORY }));
    expect(follow.content).toMatchObject({
      type: 'follow',
      subject: { did: MALLORY, identity: found({ handle: 'bob.test', handleStatus: 'mismatch' }) },
    });
  });

  it('a list item shows the list (its name, fetched) and the member', async () => {
    const write = await only(
      create('app.bsky.graph.listitem', { subject: BOB, list: `at://${CAROL}/app.bsky.graph.list/friends` }),
    );
    expect(write.content).toEqual({
      type: 'listitem',
      list: {
        uri: `at://${CAROL}/app.bsky.graph.list/friends`,
        name: found('Close friends'),
        purpose: 'app.bsky.graph.defs#curatelist',
        owner: { did: CAROL, identity: identities[CAROL] },
      },
      member: { did: BOB, identity: identities[BOB] },
      otherFields: [],
    });
  });
});

describe('profile edits', () => {
  it('show before (fetched) and after of the changed fields only', async () => {
    const write = await only(
      putRecord('app.bsky.actor.profile', 'self', {
        $type: 'app.bsky.actor.profile',
        displayName: 'New name',
        description: 'unchanged bio',
        avatar: { $type: 'blob', ref: { $link: 'bafynew' }, mimeType: 'image/webp', size: 999 },
      }),
    );
    expect(write).toMatchObject({ action: 'update', rkey: 'self' });
    expect(write.content).toEqual({
      type: 'profile',
      before: found('fetched'),
      changes: [
        { field: 'displayName', before: { kind: 'text', text: 'Old name' }, after: { kind: 'text', text: 'New name' } },
        {
          field: 'avatar',
          after: { kind: 'image', image: { did: ME, sent: true, cid: 'bafynew', mime: 'image/webp', size: 999 } },
        },
      ],
    });
  });

  it('a first profile has no before; removed fields have no after', async () => {
    const { lookups } = fakeLookups();
    const first = await previewCall(putRecord('app.bsky.actor.profile', 'self', { displayName: 'Hi' }), {
      account: BOB.replace('bob', 'new'),
      lookups,
      now: NOW,
    });
    expect(writes(first)[0]!.content).toEqual({
      type: 'profile',
      before: found('none'),
      changes: [{ field: 'displayName', after: { kind: 'text', text: 'Hi' } }],
    });
    const cleared = await only(putRecord('app.bsky.actor.profile', 'self', { displayName: 'Old name' }));
    expect(cleared.content).toMatchObject({
      changes: [{ field: 'description', before: { kind: 'text', text: 'unchanged bio' } }],
    });
  });
});

describe('deletes', () => {
  it('fetch the record first and show it with the same preview', async () => {
    const { result, asked } = await preview(del('app.bsky.feed.post', 'mine'));
    expect(asked).toContain(`record at://${ME}/app.bsky.feed.post/mine`);
    expect(writes(result)[0]).toMatchObject({
      action: 'delete',
      rkey: 'mine',
      content: { type: 'post', post: { segments: [{ kind: 'text', text: 'a post of mine to delete' }] } },
    });
  });

  it('a deleted post’s images are not part of the request (nothing of theirs is sent to preview)', async () => {
    const write = await only(del('app.bsky.feed.post', 'pictured'));
    if (write.content.type !== 'post') throw new Error(write.content.type);
    expect(write.content.post.images).toEqual([
      { did: ME, sent: false, cid: 'bafyold', mime: 'image/png', size: 5, alt: 'old' },
    ]);
  });

  it('a record that does not exist says so; one that cannot be fetched says that', async () => {
    expect((await only(del('app.bsky.feed.post', 'nothing'))).content).toEqual({ type: 'missing' });
    records[`at://${ME}/app.bsky.feed.like/offline`] = failed('unreachable');
    expect((await only(del('app.bsky.feed.like', 'offline'))).content).toEqual({
      type: 'unavailable',
      failure: 'unreachable',
    });
  });
});

describe('applyWrites', () => {
  const w = (type: 'create' | 'update' | 'delete', collection: string, extra: Record<string, unknown>) => ({
    $type: `com.atproto.repo.applyWrites#${type}`,
    collection,
    ...extra,
  });
  const like = { subject: { uri: `at://${BOB}/app.bsky.feed.post/parent`, cid: 'c' }, createdAt: 'x' };
  const intent = json('com.atproto.repo.applyWrites', {
    repo: ME,
    writes: [
      w('create', 'app.bsky.feed.like', { value: like }),
      w('create', 'app.bsky.feed.like', { value: like }),
      w('create', 'app.bsky.feed.like', { value: like }),
      w('create', 'app.bsky.feed.post', { value: { text: 'one post' } }),
      w('delete', 'app.bsky.feed.post', { rkey: 'mine' }),
      w('create', 'app.bsky.graph.follow', { value: { subject: BOB } }),
    ],
  });

  it('itemises every write with its action and content, identical writes once with a count', async () => {
    const { result } = await preview(intent);
    expect(result).toMatchObject({ kind: 'writes', total: 6 });
    expect(writes(result).map((x) => [x.index, x.action, x.collection, x.count, x.content.type])).toEqual([
      [0, 'create', 'app.bsky.feed.like', 3, 'like'],
      [3, 'create', 'app.bsky.feed.post', 1, 'post'],
      [4, 'delete', 'app.bsky.feed.post', 1, 'post'],
      [5, 'create', 'app.bsky.graph.follow', 1, 'follow'],
    ]);
  });

  it('marks which writes the site’s grant already covers', async () => {
    const { result } = await preview(intent, 'atproto repo:app.bsky.feed.post?action=create repo:app.bsky.feed.like');
    expect(writes(result).map((x) => [x.action, x.collection, x.covered])).toEqual([
      ['create', 'app.bsky.feed.like', true],
      ['create', 'app.bsky.feed.post', true],
      ['delete', 'app.bsky.feed.post', false],
      ['create', 'app.bsky.graph.follow', false],
    ]);
    const bare = await preview(intent);
    expect(writes(bare.result).every((x) => !x.covered)).toBe(true);
  });

  it('itemises writes of collections it does not know beside the known ones, a delete with the record it removes', async () => {
    put(`at://${ME}/com.example.thing/old`, { $type: 'com.example.thing', note: 'to go' });
    const mixed = json('com.atproto.repo.applyWrites', {
      repo: ME,
      writes: [
        w('create', 'app.bsky.feed.post', { value: { text: 'a' } }),
        w('create', 'com.example.thing', { value: { anything: true } }),
        w('create', 'com.example.thing', { value: { anything: true } }),
        w('update', 'com.example.thing', { rkey: 'k', value: { other: 1 } }),
        w('delete', 'com.example.thing', { rkey: 'old' }),
        w('delete', 'com.example.thing', { rkey: 'gone' }),
      ],
    });
    expect(previewKind(mixed)).toBe('apply-writes');
    const { result } = await preview(mixed, 'atproto repo:com.example.thing?action=create');
    expect(writes(result).map((x) => [x.index, x.action, x.collection, x.count, x.covered, x.content])).toEqual([
      [0, 'create', 'app.bsky.feed.post', 1, false, expect.objectContaining({ type: 'post' })],
      [1, 'create', 'com.example.thing', 2, true, { type: 'unknown' }],
      [3, 'update', 'com.example.thing', 1, false, { type: 'unknown' }],
      [
        4,
        'delete',
        'com.example.thing',
        1,
        false,
        { type: 'unknown', existing: { $type: 'com.example.thing', note: 'to go' } },
      ],
      [5, 'delete', 'com.example.thing', 1, false, { type: 'missing' }],
    ]);
  });

  it('looks each distinct target up once', async () => {
    const { asked } = await preview(intent);
    expect(asked.filter((a) => a === `record at://${BOB}/app.bsky.feed.post/parent`)).toHaveLength(1);
  });
});

describe('service tokens', () => {
  const auth = (params: Record<string, string | number>) =>
    ({
      nsid: 'com.atproto.server.getServiceAuth',
      key: 'com.atproto.server.getserviceauth',
      route: 'pds',
      httpMethod: 'GET',
      params,
      body: { kind: 'none' },
    }) as unknown as DisplayedIntent;

  it('name the service (its endpoint from the DID document), the method and the lifetime from now', async () => {
    const { result } = await preview(
      auth({ aud: 'did:web:svc.example#feed', lxm: 'app.bsky.feed.getFeedSkeleton', exp: NOW / 1000 + 300 }),
    );
    expect(result).toEqual({
      kind: 'serviceAuth',
      aud: 'did:web:svc.example#feed',
      audDid: 'did:web:svc.example',
      serviceId: '#feed',
      services: found([{ id: '#feed', type: 'BskyFeedGenerator', endpoint: 'https://feed.svc.example' }]),
      lxm: 'app.bsky.feed.getFeedSkeleton',
      lifetimeSeconds: 300,
      defaultLifetime: false,
    });
  });

  it('without lxm the token is for any method; without exp the default lifetime applies', async () => {
    const { result } = await preview(auth({ aud: 'did:web:svc.example' }));
    expect(result).toMatchObject({
      kind: 'serviceAuth',
      lifetimeSeconds: DEFAULT_SERVICE_TOKEN_SECONDS,
      defaultLifetime: true,
      services: found([expect.objectContaining({ id: '#feed' }), expect.objectContaining({ id: '#chat' })]),
    });
    expect(result).not.toHaveProperty('lxm');
  });

  it('an audience without a DID document, or without the named service, says so', async () => {
    expect((await preview(auth({ aud: 'did:web:gone.example', lxm: 'x.y.z' }))).result).toMatchObject({
      services: failed('not-found'),
    });
    expect((await preview(auth({ aud: 'did:web:svc.example#nope', lxm: 'x.y.z' }))).result).toMatchObject({
      services: failed('not-found'),
    });
  });
});

describe('what the previews leave to other views', () => {
  it('a collection they do not know (alone, or every write of an applyWrites), and calls that are not writes', async () => {
    const unknown = create('com.example.thing', { anything: true });
    expect(previewKind(unknown)).toBeUndefined();
    expect((await preview(unknown)).result).toEqual({ kind: 'none' });
    const mixed = json('com.atproto.repo.applyWrites', {
      repo: ME,
      writes: [
        { $type: 'com.atproto.repo.applyWrites#create', collection: 'app.bsky.feed.post', value: { text: 'a' } },
        { $type: 'com.atproto.repo.applyWrites#create', collection: 'com.example.thing', value: {} },
      ],
    });
    expect(previewKind(mixed)).toBe('apply-writes');
    const allUnknown = json('com.atproto.repo.applyWrites', {
      repo: ME,
      writes: [{ $type: 'com.atproto.repo.applyWrites#create', collection: 'com.example.thing', value: {} }],
    });
    expect(previewKind(allUnknown)).toBeUndefined();
    expect((await preview(allUnknown)).result).toEqual({ kind: 'none' });
    expect(previewKind(del('app.bsky.feed.post', 'x'))).toBe('repo-write');
    expect(previewKind({ nsid: 'com.atproto.repo.uploadBlob', body: { kind: 'none' } })).toBeUndefined();
  });
});
