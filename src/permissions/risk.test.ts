import { isAtprotoOauthScope } from '@atproto/oauth-scopes';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { useEnglishMessages } from '../locales/messages.fixture';
import { allowsDeleting, alwaysOffer, broadGrantOf, linesOf, mayRemember, scopesByRisk } from './risk';
import { parseRequestedScope, permissionsOf } from './scopes';

beforeAll(useEnglishMessages);

describe('scopes grouped by risk', () => {
  it('puts each scope in its group, in the window’s order, splitting a repo scope’s deletes from its writes', () => {
    const risk = scopesByRisk(
      parseRequestedScope(
        'rpc:app.bsky.feed.getTimeline?aud=did:web:api.bsky.app%23bsky_appview repo:app.bsky.feed.post blob:image/* repo:app.bsky.feed.like?action=create',
      ),
    );
    expect(risk.groups).toEqual([
      { group: 'read', lines: ['Know which account you use (your DID and handle)'] },
      {
        group: 'write',
        lines: [
          'Create and edit posts (app.bsky.feed.post) in your repository',
          'Upload image files',
          'Create likes (app.bsky.feed.like) in your repository',
        ],
      },
      { group: 'delete', lines: ['Delete posts (app.bsky.feed.post) in your repository'] },
      {
        group: 'services',
        lines: ['Call app.bsky.feed.getTimeline as you at did:web:api.bsky.app#bsky_appview'],
      },
    ]);
    expect(risk.broad).toEqual([]);
  });

  it('a delete-only scope has only a delete line; transition scopes are account-level', () => {
    expect(linesOf('repo:app.bsky.graph.follow?action=delete')).toEqual([
      {
        group: 'delete',
        scope: 'repo:app.bsky.graph.follow?action=delete',
        text: 'Delete follows (app.bsky.graph.follow) in your repository',
      },
    ]);
    expect(linesOf('transition:generic').map((l) => l.group)).toEqual(['account']);
    expect(linesOf('transition:chat.bsky').map((l) => l.group)).toEqual(['account']);
    // A token nothing knows (never let through by the broker) counts as the riskiest.
    expect(linesOf('something:else').map((l) => l.group)).toEqual(['account']);
  });

  it('omits empty groups', () => {
    expect(scopesByRisk(['atproto']).groups.map((g) => g.group)).toEqual(['read']);
  });
});

