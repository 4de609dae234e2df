import { describe, expect, it, vi } from 'vitest';
import type { CallReport } from '../activity/call-report';
import { rawCid } from '../consent/cid';
import { LIMITS, RELAY_REQUEST } from '../protocol/page';
import type { PromptDetails, PromptRecord } from '../storage/db';
import { ALICE, BOB, createBrokerFixture, SITE } from './broker.fixture';
import { PROMPT_COOLDOWN_MS } from './prompts';
import { OriginRateLimiter } from './rate-limit';

const post = (text = 'hi') => ({
  nsid: 'com.atproto.repo.createRecord',
  body: { repo: ALICE, collection: 'app.bsky.feed.post', record: { $type: 'app.bsky.feed.post', text } },
});

describe('Broker: requests and validation', () => {
  it('refuses non-web origins', async () => {
    const { broker } = await createBrokerFixture();
    for (const origin of ['null', 'chrome-extension://abc', 'file://', 'https://x.example/path']) {
      expect(await broker.handle(origin, { kind: RELAY_REQUEST, id: '1', method: 'atproto_accounts' })).toMatchObject({
        error: { code: 4100 },
      });
    }
  });

  it('answers malformed envelopes, unknown methods and bad params with codes', async () => {
    const { broker, call } = await createBrokerFixture();
    expect(await broker.handle(SITE, null)).toMatchObject({ error: { code: -32602 } });
    expect(
      await broker.handle(SITE, { kind: RELAY_REQUEST, id: 'x'.repeat(65), method: 'atproto_accounts' }),
    ).toMatchObject({ error: { code: -32602 } });
    expect(
      await broker.handle(SITE, {
        kind: RELAY_REQUEST,
        id: '1',
        method: 'atproto_accounts',
        origin: 'https://bank.example',
      }),
    ).toMatchObject({ error: { code: -32602 } });
    expect(await call(SITE, 'atproto_signOut')).toMatchObject({ error: { code: 4200 } });
    expect(await call(SITE, 'atproto_xrpc', { nsid: 'x' })).toMatchObject({ error: { code: -32602 } });
    expect(await call(SITE, 'atproto_connect', { scope: 'identity:*' })).toMatchObject({ error: { code: -32602 } });
  });

  it('rate-limits one origin without affecting another', async () => {
    const { call } = await createBrokerFixture({ limiter: new OriginRateLimiter(5, 0.0001) });
    const answers = await Promise.all(Array.from({ length: 10 }, () => call(SITE, 'atproto_accounts')));
    expect(answers.filter((a) => 'error' in a && a.error.code === -32005)).toHaveLength(5);
    expect(await call('https://other.example', 'atproto_accounts')).toEqual({ result: [] });
  });
});

