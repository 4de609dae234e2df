import { describe, expect, it } from 'vitest';
import { budgetedLookups, type ConsentLookups, failed, found, NetworkLookups, parseRecordUri } from './lookup';

const PLC = 'https://plc.example';
const RESOLVER = 'https://resolver.example';
const PDS = 'https://pds.example';
const ALICE = 'did:plc:alice234567abcdefghijklm';
const settings = async () => ({ handleResolver: RESOLVER, plcDirectoryUrl: PLC, allowHttp: false });

type Route = (url: URL, init?: RequestInit) => Response | Promise<Response>;
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A fetch that answers from a table of routes and records every request it got. */
function fakeFetch(routes: Record<string, Route>) {
  const calls: Array<{ url: string; init?: RequestInit }> = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    calls.push({ url: url.href, init });
    const route = routes[`${url.origin}${url.pathname}`];
    if (!route) return json({ error: 'NotFound' }, 404);
    return route(url, init);
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const aliceDoc = (handle = 'alice.test', pds = PDS) => ({
  id: ALICE,
  alsoKnownAs: [`at://${handle}`],
  service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: pds }],
});

const network = (extra: Record<string, Route> = {}, doc: unknown = aliceDoc()) =>
  fakeFetch({
    [`${PLC}/${ALICE}`]: () => json(doc),
    [`${RESOLVER}/xrpc/com.atproto.identity.resolveHandle`]: (url) =>
      url.searchParams.get('handle') === 'alice.test' ? json({ did: ALICE }) : json({ error: 'HandleNotFound' }, 400),
    [`${PDS}/xrpc/com.atproto.repo.getRecord`]: (url) =>
      url.searchParams.get('rkey') === 'p1'
        ? json({ uri: `at://${ALICE}/app.bsky.feed.post/p1`, cid: 'bafy1', value: { text: 'hi' } })
        : json({ error: 'RecordNotFound', message: 'Could not locate record' }, 400),
    ...extra,
  });

