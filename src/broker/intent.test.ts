/**
 * The attacks of the adversarial review, at unit level: well-formed requests
 * that tried to make what the broker judges, shows and sends differ.
 */
import { describe, expect, it, vi } from 'vitest';
import { RELAY_REQUEST, toWire } from '../protocol/page';
import { LEDGER_MAX_RESPONSE_BYTES } from './broker';
import { ALICE, createBrokerFixture, SITE } from './broker.fixture';
import { parseXrpcIntent, toHttpRequest } from './intent';

const like = () => ({
  nsid: 'com.atproto.repo.createRecord',
  body: {
    repo: ALICE,
    collection: 'app.bsky.feed.like',
    record: { $type: 'app.bsky.feed.like', subject: { uri: 'at://x/y/z', cid: 'c' } },
  },
});
const deletePost = () => ({
  nsid: 'com.atproto.repo.deleteRecord',
  body: { repo: ALICE, collection: 'app.bsky.feed.post', rkey: 'abc' },
});

async function connectedWith(scope: string) {
  const fixture = await createBrokerFixture();
  fixture.user.answers.push({ outcome: 'approve', did: ALICE });
  expect(await fixture.call(SITE, 'atproto_connect', { scope })).toMatchObject({ result: { did: ALICE } });
  return fixture;
}