describe('Broker: connect and grants', () => {
  it('asks the user, stores the grant, emits accountsChanged, and then answers without asking', async () => {
    const { call, user, sent, events } = await createBrokerFixture();
    await events.register({ tabId: 1, frameId: 0, origin: SITE });
    await events.register({ tabId: 2, frameId: 0, origin: 'https://other.example' });
    user.answers.push({ outcome: 'approve', did: ALICE });
    const connected = await call(SITE, 'atproto_connect', { scope: 'repo:app.bsky.feed.post?action=create' });
    expect(connected).toEqual({
      result: {
        did: ALICE,
        handle: 'alice.test',
        pds: 'https://pds.example/',
        scope: 'atproto repo:app.bsky.feed.post?action=create',
      },
    });
    expect(user.prompts[0].details).toEqual({
      kind: 'connect',
      scope: ['atproto', 'repo:app.bsky.feed.post?action=create'],
    });
    expect(sent).toEqual([
      {
        frame: { tabId: 1, frameId: 0, origin: SITE },
        event: { event: 'accountsChanged', data: [{ did: ALICE, handle: 'alice.test' }] },
      },
    ]);
    expect(await call(SITE, 'atproto_connect', { scope: 'atproto' })).toMatchObject({ result: { did: ALICE } });
    expect(user.prompts).toHaveLength(1);
    expect(await call(SITE, 'atproto_accounts')).toEqual({ result: [{ did: ALICE, handle: 'alice.test' }] });
  });

  it('rejects with 4001 when the user says no, and leaves no grant', async () => {
    const { call, user } = await createBrokerFixture();
    user.answers.push({ outcome: 'reject', reason: 'denied' });
    expect(await call(SITE, 'atproto_connect')).toMatchObject({ error: { code: 4001 } });
    expect(await call(SITE, 'atproto_accounts')).toEqual({ result: [] });
  });

  it('allows one prompt per origin at a time', async () => {
    const { call, user, prompts } = await createBrokerFixture();
    user.answers.push('pending');
    const first = call(SITE, 'atproto_connect');
    await vi.waitFor(() => expect(user.prompts).toHaveLength(1));
    expect(await call(SITE, 'atproto_connect')).toMatchObject({ error: { code: -32002 } });
    // Another origin may still ask.
    user.answers.push({ outcome: 'reject', reason: 'denied' });
    expect(await call('https://other.example', 'atproto_connect')).toMatchObject({ error: { code: 4001 } });
    await prompts.decide(user.prompts[0].id, { outcome: 'approve', did: BOB });
    expect(await first).toMatchObject({ result: { did: BOB } });
  });

  it('asks the user when the site names an account the keyring lacks, even if another is granted', async () => {
    const { call, user } = await createBrokerFixture();
    user.answers.push({ outcome: 'approve', did: ALICE });
    await call(SITE, 'atproto_connect');
    user.answers.push({ outcome: 'reject', reason: 'denied' });
    expect(await call(SITE, 'atproto_connect', { account: 'carol.test' })).toMatchObject({ error: { code: 4001 } });
    expect(user.prompts.at(-1)?.details).toMatchObject({ kind: 'connect', account: 'carol.test' });
  });

  it('disconnect removes the grant', async () => {
    const { call, user } = await createBrokerFixture();
    user.answers.push({ outcome: 'approve', did: ALICE });
    await call(SITE, 'atproto_connect');
    expect(await call(SITE, 'atproto_disconnect')).toEqual({ result: null });
    expect(await call(SITE, 'atproto_xrpc', post())).toMatchObject({ error: { code: 4100 } });
  });
});