describe('network look-ups for consent previews', () => {
  it('resolves a did:plc to its PDS and a handle that resolves back to it', async () => {
    const { fetch, calls } = network();
    const lookups = new NetworkLookups(settings, { fetch });
    expect(await lookups.identity(ALICE)).toEqual(
      found({ did: ALICE, handle: 'alice.test', handleStatus: 'verified', pds: PDS }),
    );
    // Public reads only: no credentials, no redirects followed.
    for (const call of calls) {
      expect(call.init).toMatchObject({ credentials: 'omit', redirect: 'error', method: 'GET' });
      expect(new Headers(call.init?.headers).has('authorization')).toBe(false);
    }
  });

  it('marks a claimed handle that resolves to another DID, or to none, as a mismatch', async () => {
    const other = network(
      {
        [`${RESOLVER}/xrpc/com.atproto.identity.resolveHandle`]: () => json({ did: 'did:plc:someoneelse234567abcdef' }),
      },
      aliceDoc('bob.test'),
    );
    expect(await new NetworkLookups(settings, { fetch: other.fetch }).identity(ALICE)).toMatchObject(
      found({ handle: 'bob.test', handleStatus: 'mismatch' }),
    );
    const nowhere = network({}, aliceDoc('nobody.test'));
    expect(await new NetworkLookups(settings, { fetch: nowhere.fetch }).identity(ALICE)).toMatchObject(
      found({ handle: 'nobody.test', handleStatus: 'mismatch' }),
    );
  });

  it('says the handle is unchecked when the resolver cannot be reached, and claims none without an at:// alias', async () => {
    const down = network({ [`${RESOLVER}/xrpc/com.atproto.identity.resolveHandle`]: () => json({}, 502) });
    expect(await new NetworkLookups(settings, { fetch: down.fetch }).identity(ALICE)).toMatchObject(
      found({ handle: 'alice.test', handleStatus: 'unchecked' }),
    );
    const bare = network({}, { ...aliceDoc(), alsoKnownAs: ['https://alice.example'] });
    expect(await new NetworkLookups(settings, { fetch: bare.fetch }).identity(ALICE)).toEqual(
      found({ did: ALICE, pds: PDS }),
    );
  });

  it('fetches a record from its owner’s PDS, and says when it does not exist', async () => {
    const { fetch, calls } = network();
    const lookups = new NetworkLookups(settings, { fetch });
    expect(await lookups.record(`at://${ALICE}/app.bsky.feed.post/p1`)).toEqual(
      found({ uri: `at://${ALICE}/app.bsky.feed.post/p1`, cid: 'bafy1', value: { text: 'hi' } }),
    );
    const asked = new URL(calls.find((c) => c.url.includes('getRecord'))!.url);
    expect(Object.fromEntries(asked.searchParams)).toEqual({
      repo: ALICE,
      collection: 'app.bsky.feed.post',
      rkey: 'p1',
    });
    expect(await lookups.record(`at://${ALICE}/app.bsky.feed.post/gone`)).toEqual(failed('not-found'));
    expect(await lookups.record('not a uri')).toEqual(failed('invalid'));
    expect(await lookups.record(`at://${ALICE}/app.bsky.feed.post`)).toEqual(failed('invalid'));
  });

  it('resolves a record URI that names its repository by handle', async () => {
    const { fetch } = network();
    const lookups = new NetworkLookups(settings, { fetch });
    expect(await lookups.record('at://alice.test/app.bsky.feed.post/p1')).toMatchObject(found({ cid: 'bafy1' }));
  });

  it('turns network errors, server errors, timeouts and unknown DIDs into typed failures', async () => {
    const thrown = fakeFetch({
      [`${PLC}/${ALICE}`]: () => {
        throw new TypeError('Failed to fetch');
      },
    });
    expect(await new NetworkLookups(settings, { fetch: thrown.fetch }).identity(ALICE)).toEqual(failed('unreachable'));
    const error = fakeFetch({ [`${PLC}/${ALICE}`]: () => json({}, 500) });
    expect(await new NetworkLookups(settings, { fetch: error.fetch }).identity(ALICE)).toEqual(failed('unreachable'));
    expect(await new NetworkLookups(settings, { fetch: fakeFetch({}).fetch }).identity(ALICE)).toEqual(
      failed('not-found'),
    );
    const slow = fakeFetch({
      [`${PLC}/${ALICE}`]: (_, init) =>
        new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted')))),
    });
    const started = Date.now();
    expect(await new NetworkLookups(settings, { fetch: slow.fetch, timeoutMs: 50 }).identity(ALICE)).toEqual(
      failed('unreachable'),
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await new NetworkLookups(settings, { fetch: fakeFetch({}).fetch }).identity('did:key:zabc')).toEqual(
      failed('invalid'),
    );
  });

  it('refuses answers larger than the cap, declared or streamed', async () => {
    const big = 'x'.repeat(2_000);
    const declared = fakeFetch({ [`${PLC}/${ALICE}`]: () => json({ ...aliceDoc(), pad: big }) });
    expect(await new NetworkLookups(settings, { fetch: declared.fetch, maxBytes: 1_000 }).didDocument(ALICE)).toEqual(
      failed('too-large'),
    );
    const streamed = fakeFetch({
      [`${PLC}/${ALICE}`]: () =>
        new Response(
          new ReadableStream({
            start(controller) {
              for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode(big));
              controller.close();
            },
          }),
        ),
    });
    expect(await new NetworkLookups(settings, { fetch: streamed.fetch, maxBytes: 1_000 }).didDocument(ALICE)).toEqual(
      failed('too-large'),
    );
  });

  it('reads a blob from a PDS as a public read, capped, and says when it is missing or too large', async () => {
    const bytes = new Uint8Array([1, 2, 3, 4]);
    const { fetch, calls } = fakeFetch({
      [`${PDS}/xrpc/com.atproto.sync.getBlob`]: (url) =>
        url.searchParams.get('did') !== ALICE
          ? json({ error: 'RepoNotFound' }, 400)
          : url.searchParams.get('cid') === 'bafkreione'
            ? new Response(bytes)
            : url.searchParams.get('cid') === 'bafkreibig'
              ? new Response(new Uint8Array(101))
              : json({ error: 'BlobNotFound' }, 400),
    });
    const lookups = new NetworkLookups(settings, { fetch });
    expect(await lookups.blob(PDS, ALICE, 'bafkreione', 100)).toEqual(found(bytes));
    expect(await lookups.blob(PDS, ALICE, 'bafkreibig', 100)).toEqual(failed('too-large'));
    expect(await lookups.blob(PDS, ALICE, 'bafkreitwo', 100)).toEqual(failed('not-found'));
    expect(await lookups.blob('http://pds.example', ALICE, 'bafkreione', 100)).toEqual(failed('invalid'));
    for (const call of calls) {
      expect(call.init).toMatchObject({ credentials: 'omit', redirect: 'error', method: 'GET' });
      expect(new Headers(call.init?.headers).has('authorization')).toBe(false);
    }
    expect(calls).toHaveLength(3);
  });

  it('refuses a document for another DID, and plain-http endpoints unless the settings allow them', async () => {
    const wrongId = fakeFetch({ [`${PLC}/${ALICE}`]: () => json({ ...aliceDoc(), id: 'did:plc:other' }) });
    expect(await new NetworkLookups(settings, { fetch: wrongId.fetch }).didDocument(ALICE)).toEqual(failed('invalid'));
    const httpPds = network({}, aliceDoc('alice.test', 'http://10.0.0.1:2583'));
    const strict = new NetworkLookups(settings, { fetch: httpPds.fetch });
    expect(await strict.identity(ALICE)).toEqual(found({ did: ALICE, handle: 'alice.test', handleStatus: 'verified' }));
    expect(await strict.record(`at://${ALICE}/app.bsky.feed.post/p1`)).toEqual(failed('invalid'));
    expect(httpPds.calls.some((c) => c.url.startsWith('http://10.0.0.1'))).toBe(false);
    const lenient = new NetworkLookups(async () => ({ ...(await settings()), allowHttp: true }), {
      fetch: httpPds.fetch,
    });
    expect(await lenient.identity(ALICE)).toMatchObject(found({ pds: 'http://10.0.0.1:2583' }));
  });

  it('reads a did:web document from its well-known address (http for localhost only when allowed)', async () => {
    const web = 'did:web:localhost%3A8123';
    const { fetch, calls } = fakeFetch({
      'http://localhost:8123/.well-known/did.json': () =>
        json({ id: web, service: [{ id: '#svc', type: 'X', serviceEndpoint: 'http://localhost:8123' }] }),
      'https://service.example/.well-known/did.json': () => json({ id: 'did:web:service.example', service: [] }),
    });
    const strict = new NetworkLookups(settings, { fetch });
    expect(await strict.didDocument(web)).toEqual(failed('invalid'));
    expect(calls).toHaveLength(0);
    expect(await strict.didDocument('did:web:service.example')).toEqual(
      found({ id: 'did:web:service.example', alsoKnownAs: [], services: [] }),
    );
    const local = new NetworkLookups(async () => ({ ...(await settings()), allowHttp: true }), { fetch });
    expect(await local.didDocument(web)).toEqual(
      found({ id: web, alsoKnownAs: [], services: [{ id: '#svc', type: 'X', endpoint: 'http://localhost:8123' }] }),
    );
  });

  it('answers repeats from its cache (one request), and asks again once an entry expires', async () => {
    let now = 0;
    const { fetch, calls } = network();
    const lookups = new NetworkLookups(settings, { fetch, now: () => now, cacheTtlMs: 1_000 });
    await Promise.all([lookups.didDocument(ALICE), lookups.didDocument(ALICE)]);
    await lookups.didDocument(ALICE);
    expect(calls).toHaveLength(1);
    now = 1_001;
    await lookups.didDocument(ALICE);
    expect(calls).toHaveLength(2);
  });

  it('reads records afresh each time: a delete shows the record as it is now', async () => {
    const { fetch, calls } = network();
    const lookups = new NetworkLookups(settings, { fetch });
    await lookups.record(`at://${ALICE}/app.bsky.feed.post/p1`);
    await lookups.record(`at://${ALICE}/app.bsky.feed.post/p1`);
    expect(calls.filter((c) => c.url.includes('getRecord'))).toHaveLength(2);
    expect(calls.filter((c) => c.url.startsWith(PLC))).toHaveLength(1);
  });

  it('keeps at most `cacheSize` entries', async () => {
    const { fetch, calls } = network();
    const lookups = new NetworkLookups(settings, { fetch, cacheSize: 2 });
    await lookups.resolveHandle('a.test');
    await lookups.resolveHandle('b.test');
    await lookups.resolveHandle('c.test');
    await lookups.resolveHandle('a.test');
    expect(calls).toHaveLength(4);
  });

  it('makes at most `concurrency` requests at once', async () => {
    let inFlight = 0;
    let most = 0;
    const { fetch } = fakeFetch({
      [`${RESOLVER}/xrpc/com.atproto.identity.resolveHandle`]: async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return json({ error: 'HandleNotFound' }, 400);
      },
    });
    const lookups = new NetworkLookups(settings, { fetch, concurrency: 2 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => lookups.resolveHandle(`h${i}.test`)));
    expect(most).toBe(2);
  });
});