describe('a decision belongs to one request', () => {
  it('connect: the same id with a broader scope is refused, and the grant is what the window showed', async () => {
    const { call, user, grants, prompts } = await createBrokerFixture();
    user.answers.push('pending');
    const shown = call(SITE, 'atproto_connect', { scope: 'atproto' }, 'X');
    await vi.waitFor(() => expect(user.prompts).toHaveLength(1));
    expect(await call(SITE, 'atproto_connect', { scope: 'atproto transition:generic' }, 'X')).toMatchObject({
      error: { code: -32602, data: { reason: 'id-reused' } },
    });
    await prompts.decide(user.prompts[0].id, { outcome: 'approve', did: ALICE });
    expect(await shown).toMatchObject({ result: { scope: 'atproto' } });
    expect((await grants.forOrigin(SITE))[0].scope).toBe('atproto');
  });

  it('xrpc: a delete under the id of a displayed like is refused and never sent', async () => {
    const { call, user, prompts, pds } = await connectedWith('atproto');
    user.answers.push('pending');
    const shown = call(SITE, 'atproto_xrpc', like(), 'Y');
    await vi.waitFor(() => expect(user.prompts).toHaveLength(2));
    expect(await call(SITE, 'atproto_xrpc', deletePost(), 'Y')).toMatchObject({
      error: { code: -32602, data: { reason: 'id-reused' } },
    });
    await prompts.decide(user.prompts[1].id, { outcome: 'approve', remember: true });
    expect(await shown).toMatchObject({ result: { status: 200 } });
    expect(pds.calls.map((c) => c.path)).toEqual(['/xrpc/com.atproto.repo.createRecord']);
  });

  it('xrpc: after a write, another request under its id is refused by the ledger, even inside the grant', async () => {
    const { call, pds, keyring } = await connectedWith('atproto repo:*');
    // With "Always ask before deleting" off, the grant covers the delete: only the ledger stands in its way.
    await keyring.updateSettings({ allowAlwaysForDeletes: true });
    expect(await call(SITE, 'atproto_xrpc', like(), 'Z')).toMatchObject({ result: { status: 200 } });
    expect(await call(SITE, 'atproto_xrpc', deletePost(), 'Z')).toMatchObject({
      error: { code: -32602, data: { reason: 'id-reused' } },
    });
    expect(await call(SITE, 'atproto_xrpc', like(), 'Z')).toMatchObject({ result: { status: 200 } });
    expect(pds.calls).toHaveLength(1);
  });

  it("files (Blob bodies): another file under a displayed upload's id is refused, and what is sent is the file shown", async () => {
    const { broker, user, prompts, pds } = await connectedWith('atproto');
    // As the relay sends a file over a channel that carries Blobs.
    const upload = (file: Blob, id: string) =>
      broker.handle(SITE, {
        kind: RELAY_REQUEST,
        id,
        method: 'atproto_xrpc',
        params: { nsid: 'com.atproto.repo.uploadBlob', body: { $bytes: file }, encoding: 'image/png' },
      });
    const shownBytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1]);
    user.answers.push('pending');
    const shown = upload(new File([shownBytes], 'cat.png'), 'F');
    await vi.waitFor(() => expect(user.prompts).toHaveLength(2));
    expect(user.prompts[1].previewBytes).toEqual(shownBytes);
    // Same id, same name and size, other bytes.
    const other = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 2])], 'cat.png');
    expect(await upload(other, 'F')).toMatchObject({ error: { code: -32602, data: { reason: 'id-reused' } } });
    await prompts.decide(user.prompts[1].id, { outcome: 'approve' });
    expect(await shown).toMatchObject({ result: { status: 200 } });
    expect(pds.calls.map((c) => c.body)).toEqual([shownBytes]);
  });

  it('files: one Blob as the body and again as a query value is refused, whichever comes first; nothing is sent', async () => {
    const { broker, user, pds } = await connectedWith('atproto blob:*/*');
    const file = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])]);
    const body = { body: { $bytes: file }, encoding: 'image/png' };
    const query = { params: { q: { $bytes: file } } };
    for (const params of [
      { nsid: 'com.atproto.repo.uploadBlob', ...body, ...query },
      { nsid: 'com.atproto.repo.uploadBlob', ...query, ...body },
    ]) {
      const answer = await broker.handle(SITE, { kind: RELAY_REQUEST, id: 'W', method: 'atproto_xrpc', params });
      expect(answer).toMatchObject({ error: { code: -32602 } });
    }
    expect(user.prompts).toHaveLength(1);
    expect(pds.calls).toEqual([]);
  });

  it('files: a Blob as a repo write body (labelled JSON) is not a readable write: refused, nothing sent', async () => {
    const { broker, user, pds } = await connectedWith('atproto repo:*');
    const record = JSON.stringify({ repo: ALICE, collection: 'app.bsky.feed.post', rkey: 'abc' });
    const answer = await broker.handle(SITE, {
      kind: RELAY_REQUEST,
      id: 'X1',
      method: 'atproto_xrpc',
      params: {
        nsid: 'com.atproto.repo.deleteRecord',
        body: { $bytes: new Blob([record]) },
        encoding: 'application/json',
      },
    });
    expect(answer).toMatchObject({ error: { code: -32602, data: { reason: 'repo-write-body' } } });
    expect(user.prompts).toHaveLength(1);
    expect(pds.calls).toEqual([]);
  });

  it('files: a file inside a JSON record is binary in JSON, refused before anything is shown or sent', async () => {
    const { broker, user, pds } = await connectedWith('atproto repo:app.bsky.feed.post?action=create');
    const answer = await broker.handle(SITE, {
      kind: RELAY_REQUEST,
      id: 'G',
      method: 'atproto_xrpc',
      params: {
        nsid: 'com.atproto.repo.createRecord',
        body: {
          repo: ALICE,
          collection: 'app.bsky.feed.post',
          record: {
            $type: 'app.bsky.feed.post',
            text: 'x',
            createdAt: new Date(0).toISOString(),
            image: { $bytes: new Blob(['x']) },
          },
        },
      },
    });
    expect(answer).toMatchObject({ error: { code: -32602, data: { reason: 'binary-in-json' } } });
    expect(user.prompts).toHaveLength(1);
    expect(pds.calls).toEqual([]);
  });

  it('the prompt stores the intent it displays', async () => {
    const { call, user } = await connectedWith('atproto');
    user.answers.push({ outcome: 'reject', reason: 'denied' });
    await call(SITE, 'atproto_xrpc', like());
    const details = user.prompts[1].details;
    expect(details.kind === 'call' && details.intent).toMatchObject({
      nsid: 'com.atproto.repo.createRecord',
      body: { kind: 'json', value: like().body },
    });
  });
});