describe('Broker: calls', () => {
  async function connected(scope = 'repo:app.bsky.feed.post?action=create', xrpcTimeoutMs?: number) {
    const fixture = await createBrokerFixture({ xrpcTimeoutMs });
    fixture.user.answers.push({ outcome: 'approve', did: ALICE });
    await fixture.call(SITE, 'atproto_connect', { scope });
    fixture.user.prompts.length = 0;
    return fixture;
  }

  it('makes calls within the grant through the session, with the right method, headers and body', async () => {
    const { call, pds } = await connected();
    const answer = await call(SITE, 'atproto_xrpc', post('hello'));
    expect(answer).toEqual({
      result: { status: 200, headers: { 'content-type': 'application/json' }, body: { ok: true } },
    });
    expect(pds.calls[0]).toMatchObject({
      path: '/xrpc/com.atproto.repo.createRecord',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(JSON.parse(pds.calls[0].body as string).record.text).toBe('hello');
  });

  it('passes the accept-labelers header through', async () => {
    const { call, pds } = await connected('rpc:app.bsky.feed.getTimeline?aud=*');
    await call(SITE, 'atproto_xrpc', {
      nsid: 'app.bsky.feed.getTimeline',
      proxy: 'did:web:api.bsky.app#bsky_appview',
      labelers: 'did:plc:x;redact',
    });
    expect(pds.calls[0].headers).toEqual({
      'atproto-proxy': 'did:web:api.bsky.app#bsky_appview',
      'atproto-accept-labelers': 'did:plc:x;redact',
    });
  });

  it('passes PDS errors back as results', async () => {
    const { call, pds } = await connected();
    pds.respond = () =>
      new Response(JSON.stringify({ error: 'InvalidRequest', message: 'bad' }), {
        status: 400,
        headers: { 'content-type': 'application/json' },
      });
    expect(await call(SITE, 'atproto_xrpc', post())).toMatchObject({
      result: { status: 400, body: { error: 'InvalidRequest' } },
    });
  });

  it('refuses account management without prompting', async () => {
    const { call, user, pds } = await connected('transition:generic');
    expect(await call(SITE, 'atproto_xrpc', { nsid: 'com.atproto.server.deleteAccount', body: {} })).toMatchObject({
      error: { code: 4100 },
    });
    expect(user.prompts).toHaveLength(0);
    expect(pds.calls).toHaveLength(0);
  });

  it('outside the grant: 4100 with noPrompt, 4001 on deny (then a cooldown), once does not widen, always does', async () => {
    const { call, user, pds, clock } = await connected();
    const like = {
      nsid: 'com.atproto.repo.createRecord',
      body: { repo: ALICE, collection: 'app.bsky.feed.like', record: {} },
    };
    expect(await call(SITE, 'atproto_xrpc', { ...like, noPrompt: true })).toMatchObject({ error: { code: 4100 } });
    user.answers.push({ outcome: 'reject', reason: 'denied' });
    expect(await call(SITE, 'atproto_xrpc', like)).toMatchObject({ error: { code: 4001, data: { reason: 'denied' } } });
    expect(user.prompts[0].details).toMatchObject({
      kind: 'call',
      did: ALICE,
      scopes: ['repo:app.bsky.feed.like?action=create'],
    });
    // Asking again at once is refused without a window; calls within the grant still work.
    expect(await call(SITE, 'atproto_xrpc', like)).toMatchObject({
      error: { code: 4001, data: { reason: 'cooldown' } },
    });
    expect(user.prompts).toHaveLength(1);
    expect(await call(SITE, 'atproto_xrpc', post())).toMatchObject({ result: { status: 200 } });
    clock.advance(PROMPT_COOLDOWN_MS);
    user.answers.push({ outcome: 'approve' });
    expect(await call(SITE, 'atproto_xrpc', like)).toMatchObject({ result: { status: 200 } });
    expect(await call(SITE, 'atproto_xrpc', { ...like, noPrompt: true })).toMatchObject({ error: { code: 4100 } });
    user.answers.push({ outcome: 'approve', remember: true });
    expect(await call(SITE, 'atproto_xrpc', like)).toMatchObject({ result: { status: 200 } });
    expect(await call(SITE, 'atproto_xrpc', { ...like, noPrompt: true })).toMatchObject({ result: { status: 200 } });
    expect(pds.calls).toHaveLength(4);
  });

  it('an applyWrites asks only for what the grant lacks, once each; "always" adds exactly that', async () => {
    const { call, user, grants } = await connected();
    const granted = (await grants.forOrigin(SITE))[0].scope;
    const create = (collection: string) => ({ $type: 'com.atproto.repo.applyWrites#create', collection, value: {} });
    const writes = [create('app.bsky.feed.post'), create('app.bsky.feed.like'), create('app.bsky.feed.like')];
    user.answers.push({ outcome: 'approve', remember: true });
    const answer = await call(SITE, 'atproto_xrpc', {
      nsid: 'com.atproto.repo.applyWrites',
      body: { repo: ALICE, writes },
    });
    expect(answer).toMatchObject({ result: { status: 200 } });
    // Posts are already granted: the window lists the like once, not the post, and "always" adds only it.
    expect(user.prompts[0].details).toMatchObject({
      kind: 'call',
      summary: [expect.stringMatching(/like/i)],
      scopes: ['repo:app.bsky.feed.like?action=create'],
    });
    expect((await grants.forOrigin(SITE))[0].scope).toBe(`${granted} repo:app.bsky.feed.like?action=create`);
  });

  it('a "remember" answer to a prompt that deletes does not widen the grant, unless the settings offer that', async () => {
    const { call, user, grants, keyring, clock, pds } = await connected();
    const scopeNow = async () => (await grants.forOrigin(SITE))[0].scope;
    const granted = await scopeNow();
    const deletion = {
      nsid: 'com.atproto.repo.deleteRecord',
      body: { repo: ALICE, collection: 'app.bsky.feed.post', rkey: 'a' },
    };
    const mixed = {
      nsid: 'com.atproto.repo.applyWrites',
      body: {
        repo: ALICE,
        writes: [
          { $type: 'com.atproto.repo.applyWrites#create', collection: 'app.bsky.feed.like', value: {} },
          { $type: 'com.atproto.repo.applyWrites#delete', collection: 'app.bsky.feed.post', rkey: 'b' },
        ],
      },
    };
    // The window offers no "Always allow" here; a remember answer that reaches the broker anyway is a once.
    for (const request of [deletion, mixed]) {
      user.answers.push({ outcome: 'approve', remember: true });
      expect(await call(SITE, 'atproto_xrpc', request)).toMatchObject({ result: { status: 200 } });
      expect(await scopeNow()).toBe(granted);
      expect(await call(SITE, 'atproto_xrpc', { ...request, noPrompt: true })).toMatchObject({
        error: { code: 4100 },
      });
      clock.advance(PROMPT_COOLDOWN_MS);
    }
    expect(pds.calls).toHaveLength(2);
    // With the setting on, "always" on a delete extends the grant with what the window showed.
    await keyring.updateSettings({ allowAlwaysForDeletes: true });
    user.answers.push({ outcome: 'approve', remember: true });
    expect(await call(SITE, 'atproto_xrpc', deletion)).toMatchObject({ result: { status: 200 } });
    expect(await scopeNow()).toBe(`${granted} repo:app.bsky.feed.post?action=delete`);
    expect(await call(SITE, 'atproto_xrpc', { ...deletion, noPrompt: true })).toMatchObject({
      result: { status: 200 },
    });
  });

  it("reads a site's file (a Blob body) once: the prompt shows and the PDS receives those bytes", async () => {
    const { broker, user, pds, grants } = await connected();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2]);
    const file = new File([png], 'dot.png', { type: 'text/html' });
    const read = vi.spyOn(file, 'arrayBuffer');
    const upload = (body: unknown, id: string) =>
      broker.handle(SITE, {
        kind: RELAY_REQUEST,
        id,
        method: 'atproto_xrpc',
        params: { nsid: 'com.atproto.repo.uploadBlob', body: { $bytes: body }, encoding: 'image/png' },
      });
    user.answers.push({ outcome: 'approve' });
    expect(await upload(file, 'f1')).toMatchObject({ result: { status: 200 } });
    expect(read).toHaveBeenCalledTimes(1);
    expect(user.prompts[0]!.previewBytes).toEqual(png);
    // The site's encoding decides the content type, not the file's own type.
    expect(pds.calls[0]).toMatchObject({ headers: { 'content-type': 'image/png' }, body: png });
    // What the PDS receives is the site's file itself, not a copy.
    expect(pds.calls[0]!.blob).toBe(file);

    // Too large a file is refused by its size, before it is read; a look-alike is not a file.
    const huge = new Blob([new Uint8Array(8)]);
    Object.defineProperty(huge, 'size', { value: LIMITS.maxBinaryBytes + 1 });
    const hugeRead = vi.spyOn(huge, 'arrayBuffer');
    expect(await upload(huge, 'f2')).toMatchObject({
      error: { code: -32602, message: expect.stringContaining('too large') },
    });
    expect(hugeRead).not.toHaveBeenCalled();
    const lookalike = Object.create(Blob.prototype, { arrayBuffer: { value: async () => new ArrayBuffer(2) } });
    expect(await upload(lookalike, 'f3')).toMatchObject({ error: { code: -32602 } });
    // A file that can no longer be read.
    const gone = new Blob([png]);
    gone.arrayBuffer = () => Promise.reject(new DOMException('gone', 'NotReadableError'));
    expect(await upload(gone, 'f4')).toMatchObject({
      error: { code: -32602, message: expect.stringContaining('could not be read') },
    });
    // Inside a grant it is sent unread: the send fails, and the site is told why (not "couldn't reach the PDS").
    await grants.extend(SITE, ALICE, ['blob:*/*']);
    const deleted = new Blob([png]);
    deleted.slice = () =>
      Object.assign(new Blob(), { arrayBuffer: () => Promise.reject(new DOMException('gone', 'NotReadableError')) });
    pds.fetchHandler = async () => {
      throw new TypeError('Failed to fetch');
    };
    expect(await upload(deleted, 'f5')).toMatchObject({ error: { code: -32602, data: { reason: 'file-unreadable' } } });
    expect(pds.calls).toHaveLength(1);
  });

  it('keeps the file a prompt shows with it until decided, and what the PDS accepted for previews', async () => {
    const { call, user, db, pds, previews, clock } = await connected();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2]);
    const cid = await rawCid(png);
    const upload = { nsid: 'com.atproto.repo.uploadBlob', body: png, encoding: 'image/png' };
    /** A later prompt of this account whose record refers to the uploaded blob. */
    const referencing = (from: PromptRecord): PromptRecord => {
      const details = from.details as Extract<PromptDetails, { kind: 'call' }>;
      const value = { record: { image: { $type: 'blob', ref: { $link: cid }, mimeType: 'image/png', size: 10 } } };
      return {
        ...from,
        details: {
          ...details,
          intent: { ...details.intent, body: { kind: 'json', encoding: 'application/json', value } },
        },
      };
    };

    user.answers.push({ outcome: 'reject', reason: 'denied' });
    await call(SITE, 'atproto_xrpc', upload);
    expect(user.prompts[0]!.previewBytes).toEqual(png);
    expect(await db.getAll('prompts')).toEqual([]);
    // Refused, never sent: nothing kept for a later preview.
    expect(pds.calls).toHaveLength(0);
    expect(await previews.forPrompt(referencing(user.prompts[0]!), cid)).toMatchObject({ status: 'unavailable' });

    clock.advance(PROMPT_COOLDOWN_MS);
    user.answers.push({ outcome: 'approve' });
    pds.respond = () => new Response(JSON.stringify({ error: 'InvalidRequest' }), { status: 400 });
    await call(SITE, 'atproto_xrpc', upload);
    // The PDS said no: nothing kept either.
    expect(await previews.forPrompt(referencing(user.prompts[1]!), cid)).toMatchObject({ status: 'unavailable' });

    user.answers.push({ outcome: 'approve' });
    pds.respond = () =>
      new Response(JSON.stringify({ blob: {} }), { status: 200, headers: { 'content-type': 'application/json' } });
    await call(SITE, 'atproto_xrpc', upload);
    expect(await previews.forPrompt(referencing(user.prompts[2]!), cid)).toEqual({ status: 'ok', bytes: png });
  });

  it('runs a re-sent data-changing request once and answers from the ledger', async () => {
    const { call, pds } = await connected();
    const first = await call(SITE, 'atproto_xrpc', post(), 'same-id');
    const again = await call(SITE, 'atproto_xrpc', post(), 'same-id');
    expect(again).toEqual(first);
    expect(pds.calls).toHaveLength(1);
  });

  it('says so when the worker died during a data-changing call', async () => {
    const { call, db, pds } = await connected();
    const { parseXrpcIntent, intentDigest } = await import('./intent');
    const digest = await intentDigest('atproto_xrpc', ALICE, parseXrpcIntent(post()));
    await db.put('requests', { key: `${SITE} dead-id`, digest, state: 'started', expiresAt: Date.now() + 60_000 });
    expect(await call(SITE, 'atproto_xrpc', post(), 'dead-id')).toMatchObject({
      error: { code: -32603, data: { reason: 'interrupted' } },
    });
    expect(pds.calls).toHaveLength(0);
  });

  it('answers 4900 when the account session has ended', async () => {
    const { call, keyring } = await connected();
    // As the keyring reports an account whose session ended (it keeps the accounts store in memory too).
    const alice = await keyring.getAccount(ALICE);
    vi.spyOn(keyring, 'getAccount').mockResolvedValue({
      ...alice,
      health: { state: 'reauth-required', reason: 'revoked', at: 1 },
    });
    expect(await call(SITE, 'atproto_xrpc', post())).toMatchObject({ error: { code: 4900 } });
  });

  it('times out a PDS that does not answer', async () => {
    const { call, pds } = await connected(undefined, 50);
    pds.fetchHandler = (_path: string, init?: RequestInit) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    const answer = await call(SITE, 'atproto_xrpc', {
      nsid: 'com.atproto.repo.listRecords',
      params: { repo: ALICE, collection: 'app.bsky.feed.post' },
    });
    expect(answer).toMatchObject({ error: { code: -32603, data: { reason: 'timeout' } } });
  });

  it('keeps origins apart', async () => {
    const { call } = await connected();
    expect(await call('https://evil.example', 'atproto_xrpc', post())).toMatchObject({ error: { code: 4100 } });
    expect(await call('https://evil.example', 'atproto_accounts')).toEqual({ result: [] });
  });
});

