/** The broker with grants the user edits: expiry, removed scopes, revokes and their undo, the delete policy. */
import { describe, expect, it, vi } from 'vitest';
import { ALICE, BOB, createBrokerFixture, SITE } from './broker.fixture';
import { PROMPT_COOLDOWN_MS } from './prompts';

const HOUR = 3_600_000;
const POST = 'repo:app.bsky.feed.post?action=create';
const post = () => ({
  nsid: 'com.atproto.repo.createRecord',
  body: { repo: ALICE, collection: 'app.bsky.feed.post', record: { $type: 'app.bsky.feed.post', text: 'hi' } },
});
const like = () => ({
  nsid: 'com.atproto.repo.createRecord',
  body: { repo: ALICE, collection: 'app.bsky.feed.like', record: {} },
});
const deletion = () => ({
  nsid: 'com.atproto.repo.deleteRecord',
  body: { repo: ALICE, collection: 'app.bsky.feed.post', rkey: 'a' },
});
const read = () => ({
  nsid: 'com.atproto.repo.listRecords',
  params: { repo: ALICE, collection: 'app.bsky.feed.post' },
});
const silently = <T extends object>(call: T) => ({ ...call, noPrompt: true });

describe('Broker: grants that end', () => {
  it('a connect "for 1 hour": an ended grant answers as no grant, and connecting asks again', async () => {
    const { call, user, clock } = await createBrokerFixture();
    user.answers.push({ outcome: 'approve', did: ALICE, duration: 'hour' });
    expect(await call(SITE, 'atproto_connect', { scope: POST })).toMatchObject({ result: { did: ALICE } });
    expect(await call(SITE, 'atproto_xrpc', silently(post()))).toMatchObject({ result: { status: 200 } });
    clock.advance(HOUR);
    expect(await call(SITE, 'atproto_xrpc', silently(post()))).toMatchObject({ error: { code: 4100 } });
    expect(await call(SITE, 'atproto_accounts')).toEqual({ result: [] });
    user.answers.push({ outcome: 'approve', did: ALICE });
    expect(await call(SITE, 'atproto_connect', { scope: POST })).toMatchObject({ result: { did: ALICE } });
    expect(user.prompts.map((p) => p.kind)).toEqual(['connect', 'connect']);
    clock.advance(100 * HOUR);
    expect(await call(SITE, 'atproto_xrpc', silently(post()))).toMatchObject({ result: { status: 200 } });
  });

  it('"Always allow" for 1 hour: that call prompts again afterwards, the connect\'s own scopes stay silent', async () => {
    const { call, user, clock, grants } = await createBrokerFixture();
    user.answers.push({ outcome: 'approve', did: ALICE });
    await call(SITE, 'atproto_connect', { scope: POST });
    user.answers.push({ outcome: 'approve', remember: true, duration: 'hour' });
    const asked = clock.now();
    expect(await call(SITE, 'atproto_xrpc', like())).toMatchObject({ result: { status: 200 } });
    const ends = (await grants.forOrigin(SITE))[0].scopeExpiresAt?.['repo:app.bsky.feed.like?action=create'];
    expect(ends).toBeGreaterThanOrEqual(asked + HOUR);
    expect(ends).toBeLessThanOrEqual(clock.now() + HOUR);
    expect(await call(SITE, 'atproto_xrpc', silently(like()))).toMatchObject({ result: { status: 200 } });
    clock.advance(HOUR);
    expect(await call(SITE, 'atproto_xrpc', silently(like()))).toMatchObject({ error: { code: 4100 } });
    expect(await call(SITE, 'atproto_xrpc', silently(post()))).toMatchObject({ result: { status: 200 } });
    user.answers.push({ outcome: 'reject', reason: 'denied' });
    expect(await call(SITE, 'atproto_xrpc', like())).toMatchObject({ error: { code: 4001 } });
    expect(user.prompts).toHaveLength(3);
  });
});