describe('method names: letter case and proxies', () => {
  it.each([
    ['com.atproto.repo.deleterecord', { proxy: 'did:web:appview.example#bsky_appview', body: deletePost().body }],
    ['com.atproto.repo.DeleteRecord', { body: deletePost().body }],
    ['Com.atproto.server.getSession', {}],
    ['com.atproto.server.getsession', {}],
    ['COM.ATPROTO.REPO.PUTRECORD', { body: { repo: ALICE, collection: 'app.bsky.feed.post', rkey: 'a', record: {} } }],
  ])('refuses the case variant %s of a known method (-32602), sending nothing', async (nsid, rest) => {
    const { call, pds } = await connectedWith('atproto transition:generic');
    expect(await call(SITE, 'atproto_xrpc', { nsid, ...rest })).toMatchObject({
      error: { code: -32602, data: { reason: 'method-case' } },
    });
    expect(pds.calls).toHaveLength(0);
  });

  it.each([
    ['com.atproto.repo.createRecord', 'GET'],
    ['com.atproto.repo.listRecords', 'POST'],
    ['app.bsky.actor.putPreferences', 'GET'],
  ] as const)('refuses %s with the other HTTP method (the PDS would forward it)', async (nsid, method) => {
    const { call, pds } = await connectedWith('atproto transition:generic');
    expect(await call(SITE, 'atproto_xrpc', { nsid, method })).toMatchObject({
      error: { code: -32602, data: { reason: 'http-method' } },
    });
    expect(pds.calls).toHaveLength(0);
  });

  it('keeps unknown methods as spelled but judges the deny list case-folded', async () => {
    const { call, pds } = await connectedWith('atproto transition:generic');
    for (const nsid of [
      'Com.Atproto.Server.newAccountThing',
      'com.atproto.ADMIN.somethingNew',
      'COM.atproto.identity.changeAll',
    ]) {
      expect(await call(SITE, 'atproto_xrpc', { nsid, body: {} })).toMatchObject({ error: { code: 4100 } });
    }
    expect(pds.calls).toHaveLength(0);
  });

  it('judges a PDS method by where it runs: a proxy does not turn a delete into a service call', async () => {
    const { call, user, pds } = await connectedWith('atproto rpc:*?aud=did:web:appview.example%23bsky_appview');
    user.answers.push({ outcome: 'reject', reason: 'denied' });
    const answer = await call(SITE, 'atproto_xrpc', { ...deletePost(), proxy: 'did:web:appview.example#bsky_appview' });
    expect(answer).toMatchObject({ error: { code: 4001 } });
    expect(user.prompts[1].details).toMatchObject({ kind: 'call', summary: [expect.stringMatching(/^Delete/)] });
    expect(pds.calls).toHaveLength(0);
  });

  it('sends a PDS method without the proxy header it would ignore, and a forwarded one with it', () => {
    const del = toHttpRequest(parseXrpcIntent({ ...deletePost(), proxy: 'did:web:appview.example#bsky_appview' }));
    expect(del.headers).not.toHaveProperty('atproto-proxy');
    const timeline = toHttpRequest(
      parseXrpcIntent({ nsid: 'app.bsky.feed.getTimeline', proxy: 'did:web:appview.example#bsky_appview' }),
    );
    expect(timeline.headers['atproto-proxy']).toBe('did:web:appview.example#bsky_appview');
  });
});

