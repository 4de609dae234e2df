import { beforeAll, describe, expect, it } from 'vitest';
import { parseXrpcIntent } from '../broker/intent';
import { useEnglishMessages } from '../locales/messages.fixture';
import type { XrpcParams } from '../protocol/page';
import { describeRequirement, describeScope } from './describe';
import { isAllowed, policyForIntent, policyForServiceAuth, scopesFor } from './requirements';
import { parseRequestedScope, scopeCovers } from './scopes';

beforeAll(useEnglishMessages);

const did = 'did:plc:alice';
const policyForXrpc = (call: XrpcParams, grant: string) => policyForIntent(parseXrpcIntent(call), grant);

describe('requested scopes', () => {
  it('always includes atproto and normalises', () => {
    expect(parseRequestedScope(undefined)).toEqual(['atproto']);
    expect(parseRequestedScope('repo:app.bsky.feed.post?action=create')).toEqual([
      'atproto',
      'repo:app.bsky.feed.post?action=create',
    ]);
  });
  it.each(['account:email', 'identity:handle', 'transition:email', 'include:com.example.set', 'bogus', 'rpc:*?aud=*'])(
    'refuses %s',
    (scope) => expect(() => parseRequestedScope(scope)).toThrow(),
  );
});

describe('scopeCovers', () => {
  it('covers literal and wildcard grants', () => {
    expect(scopeCovers('atproto repo:app.bsky.feed.post', ['atproto', 'repo:app.bsky.feed.post?action=create'])).toBe(
      true,
    );
    expect(scopeCovers('atproto repo:*', ['repo:app.bsky.feed.like?action=delete'])).toBe(true);
    expect(scopeCovers('atproto blob:image/*', ['blob:image/png'])).toBe(true);
    expect(
      scopeCovers('atproto rpc:app.bsky.feed.getTimeline?aud=*', [
        'rpc:app.bsky.feed.getTimeline?aud=did:web:api.bsky.app%23bsky_appview',
      ]),
    ).toBe(true);
  });
  it('does not cover wider requests', () => {
    expect(
      scopeCovers('atproto repo:app.bsky.feed.post?action=create', ['repo:app.bsky.feed.post?action=delete']),
    ).toBe(false);
    expect(scopeCovers('atproto blob:image/*', ['blob:*/*'])).toBe(false);
    expect(scopeCovers('atproto', ['transition:generic'])).toBe(false);
  });
});