describe('parseRecordUri', () => {
  it('splits an at-URI naming one record, and nothing else', () => {
    expect(parseRecordUri(`at://${ALICE}/app.bsky.feed.post/3kabc`)).toEqual({
      repo: ALICE,
      collection: 'app.bsky.feed.post',
      rkey: '3kabc',
    });
    expect(parseRecordUri(`at://${ALICE}`)).toBeUndefined();
    expect(parseRecordUri('https://bsky.app/profile/x')).toBeUndefined();
  });
});

describe('budgetedLookups', () => {
  it('asks each distinct look-up once, and stops asking after the budget', async () => {
    const asked: string[] = [];
    const inner: ConsentLookups = {
      didDocument: async (did) => {
        asked.push(did);
        return failed('not-found');
      },
      identity: async (did) => {
        asked.push(did);
        return found({ did });
      },
      record: async (uri) => {
        asked.push(uri);
        return failed('not-found');
      },
    };
    const budget = budgetedLookups(inner, { max: 2, withinMs: 5_000 });
    expect(await budget.identity('did:plc:a')).toEqual(found({ did: 'did:plc:a' }));
    expect(await budget.identity('did:plc:a')).toEqual(found({ did: 'did:plc:a' }));
    await budget.record('at://did:plc:a/c/r');
    expect(await budget.identity('did:plc:b')).toEqual(failed('skipped'));
    expect(asked).toEqual(['did:plc:a', 'at://did:plc:a/c/r']);
  });

  it('answers "unreachable" for what is not back by the deadline', async () => {
    const never = new Promise<never>(() => {});
    const inner: ConsentLookups = {
      didDocument: () => never,
      identity: async (did) => found({ did }),
      record: () => never,
    };
    const budget = budgetedLookups(inner, { max: 10, withinMs: 30 });
    expect(await budget.identity('did:plc:a')).toEqual(found({ did: 'did:plc:a' }));
    expect(await budget.record('at://did:plc:a/c/r')).toEqual(failed('unreachable'));
  });
});