describe('repo writes take a JSON object body', () => {
  const bytes = new TextEncoder().encode(JSON.stringify(deletePost().body));
  it.each([
    [
      'deleteRecord, bytes as JSON',
      { nsid: 'com.atproto.repo.deleteRecord', body: bytes, encoding: 'application/json' },
    ],
    ['putRecord, bytes', { nsid: 'com.atproto.repo.putRecord', body: bytes }],
    [
      'applyWrites, bytes',
      { nsid: 'com.atproto.repo.applyWrites', body: bytes, encoding: 'application/json; charset=utf-8' },
    ],
    ['createRecord, a JSON string', { nsid: 'com.atproto.repo.createRecord', body: JSON.stringify(like().body) }],
    [
      'createRecord, text encoding',
      { nsid: 'com.atproto.repo.createRecord', body: JSON.stringify(like().body), encoding: 'text/plain' },
    ],
    ['deleteRecord, an array', { nsid: 'com.atproto.repo.deleteRecord', body: [deletePost().body] }],
    [
      'applyWrites, an unknown write type',
      {
        nsid: 'com.atproto.repo.applyWrites',
        body: {
          repo: ALICE,
          writes: [{ $type: 'com.atproto.repo.applyWrites#Delete', collection: 'app.bsky.feed.post', rkey: 'a' }],
        },
      },
    ],
    ['applyWrites, no writes', { nsid: 'com.atproto.repo.applyWrites', body: { repo: ALICE, writes: [] } }],
    [
      'createRecord, bytes inside the JSON',
      { nsid: 'com.atproto.repo.createRecord', body: { ...like().body, record: { blob: new Uint8Array(2) } } },
    ],
  ])('refuses %s with -32602 and sends nothing', async (_label, params) => {
    const { call, pds } = await connectedWith('atproto transition:generic');
    expect(await call(SITE, 'atproto_xrpc', params)).toMatchObject({ error: { code: -32602 } });
    expect(pds.calls).toHaveLength(0);
  });

  it('refuses JSON data under a non-JSON encoding (one request, one form)', () => {
    expect(() =>
      parseXrpcIntent({ nsid: 'com.atproto.repo.uploadBlob', body: { a: 1 }, encoding: 'image/png' }),
    ).toThrow(expect.objectContaining({ data: { reason: 'body-encoding' } }));
  });

  it('a body key __proto__ cannot smuggle a collection the broker reads but the PDS never gets', () => {
    const body = JSON.parse('{"repo":"did:plc:alice","rkey":"a","__proto__":{"collection":"app.bsky.feed.like"}}');
    expect(() => parseXrpcIntent({ nsid: 'com.atproto.repo.deleteRecord', body })).toThrow(/collection/);
  });
});

describe('service tokens', () => {
  it.each([
    ['com.atproto.server.createAccount'],
    ['Com.Atproto.Server.CreateAccount'],
    ['com.atproto.identity.signPlcOperation'],
    ['com.atproto.admin.deleteAccount'],
    ['com.atproto.repo.importRepo'],
    [undefined],
  ])('never mints one for %s', async (lxm) => {
    const { call, pds } = await connectedWith('atproto transition:generic rpc:*?aud=did:web:attacker.example%23x');
    const answer = await call(SITE, 'atproto_serviceAuth', {
      aud: 'did:web:attacker.example#x',
      ...(lxm ? { lxm } : {}),
    });
    expect(answer).toMatchObject({ error: { code: 4100 } });
    expect(pds.calls).toHaveLength(0);
  });
});

describe('the request ledger', () => {
  it('does not keep large answers, and says so to a re-sent request', async () => {
    const { call, pds, db } = await connectedWith('atproto repo:app.bsky.feed.like');
    const big = JSON.stringify({ data: 'x'.repeat(LEDGER_MAX_RESPONSE_BYTES) });
    pds.respond = () => new Response(big, { status: 200, headers: { 'content-type': 'application/json' } });
    expect(await call(SITE, 'atproto_xrpc', like(), 'L')).toMatchObject({ result: { status: 200 } });
    // The record follows the answer (it waits for the request's hash).
    await vi.waitFor(async () => expect((await db.getAll('requests'))[0]).toMatchObject({ state: 'done' }));
    const [row] = await db.getAll('requests');
    expect(row.response).toBeUndefined();
    expect(await call(SITE, 'atproto_xrpc', like(), 'L')).toMatchObject({
      error: { code: -32603, data: { reason: 'replay-unavailable' } },
    });
    expect(pds.calls).toHaveLength(1);
  });
});