describe('call policy', () => {
  const grant = 'atproto repo:app.bsky.feed.post?action=create blob:image/* rpc:app.bsky.feed.getTimeline?aud=*';

  it('allows repo writes within the grant and nothing more', () => {
    const create = policyForXrpc(
      { nsid: 'com.atproto.repo.createRecord', body: { repo: did, collection: 'app.bsky.feed.post', record: {} } },
      grant,
    );
    expect(create).toEqual({
      kind: 'needs',
      requirements: [{ kind: 'repo', collection: 'app.bsky.feed.post', action: 'create' }],
    });
    expect(isAllowed(grant, (create as any).requirements)).toBe(true);
    const del = policyForXrpc(
      { nsid: 'com.atproto.repo.deleteRecord', body: { collection: 'app.bsky.feed.post', rkey: 'x' } },
      grant,
    );
    expect(isAllowed(grant, (del as any).requirements)).toBe(false);
    expect(scopesFor((del as any).requirements)).toEqual(['repo:app.bsky.feed.post?action=delete']);
  });

  it('checks every write of applyWrites', () => {
    const writes = policyForXrpc(
      {
        nsid: 'com.atproto.repo.applyWrites',
        body: {
          repo: did,
          writes: [
            { $type: 'com.atproto.repo.applyWrites#create', collection: 'app.bsky.feed.post', value: {} },
            { $type: 'com.atproto.repo.applyWrites#delete', collection: 'app.bsky.graph.follow', rkey: 'x' },
          ],
        },
      },
      grant,
    ) as any;
    expect(writes.requirements).toHaveLength(2);
    expect(isAllowed(grant, writes.requirements)).toBe(false);
    expect(isAllowed(`${grant} repo:app.bsky.graph.follow?action=delete`, writes.requirements)).toBe(true);
  });

  it('refuses a write without a collection it can read', () => {
    expect(() => policyForXrpc({ nsid: 'com.atproto.repo.createRecord', body: { record: {} } }, grant)).toThrow(
      /collection/,
    );
  });

  it('checks blob uploads by MIME type', () => {
    const png = policyForXrpc(
      { nsid: 'com.atproto.repo.uploadBlob', body: new Uint8Array(1), encoding: 'image/png' },
      grant,
    ) as any;
    expect(isAllowed(grant, png.requirements)).toBe(true);
    const video = policyForXrpc(
      { nsid: 'com.atproto.repo.uploadBlob', body: new Uint8Array(1), encoding: 'video/mp4' },
      grant,
    ) as any;
    expect(isAllowed(grant, video.requirements)).toBe(false);
  });

  it('checks other methods as RPC permissions for their audience', () => {
    const timeline = policyForXrpc(
      { nsid: 'app.bsky.feed.getTimeline', proxy: 'did:web:api.bsky.app#bsky_appview' },
      grant,
    ) as any;
    expect(isAllowed(grant, timeline.requirements)).toBe(true);
    const notifications = policyForXrpc({ nsid: 'app.bsky.notification.listNotifications' }, grant) as any;
    expect(isAllowed(grant, notifications.requirements)).toBe(false);
  });

  it('lets connected sites read public repo data', () => {
    expect(
      policyForXrpc({ nsid: 'com.atproto.repo.listRecords', params: { repo: did, collection: 'x.y.z' } }, 'atproto'),
    ).toEqual({ kind: 'public' });
  });

  it('never allows account management', () => {
    for (const nsid of [
      'com.atproto.server.deleteAccount',
      'com.atproto.server.createAppPassword',
      'com.atproto.server.getSession',
      'com.atproto.admin.getAccountInfo',
    ]) {
      expect(policyForXrpc({ nsid }, 'atproto transition:generic').kind).toBe('forbidden');
    }
    expect(
      policyForXrpc({ nsid: 'com.atproto.identity.updateHandle', body: {} }, 'atproto transition:generic').kind,
    ).toBe('forbidden');
    // ...unless the grant names the method explicitly.
    expect(
      policyForXrpc({ nsid: 'com.atproto.server.getSession' }, 'atproto rpc:com.atproto.server.getSession?aud=*').kind,
    ).toBe('needs');
  });

  it('treats service auth as an RPC permission at its audience', () => {
    const p = policyForServiceAuth({
      aud: 'did:web:feed.example#bsky_fg',
      lxm: 'app.bsky.feed.getFeedSkeleton',
    }) as any;
    expect(p.requirements).toEqual([
      { kind: 'rpc', lxm: 'app.bsky.feed.getFeedSkeleton', aud: 'did:web:feed.example#bsky_fg' },
    ]);
    expect(isAllowed('atproto rpc:app.bsky.feed.getFeedSkeleton?aud=*', p.requirements)).toBe(true);
  });
});

describe('plain words', () => {
  it('describes scopes a person can read', () => {
    expect(describeScope('atproto')).toMatch(/which account/);
    expect(describeScope('repo:app.bsky.feed.post?action=create')).toBe(
      'Create posts (app.bsky.feed.post) in your repository',
    );
    expect(describeScope('repo:app.bsky.feed.like?action=create&action=delete')).toBe(
      'Create and delete likes (app.bsky.feed.like) in your repository',
    );
    expect(describeScope('blob:image/*')).toBe('Upload image files');
    expect(describeScope('rpc:app.bsky.feed.getTimeline?aud=*')).toBe(
      'Call app.bsky.feed.getTimeline as you at any service',
    );
    expect(describeRequirement({ kind: 'repo', collection: 'com.example.thing', action: 'delete' })).toBe(
      'Delete com.example.thing records in your repository',
    );
  });
});
