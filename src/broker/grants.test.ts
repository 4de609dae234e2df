import { describe, expect, it } from 'vitest';
import { type GrantRecord, openKeyringDB } from '../storage/db';
import { expiryFor } from './grant-expiry';
import { GrantError, GrantStore, LAST_USED_PERSIST_MS, UNDO_WINDOW_MS } from './grants';

const SITE = 'https://site.example';
const OTHER = 'https://other.example';
const ALICE = 'did:plc:alice';
const BOB = 'did:plc:bob';
const POST = 'repo:app.bsky.feed.post?action=create';
const LIKE = 'repo:app.bsky.feed.like?action=create';
const HOUR = 3_600_000;

let n = 0;
async function store() {
  const db = await openKeyringDB(`grants-${++n}`);
  let now = 1_000_000;
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  return { db, clock, grants: new GrantStore(db, clock.now) };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (err) => (err instanceof GrantError ? err.code : String(err)),
  );

describe('expiry choices', () => {
  it('turns only the offered choices into times, with the background clock', () => {
    const now = new Date(2026, 0, 10, 15, 30).getTime();
    expect(expiryFor('hour', now)).toBe(now + HOUR);
    expect(expiryFor('today', now)).toBe(new Date(2026, 0, 11, 0, 0).getTime());
    expect(expiryFor('revoke', now)).toBeUndefined();
    expect(expiryFor(undefined, now)).toBeUndefined();
  });
});