describe('Broker: call reports', () => {
  it('tells observers how each call the grant admitted or the user decided ended; a failing observer changes nothing', async () => {
    const reports: CallReport[] = [];
    const fixture = await createBrokerFixture({
      observers: [
        () => {
          throw new Error('observer down');
        },
        (report) => void reports.push(report),
      ],
    });
    const { call, user, pds } = fixture;
    user.answers.push({ outcome: 'approve', did: ALICE });
    await call(SITE, 'atproto_connect', { scope: 'repo:app.bsky.feed.post?action=create' });
    expect(reports).toHaveLength(0);

    expect(await call(SITE, 'atproto_xrpc', post('covered'))).toMatchObject({ result: { status: 200 } });
    const like = {
      nsid: 'com.atproto.repo.createRecord',
      body: { repo: ALICE, collection: 'app.bsky.feed.like', record: {} },
    };
    user.answers.push({ outcome: 'reject', reason: 'denied' });
    await call(SITE, 'atproto_xrpc', like);
    pds.respond = () => {
      throw new TypeError('Failed to fetch');
    };
    fixture.clock.advance(PROMPT_COOLDOWN_MS);
    user.answers.push({ outcome: 'approve', remember: true });
    expect(await call(SITE, 'atproto_xrpc', like)).toMatchObject({ error: { data: { reason: 'network' } } });
    // Not reported: a site that is not connected acts as no account.
    await call('https://other.example', 'atproto_xrpc', post());

    expect(
      reports.map(({ origin, did, method, prompted, remembered, outcome, intent }) => ({
        origin,
        did,
        method,
        prompted,
        remembered,
        kind: outcome.kind,
        nsid: intent.nsid,
      })),
    ).toEqual([
      {
        origin: SITE,
        did: ALICE,
        method: 'atproto_xrpc',
        prompted: false,
        remembered: false,
        kind: 'answered',
        nsid: 'com.atproto.repo.createRecord',
      },
      {
        origin: SITE,
        did: ALICE,
        method: 'atproto_xrpc',
        prompted: true,
        remembered: false,
        kind: 'rejected',
        nsid: 'com.atproto.repo.createRecord',
      },
      {
        origin: SITE,
        did: ALICE,
        method: 'atproto_xrpc',
        prompted: true,
        remembered: true,
        kind: 'failed',
        nsid: 'com.atproto.repo.createRecord',
      },
    ]);
    expect(reports[0].outcome).toMatchObject({ kind: 'answered', status: 200, result: { body: { ok: true } } });
    expect(reports[1].outcome).toEqual({ kind: 'rejected', reason: 'denied' });
    expect(reports[2].outcome).toMatchObject({ kind: 'failed', reason: 'network' });
    expect(reports.every((r) => typeof r.at === 'number')).toBe(true);
  });
});