describe('broad grants', () => {
  it('names what each broad grant allows', () => {
    const broad = scopesByRisk(
      parseRequestedScope('transition:generic repo:* rpc:*?aud=did:web:api.bsky.app%23bsky_appview blob:*/*'),
    ).broad;
    expect(broad.map((b) => b.kind)).toEqual(['whole-account', 'any-collection', 'any-method', 'any-file']);
    expect(broad[0].text).toMatch(/create, edit and delete any of your records/);
    expect(broad[1].text).toMatch(/could create, edit and delete any record in your repository/);
    expect(broad[2].text).toMatch(/every method of did:web:api\.bsky\.app#bsky_appview/);
    expect(broad[3].text).toMatch(/files of every type/);
    expect(broadGrantOf('rpc:app.bsky.feed.getTimeline?aud=*')).toMatchObject({
      kind: 'any-service',
      text: expect.stringMatching(/call app\.bsky\.feed\.getTimeline as you at any service/),
    });
    expect(broadGrantOf('repo:*?action=delete')?.text).toMatch(/could delete any record/);
    expect(broadGrantOf('transition:chat.bsky')?.kind).toBe('direct-messages');
  });

  it('does not call narrow grants broad', () => {
    for (const token of [
      'atproto',
      'repo:app.bsky.feed.post',
      'repo:app.bsky.feed.post?action=create',
      'rpc:app.bsky.feed.getTimeline?aud=did:web:api.bsky.app%23bsky_appview',
      'blob:image/*',
      'blob:application/*',
    ]) {
      expect(broadGrantOf(token), token).toBeNull();
    }
  });

  // Each spelling either is refused before any window (parseRequestedScope throws) or counts as broad,
  // both as the site wrote it and as normalised for the window.
  it.each([
    'repo:*',
    'repo:%2A',
    'repo?collection=*',
    'repo?collection=%2A',
    'repo?collection=app.bsky.feed.post&collection=*',
    'repo:*?action=create',
    'repo:*?action=delete&action=delete',
    'rpc:*?aud=did:web:api.bsky.app%23bsky_appview',
    'rpc:%2A?aud=did:web:api.bsky.app%23bsky_appview',
    'rpc?lxm=*&aud=did:web:api.bsky.app%23bsky_appview',
    'rpc?lxm=app.bsky.feed.getTimeline&lxm=*&aud=did:web:api.bsky.app%23bsky_appview',
    'rpc:app.bsky.feed.getTimeline?aud=*',
    'rpc:app.bsky.feed.getTimeline?aud=%2A',
    'rpc?lxm=app.bsky.feed.getTimeline&aud=*',
    'rpc:*?aud=*',
    'blob:*/*',
    'blob:*%2F*',
    'blob:%2A%2F%2A',
    'blob?accept=*/*',
    'blob?accept=image/png&accept=*/*',
    'transition:generic',
    'Transition:Generic',
    'TRANSITION:GENERIC',
    'Repo:*',
    'REPO:*',
    'repo:*?action=DELETE',
    'RPC:app.bsky.feed.getTimeline?aud=*',
    'rpc:app.bsky.feed.getTimeline?AUD=*',
    'rpc:app.bsky.feed.getTimeline?aud=DID:WEB:api.bsky.app%23x',
    'Blob:*/*',
    'blob:*/* ',
    'transition:chat.bsky',
  ])('%s is refused or counts as broad', (spelling) => {
    let tokens: string[];
    try {
      tokens = parseRequestedScope(spelling);
    } catch {
      expect(isAtprotoOauthScope(spelling.trim())).toBe(false);
      return;
    }
    const requested = tokens.filter((t) => t !== 'atproto');
    expect(requested.length).toBe(1);
    expect(scopesByRisk(tokens).broad).toHaveLength(1);
    if (isAtprotoOauthScope(spelling)) expect(broadGrantOf(spelling)).not.toBeNull();
  });

  /** What the grant checks would let a token do beyond anything it names. */
  const AUDS = ['did:web:api.bsky.app#bsky_appview', 'did:web:feed.example#bsky_fg'];
  const LXMS = ['app.bsky.feed.getTimeline', 'com.example.do', 'chat.bsky.convo.sendMessage'];
  const COLLECTIONS = ['app.bsky.feed.post', 'com.example.thing'];
  const MIMES = ['image/png', 'image/*', 'application/*', '*/*', 'text/plain'];
  function reachesUnnamed(token: string): boolean {
    const perms = permissionsOf(token);
    return (
      (['create', 'update', 'delete'] as const).some((action) =>
        perms.allowsRepo({ collection: 'zz.unnamed.kind', action }),
      ) ||
      AUDS.some((aud) => perms.allowsRpc({ lxm: 'zz.unnamed.method', aud })) ||
      LXMS.some((lxm) => perms.allowsRpc({ lxm, aud: 'did:web:unnamed.example#svc' })) ||
      perms.allowsBlob({ mime: 'x-unnamed/x-unnamed' })
    );
  }
  const encoded = (text: string) =>
    fc
      .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
      .map((flags) =>
        [...text]
          .map((c, i) => (flags[i] && /[*/#:]/.test(c) ? `%${c.charCodeAt(0).toString(16).toUpperCase()}` : c))
          .join(''),
      );
  const spelling = fc.oneof(
    fc
      .tuple(
        fc.constantFrom(...COLLECTIONS, '*'),
        fc.subarray(['create', 'update', 'delete']),
        fc.constantFrom('repo', 'Repo'),
      )
      .chain(([collection, actions, prefix]) =>
        encoded(collection).map(
          (c) => `${prefix}:${c}${actions.length ? `?${actions.map((a) => `action=${a}`).join('&')}` : ''}`,
        ),
      ),
    fc
      .tuple(fc.constantFrom(...LXMS, '*'), fc.constantFrom(...AUDS, '*'), fc.boolean())
      .chain(([lxm, aud, positional]) =>
        fc
          .tuple(encoded(lxm), encoded(aud))
          .map(([l, a]) => (positional ? `rpc:${l}?aud=${a}` : `rpc?lxm=${l}&aud=${a}`)),
      ),
    fc
      .subarray(MIMES, { minLength: 1 })
      .chain((mimes) =>
        fc.tuple(...mimes.map(encoded)).map((parts) => `blob?${parts.map((m) => `accept=${m}`).join('&')}`),
      ),
    fc.constantFrom('transition:generic', 'transition:chat.bsky', 'atproto', 'Transition:generic'),
  );

  it('calls a token broad exactly when the grant checks let it reach what it does not name', () => {
    const seen = { refused: 0, broad: 0, narrow: 0 };
    fc.assert(
      fc.property(spelling, (token) => {
        if (!isAtprotoOauthScope(token)) {
          expect(() => parseRequestedScope(token)).toThrow();
          seen.refused++;
          return;
        }
        const broad = broadGrantOf(token) !== null;
        expect(broad, token).toBe(reachesUnnamed(token));
        // The window shows the normalised token: it says the same.
        const [normalised] = parseRequestedScope(token).filter((t) => t !== 'atproto' || token === 'atproto');
        expect(broadGrantOf(normalised) !== null, normalised).toBe(broad);
        seen[broad ? 'broad' : 'narrow']++;
      }),
      { numRuns: 1000 },
    );
    // The generator must reach all three outcomes, or the property proves little.
    expect(Math.min(seen.refused, seen.broad, seen.narrow)).toBeGreaterThan(50);
  });
});

describe('deletes and "Always allow"', () => {
  it('sees a delete in any spelling of a repo scope, and in transition:generic', () => {
    expect(allowsDeleting(['repo:app.bsky.feed.post?action=delete'])).toBe(true);
    expect(allowsDeleting(['repo?collection=app.bsky.feed.post&action=delete'])).toBe(true);
    expect(allowsDeleting(['repo:app.bsky.feed.post'])).toBe(true); // all actions by default
    expect(allowsDeleting(['transition:generic'])).toBe(true);
    expect(allowsDeleting(['repo:app.bsky.feed.like?action=create', 'blob:image/*', 'rpc:a.b.c?aud=*'])).toBe(false);
  });

  it('offers "Always allow" for a delete only when the settings say so, and never with nothing to add', () => {
    const deletes = ['repo:app.bsky.feed.like?action=create', 'repo:app.bsky.feed.post?action=delete'];
    expect(mayRemember(deletes, { allowAlwaysForDeletes: false })).toBe(false);
    expect(mayRemember(deletes, { allowAlwaysForDeletes: true })).toBe(true);
    expect(mayRemember(['repo:app.bsky.feed.like?action=create'], { allowAlwaysForDeletes: false })).toBe(true);
    expect(mayRemember([], { allowAlwaysForDeletes: true })).toBe(false);
    expect(alwaysOffer(deletes, { allowAlwaysForDeletes: false })).toBe('off-for-deletes');
    expect(alwaysOffer([], { allowAlwaysForDeletes: false })).toBe('nothing-to-add');
  });
});