describe('the request ledger: the same id twice at once', () => {
  it('one write reaches the PDS, and both requests get its answer', async () => {
    const { call, pds } = await connectedWith('atproto repo:app.bsky.feed.like');
    const [a, b] = await Promise.all([
      call(SITE, 'atproto_xrpc', like(), 'T'),
      call(SITE, 'atproto_xrpc', like(), 'T'),
    ]);
    expect(pds.calls).toHaveLength(1);
    expect(a).toMatchObject({ result: { status: 200 } });
    expect(b).toEqual(a);
  });

  it('another request under the id of one in flight is refused, and never sent', async () => {
    const { call, pds, keyring } = await connectedWith('atproto repo:*');
    await keyring.updateSettings({ allowAlwaysForDeletes: true });
    const [a, b] = await Promise.all([
      call(SITE, 'atproto_xrpc', like(), 'U'),
      call(SITE, 'atproto_xrpc', deletePost(), 'U'),
    ]);
    expect(a).toMatchObject({ result: { status: 200 } });
    expect(b).toMatchObject({ error: { code: -32602, data: { reason: 'id-reused' } } });
    expect(pds.calls.map((c) => c.path)).toEqual(['/xrpc/com.atproto.repo.createRecord']);
  });

  it('two files under one id at once, inside the grant: the second is refused, the first is sent as it is', async () => {
    const { broker, pds, db } = await connectedWith('atproto blob:*/*');
    const upload = (file: Blob) =>
      broker.handle(SITE, {
        kind: RELAY_REQUEST,
        id: 'V',
        method: 'atproto_xrpc',
        params: { nsid: 'com.atproto.repo.uploadBlob', body: { $bytes: file }, encoding: 'image/png' },
      });
    const first = new File([new Uint8Array([1, 2, 3])], 'a.png');
    const second = new File([new Uint8Array([1, 2, 4])], 'a.png');
    const [a, b] = await Promise.all([upload(first), upload(second)]);
    expect(a).toMatchObject({ result: { status: 200 } });
    expect(b).toMatchObject({ error: { code: -32602, data: { reason: 'id-reused' } } });
    expect(pds.calls).toHaveLength(1);
    expect(pds.calls[0]!.blob).toBe(first);
    // Hashed once it was answered: the ledger's row then has the digest of what was sent.
    await vi.waitFor(async () =>
      expect((await db.getAll('requests'))[0]).toMatchObject({
        state: 'done',
        digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      }),
    );
    expect(await upload(second)).toMatchObject({ error: { data: { reason: 'id-reused' } } });
    expect(await upload(first)).toEqual(a);
  });
});

describe('what is sent is the intent', () => {
  it('serialises the parsed body, whatever key order or encoding the page used', async () => {
    const { call, pds } = await connectedWith('atproto repo:app.bsky.feed.like');
    await call(SITE, 'atproto_xrpc', like());
    expect(JSON.parse(pds.calls[0].body as string)).toEqual(like().body);
    expect(pds.calls[0].headers['content-type']).toBe('application/json');
  });

  it('reaches the broker through the wire codec unchanged', async () => {
    const { broker } = await connectedWith('atproto');
    const answer = await broker.handle(SITE, {
      kind: RELAY_REQUEST,
      id: 'w',
      method: 'atproto_xrpc',
      params: toWire({
        nsid: 'com.atproto.repo.deleteRecord',
        body: new Uint8Array([123, 125]),
        encoding: 'application/json',
      }),
    });
    expect(answer).toMatchObject({ error: { code: -32602 } });
  });
});