describe('Broker: reactions', () => {
  it('revoking a site emits disconnect and an empty account list to its frames', async () => {
    const { call, user, broker, events, sent } = await createBrokerFixture();
    user.answers.push({ outcome: 'approve', did: ALICE });
    await call(SITE, 'atproto_connect');
    await events.register({ tabId: 7, frameId: 0, origin: SITE });
    sent.length = 0;
    await broker.revokeSite(SITE);
    expect(sent.map((s) => s.event)).toEqual([
      { event: 'disconnect', data: { code: 4100, message: 'Access was revoked in AT Keyring' } },
      { event: 'accountsChanged', data: [] },
    ]);
  });

  it('sign-out removes the account from its sites and tells them', async () => {
    const { call, user, broker, events, sent, db } = await createBrokerFixture();
    user.answers.push({ outcome: 'approve', did: ALICE });
    await call(SITE, 'atproto_connect');
    await events.register({ tabId: 7, frameId: 0, origin: SITE });
    sent.length = 0;
    await db.delete('accounts', ALICE);
    await broker.sessionEnded(ALICE, true);
    expect(sent.map((s) => s.event.event)).toEqual(['disconnect', 'accountsChanged']);
    expect(await call(SITE, 'atproto_accounts')).toEqual({ result: [] });
  });

  it('switching the active account switches the sites connected to it', async () => {
    const { call, user, broker, events, sent } = await createBrokerFixture();
    user.answers.push({ outcome: 'approve', did: ALICE }, { outcome: 'approve', did: BOB });
    await call(SITE, 'atproto_connect');
    await call(SITE, 'atproto_connect', { account: 'bob.test', scope: 'repo:app.bsky.feed.like' });
    expect(await call(SITE, 'atproto_accounts')).toMatchObject({ result: [{ did: BOB }, { did: ALICE }] });
    await events.register({ tabId: 7, frameId: 0, origin: SITE });
    sent.length = 0;
    await broker.activeAccountChanged(ALICE);
    expect(await call(SITE, 'atproto_accounts')).toMatchObject({ result: [{ did: ALICE }, { did: BOB }] });
    expect(sent).toHaveLength(1);
  });
});