describe('Broker: removed scopes and revokes', () => {
  it('a removed scope makes its calls ask; the others stay silent; the site keeps its accounts', async () => {
    const { call, user, grants, sent, events } = await createBrokerFixture();
    user.answers.push({ outcome: 'approve', did: ALICE });
    await call(SITE, 'atproto_connect', { scope: `${POST} repo:app.bsky.feed.like?action=create` });
    await events.register({ tabId: 7, frameId: 0, origin: SITE });
    sent.length = 0;
    await grants.removeScope(SITE, ALICE, POST);
    expect(await call(SITE, 'atproto_xrpc', silently(post()))).toMatchObject({ error: { code: 4100 } });
    expect(await call(SITE, 'atproto_xrpc', silently(like()))).toMatchObject({ result: { status: 200 } });
    expect(await call(SITE, 'atproto_accounts')).toMatchObject({ result: [{ did: ALICE }] });
    expect(sent).toEqual([]);
  });

  it('revoking one account of two tells the site its accounts changed, without disconnect; undo restores it', async () => {
    const { call, user, broker, events, sent } = await createBrokerFixture();
    user.answers.push({ outcome: 'approve', did: ALICE }, { outcome: 'approve', did: BOB });
    await call(SITE, 'atproto_connect', { scope: POST });
    await call(SITE, 'atproto_connect', { account: 'bob.test', scope: POST });
    await events.register({ tabId: 7, frameId: 0, origin: SITE });
    sent.length = 0;
    const { revoked, undoToken } = await broker.revokeGrants(SITE, BOB);
    expect(revoked).toBe(1);
    expect(sent.map((s) => s.event)).toEqual([
      { event: 'accountsChanged', data: [{ did: ALICE, handle: 'alice.test' }] },
    ]);
    sent.length = 0;
    expect(await broker.restoreGrants(undoToken)).toBe(1);
    expect(sent.map((s) => s.event.event)).toEqual(['accountsChanged']);
    expect(await call(SITE, 'atproto_accounts')).toMatchObject({ result: [{ did: BOB }, { did: ALICE }] });
    expect(await call(SITE, 'atproto_xrpc', { ...silently(post()), did: BOB })).toMatchObject({
      result: { status: 200 },
    });
    // Once only.
    await expect(broker.restoreGrants(undoToken)).rejects.toMatchObject({ code: 'undo-unavailable' });
  });

  it('revoking the site disconnects it; undo brings the grant back as it was, without a prompt', async () => {
    const { call, user, broker, events, sent } = await createBrokerFixture();
    user.answers.push({ outcome: 'approve', did: ALICE });
    await call(SITE, 'atproto_connect', { scope: POST });
    await events.register({ tabId: 7, frameId: 0, origin: SITE });
    sent.length = 0;
    const { undoToken } = await broker.revokeGrants(SITE);
    expect(sent.map((s) => s.event.event)).toEqual(['disconnect', 'accountsChanged']);
    expect(await call(SITE, 'atproto_xrpc', silently(post()))).toMatchObject({ error: { code: 4100 } });
    await broker.restoreGrants(undoToken);
    expect(await call(SITE, 'atproto_xrpc', silently(post()))).toMatchObject({ result: { status: 200 } });
    expect(user.prompts).toHaveLength(1);
  });

  it('an undo does not bring back the grant of an account signed out in the meantime', async () => {
    const { call, user, broker, db, keyring } = await createBrokerFixture();
    user.answers.push({ outcome: 'approve', did: ALICE });
    await call(SITE, 'atproto_connect', { scope: POST });
    const { undoToken } = await broker.revokeGrants(SITE);
    // Alice signed out: the keyring no longer lists her.
    const { accounts, activeDid } = await keyring.listAccounts();
    vi.spyOn(keyring, 'listAccounts').mockResolvedValue({
      accounts: accounts.filter((a) => a.did !== ALICE),
      activeDid,
    });
    expect(await broker.restoreGrants(undoToken)).toBe(0);
    expect(await db.getAll('grants')).toEqual([]);
  });

  it('notes when the site last called as the account, reads included', async () => {
    const { call, user, grants, clock } = await createBrokerFixture();
    user.answers.push({ outcome: 'approve', did: ALICE });
    await call(SITE, 'atproto_connect', { scope: POST });
    expect((await grants.all())[0].lastUsedAt).toBeUndefined();
    clock.advance(5_000);
    const before = clock.now();
    await call(SITE, 'atproto_xrpc', read());
    const { lastUsedAt } = (await grants.all())[0];
    expect(lastUsedAt).toBeGreaterThanOrEqual(before);
    expect(lastUsedAt).toBeLessThanOrEqual(clock.now());
  });
});

describe('Broker: "Always ask before deleting"', () => {
  it('on (the default): a grant that allows deleting still asks, and "always" does not make it silent', async () => {
    const { call, user, pds, clock, grants } = await createBrokerFixture();
    user.answers.push({ outcome: 'approve', did: ALICE });
    await call(SITE, 'atproto_connect', { scope: 'repo:app.bsky.feed.post' });
    const granted = (await grants.forOrigin(SITE))[0].scope;
    expect(await call(SITE, 'atproto_xrpc', silently(deletion()))).toMatchObject({
      error: { code: 4100, message: expect.stringContaining('deletions ask each time') },
    });
    user.answers.push({ outcome: 'approve', remember: true });
    expect(await call(SITE, 'atproto_xrpc', deletion())).toMatchObject({ result: { status: 200 } });
    expect(user.prompts[1].details).toMatchObject({
      kind: 'call',
      scopes: ['repo:app.bsky.feed.post?action=delete'],
    });
    expect((await grants.forOrigin(SITE))[0].scope).toBe(granted);
    // Writes the grant allows stay silent; so does a whole-account grant's create.
    expect(await call(SITE, 'atproto_xrpc', silently(post()))).toMatchObject({ result: { status: 200 } });
    clock.advance(PROMPT_COOLDOWN_MS);
    expect(pds.calls).toHaveLength(2);
  });

  it('off: a grant that allows deleting deletes without asking', async () => {
    const { call, user, keyring } = await createBrokerFixture();
    user.answers.push({ outcome: 'approve', did: ALICE });
    await call(SITE, 'atproto_connect', { scope: 'transition:generic' });
    await keyring.updateSettings({ allowAlwaysForDeletes: true });
    expect(await call(SITE, 'atproto_xrpc', silently(deletion()))).toMatchObject({ result: { status: 200 } });
    expect(user.prompts).toHaveLength(1);
  });

  it('an applyWrites with a granted delete asks for that delete only once, beside what the grant lacks', async () => {
    const { call, user } = await createBrokerFixture();
    user.answers.push({ outcome: 'approve', did: ALICE });
    await call(SITE, 'atproto_connect', { scope: 'repo:app.bsky.feed.post' });
    user.answers.push({ outcome: 'approve' });
    const del = (rkey: string) => ({
      $type: 'com.atproto.repo.applyWrites#delete',
      collection: 'app.bsky.feed.post',
      rkey,
    });
    const writes = [
      { $type: 'com.atproto.repo.applyWrites#create', collection: 'app.bsky.feed.post', value: {} },
      del('a'),
      del('b'),
    ];
    expect(
      await call(SITE, 'atproto_xrpc', { nsid: 'com.atproto.repo.applyWrites', body: { repo: ALICE, writes } }),
    ).toMatchObject({ result: { status: 200 } });
    expect(user.prompts[1].details).toMatchObject({ scopes: ['repo:app.bsky.feed.post?action=delete'] });
  });
});