describe('GrantStore', () => {
  it('an ended grant is no grant; rows without an end never end', async () => {
    const { grants, clock } = await store();
    await grants.extend(SITE, ALICE, ['atproto', POST], { grant: { expiresAt: clock.now() + HOUR } });
    await grants.extend(SITE, BOB, ['atproto']);
    expect((await grants.forOrigin(SITE)).map((g) => g.did)).toEqual([BOB, ALICE]);
    clock.advance(HOUR - 1);
    expect(await grants.get(SITE, ALICE)).toBeDefined();
    clock.advance(1);
    expect((await grants.forOrigin(SITE)).map((g) => g.did)).toEqual([BOB]);
    expect(await grants.get(SITE, ALICE)).toBeUndefined();
    expect((await grants.all()).map((g) => g.did)).toEqual([BOB]);
    clock.advance(365 * 24 * HOUR);
    expect(await grants.get(SITE, BOB)).toBeDefined();
    // Connecting again starts afresh: nothing of the ended grant comes back.
    const again = await grants.extend(SITE, ALICE, ['atproto']);
    expect(again.scope).toBe('atproto');
    expect(again.expiresAt).toBeUndefined();
    expect(await grants.sweep()).toBe(0);
  });

  it('a connect sets the end of the whole grant; "for good" lifts it', async () => {
    const { grants, clock } = await store();
    await grants.extend(SITE, ALICE, ['atproto'], { grant: { expiresAt: clock.now() + HOUR } });
    await grants.extend(SITE, ALICE, [POST], { grant: { expiresAt: undefined } });
    clock.advance(2 * HOUR);
    expect((await grants.get(SITE, ALICE))?.scope).toBe(`atproto ${POST}`);
  });

  it('"Always allow" for a while: the token ends by itself, the rest of the grant stays', async () => {
    const { grants, clock, db } = await store();
    await grants.extend(SITE, ALICE, ['atproto', POST]);
    await grants.extend(SITE, ALICE, [LIKE], { scopesExpireAt: clock.now() + HOUR });
    expect((await grants.forOrigin(SITE))[0]).toMatchObject({
      scope: `atproto ${POST} ${LIKE}`,
      scopeExpiresAt: { [LIKE]: clock.now() + HOUR },
    });
    clock.advance(HOUR);
    const live = (await grants.forOrigin(SITE))[0];
    expect(live.scope).toBe(`atproto ${POST}`);
    expect(live.scopeExpiresAt).toBeUndefined();
    // The stored row still says when the token ended; extending again starts from the live scope.
    expect((await db.get('grants', [SITE, ALICE]))?.scope).toContain(LIKE);
    const renewed = await grants.extend(SITE, ALICE, [LIKE], { scopesExpireAt: clock.now() + HOUR });
    expect(renewed.scopeExpiresAt).toEqual({ [LIKE]: clock.now() + HOUR });
    // "For a while" never shortens what was granted for good; "for good" lifts a token's end.
    await grants.extend(SITE, ALICE, [POST], { scopesExpireAt: clock.now() + 1 });
    await grants.extend(SITE, ALICE, [LIKE]);
    clock.advance(2 * HOUR);
    expect((await grants.get(SITE, ALICE))?.scope).toBe(`atproto ${POST} ${LIKE}`);
  });

  it('removes one scope; refuses another origin, another account, a scope not held and the base scope', async () => {
    const { grants, clock } = await store();
    await grants.extend(SITE, ALICE, ['atproto', POST, LIKE]);
    await grants.extend(SITE, ALICE, ['blob:image/*'], { scopesExpireAt: clock.now() + HOUR });
    await grants.extend(OTHER, BOB, ['atproto', POST]);
    expect(await codeOf(grants.removeScope(OTHER, ALICE, POST))).toBe('no-such-grant');
    expect(await codeOf(grants.removeScope(SITE, BOB, POST))).toBe('no-such-grant');
    expect(await codeOf(grants.removeScope(SITE, ALICE, 'repo:app.bsky.graph.follow?action=create'))).toBe(
      'no-such-scope',
    );
    // A token is matched exactly, not by what it covers.
    expect(await codeOf(grants.removeScope(SITE, ALICE, 'repo:app.bsky.feed.post'))).toBe('no-such-scope');
    expect(await codeOf(grants.removeScope(SITE, ALICE, 'atproto'))).toBe('not-removable');
    const edited = await grants.removeScope(SITE, ALICE, 'blob:image/*');
    expect(edited.scopeExpiresAt).toBeUndefined();
    expect((await grants.removeScope(SITE, ALICE, POST)).scope).toBe(`atproto ${LIKE}`);
    expect((await grants.forOrigin(SITE))[0].scope).toBe(`atproto ${LIKE}`);
    expect((await grants.forOrigin(OTHER))[0].scope).toBe(`atproto ${POST}`);
    // An ended scope is not in the grant any more.
    await grants.extend(SITE, ALICE, [POST], { scopesExpireAt: clock.now() + 1 });
    clock.advance(1);
    expect(await codeOf(grants.removeScope(SITE, ALICE, POST))).toBe('no-such-scope');
  });

  it('a revoke returns a one-time token that restores exactly the rows removed, within the undo window', async () => {
    const { grants, clock, db } = await store();
    await grants.extend(SITE, ALICE, ['atproto', POST], { grant: { expiresAt: clock.now() + 10 * HOUR } });
    await grants.extend(SITE, BOB, ['atproto']);
    await grants.extend(OTHER, ALICE, ['atproto']);
    const before = await db.getAllFromIndex('grants', 'origin', SITE);
    const { rows, undoToken } = await grants.revoke(SITE);
    expect(rows).toHaveLength(2);
    expect(await grants.forOrigin(SITE)).toEqual([]);
    expect(await grants.restore(undoToken, () => true)).toHaveLength(2);
    expect(await db.getAllFromIndex('grants', 'origin', SITE)).toEqual(before);
    // Replayed: refused, and nothing is put back twice.
    await grants.revoke(SITE, BOB);
    expect(await codeOf(grants.restore(undoToken, () => true))).toBe('undo-unavailable');
    expect((await grants.forOrigin(SITE)).map((g) => g.did)).toEqual([ALICE]);
    // Forged, and too old.
    expect(await codeOf(grants.restore(crypto.randomUUID(), () => true))).toBe('undo-unavailable');
    const late = await grants.revoke(OTHER);
    clock.advance(UNDO_WINDOW_MS);
    expect(await codeOf(grants.restore(late.undoToken, () => true))).toBe('undo-unavailable');
    expect(await grants.forOrigin(OTHER)).toEqual([]);
  });

  it('a restore skips accounts no longer signed in and never overwrites a grant made since', async () => {
    const { grants } = await store();
    await grants.extend(SITE, ALICE, ['atproto', POST]);
    await grants.extend(SITE, BOB, ['atproto', POST]);
    const { undoToken } = await grants.revoke(SITE);
    await grants.extend(SITE, ALICE, ['atproto']);
    const restored = await grants.restore(undoToken, (row: GrantRecord) => row.did !== BOB);
    expect(restored).toEqual([]);
    expect((await grants.forOrigin(SITE)).map((g) => [g.did, g.scope])).toEqual([[ALICE, 'atproto']]);
  });

  it('"last used" lives in memory and reaches storage at most once a minute per grant', async () => {
    const { grants, clock, db } = await store();
    await grants.extend(SITE, ALICE, ['atproto']);
    const stored = async () => (await db.get('grants', [SITE, ALICE]))?.lastUsedAt;
    const flushed = () => new Promise((r) => setTimeout(r, 20));
    grants.touch(SITE, ALICE);
    await flushed();
    const first = clock.now();
    expect(await stored()).toBe(first);
    clock.advance(1_000);
    grants.touch(SITE, ALICE);
    await flushed();
    expect(await stored()).toBe(first);
    expect((await grants.all())[0].lastUsedAt).toBe(first + 1_000);
    clock.advance(LAST_USED_PERSIST_MS);
    grants.touch(SITE, ALICE);
    await flushed();
    expect(await stored()).toBe(clock.now());
    // A touch for a grant that does not exist writes nothing.
    grants.touch(OTHER, BOB);
    await flushed();
    expect(await db.get('grants', [OTHER, BOB])).toBeUndefined();
  });

  it('sweeps ended grants from storage', async () => {
    const { grants, clock, db } = await store();
    await grants.extend(SITE, ALICE, ['atproto'], { grant: { expiresAt: clock.now() + HOUR } });
    await grants.extend(SITE, BOB, ['atproto']);
    clock.advance(HOUR);
    expect(await grants.sweep()).toBe(1);
    expect((await db.getAll('grants')).map((g) => g.did)).toEqual([BOB]);
  });
});

describe('warm-up at wake', () => {
  it("reads every grant at once; a site's grants are then read from memory", async () => {
    const { db, grants, clock } = await store();
    const writer = new GrantStore(db, clock.now);
    await writer.extend(SITE, ALICE, [POST]);
    await writer.extend(OTHER, BOB, [LIKE]);
    await grants.warm();
    await db.clear('grants'); // behind its back: what it read stays
    expect((await grants.forOrigin(SITE)).map((g) => g.did)).toEqual([ALICE]);
    expect((await grants.forOrigin(OTHER)).map((g) => g.did)).toEqual([BOB]);
  });

  it('keeps nothing it read when a grant changed meanwhile', async () => {
    const { grants } = await store();
    await grants.extend(SITE, ALICE, [POST]);
    const warming = grants.warm();
    await grants.revokeOrigin(SITE);
    await warming;
    expect(await grants.forOrigin(SITE)).toEqual([]);
  });
});
