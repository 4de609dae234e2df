import { describe, expect, it, vi } from 'vitest';
import type { SimpleStore } from '../storage/expiring-store';
import { DirectSession, type FetchHandlerSession, RENEWAL_MARGIN_MS } from './dpop-session';
import type { StoredSession } from './stores';

const PDS = 'https://pds.example.com';
const DID = 'did:plc:alice';
const NOW = Date.parse('2026-12-07T10:00:00Z');

function memoryStore<V>(entries: [string, V][] = []): SimpleStore<string, V> & { map: Map<string, V> } {
  const map = new Map(entries);
  return {
    map,
    get: async (k) => map.get(k),
    set: async (k, v) => void map.set(k, v),
    del: async (k) => void map.delete(k),
  };
}

async function storedSession(
  overrides: Partial<StoredSession['tokenSet']> = {},
  algorithm: EcKeyGenParams | RsaHashedKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' },
): Promise<StoredSession> {
  const keyPair = (await crypto.subtle.generateKey(algorithm, false, ['sign', 'verify'])) as CryptoKeyPair;
  return {
    dpopKey: { kid: 'key-1', keyPair },
    authMethod: { method: 'none' },
    tokenSet: {
      iss: PDS,
      sub: DID,
      aud: PDS,
      scope: 'atproto',
      access_token: 'access-token-1',
      refresh_token: 'refresh-token-1',
      token_type: 'DPoP',
      expires_at: new Date(NOW + 15 * 60_000).toISOString(),
      ...overrides,
    },
  } as StoredSession;
}

function decodePart(part: string): Record<string, unknown> {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(atob(base64));
}

function bytesOf(part: string): Uint8Array<ArrayBuffer> {
  const binary = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function sha256url(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...digest))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

interface Sent {
  url: string;
  method: string;
  headers: Headers;
  body: unknown;
  proof: { header: Record<string, unknown>; claims: Record<string, unknown>; verified: boolean };
}

/** A resource server that records each request and checks each proof's signature against the proof's own JWK. */
function server(answer: (sent: Sent, index: number) => Response) {
  const sent: Sent[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    const proof = headers.get('DPoP') ?? '';
    const [h, c, s] = proof.split('.');
    const header = decodePart(h);
    const jwk = header.jwk as JsonWebKey;
    const key = await crypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    const verified = await crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      key,
      bytesOf(s),
      new TextEncoder().encode(`${h}.${c}`),
    );
    const entry = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers,
      body: init?.body,
      proof: { header, claims: decodePart(c), verified },
    };
    sent.push(entry);
    return answer(entry, sent.length - 1);
  });
  return { sent, fetch: fetch as unknown as typeof globalThis.fetch };
}

function libraryStub() {
  const calls: { pathname: string; init?: RequestInit }[] = [];
  const session: FetchHandlerSession = {
    fetchHandler: async (pathname, init) => {
      calls.push({ pathname, init });
      return new Response('{"from":"library"}', { status: 200 });
    },
  };
  return { calls, library: vi.fn(async () => session) };
}

async function setup(options: { session?: StoredSession | null; answer?: (sent: Sent, i: number) => Response } = {}) {
  const session = options.session === undefined ? await storedSession() : options.session;
  const sessions = memoryStore<StoredSession>(session ? [[DID, session]] : []);
  const nonces = memoryStore<string>();
  const pds = server(options.answer ?? (() => Response.json({ ok: true })));
  const lib = libraryStub();
  const direct = new DirectSession({
    did: DID,
    sessions,
    nonces,
    library: lib.library,
    fetch: pds.fetch,
    now: () => NOW,
  });
  return { direct, sessions, nonces, pds, lib, session };
}

describe('DirectSession', () => {
  it('sends a proof bound to the method, the URL without its query, the token and the key', async () => {
    const { direct, pds, lib, session } = await setup();
    const res = await direct.fetchHandler('/xrpc/com.atproto.repo.getRecord?repo=did%3Aplc%3Aalice&rkey=a#frag', {
      method: 'GET',
      headers: { 'atproto-proxy': 'did:web:api.example#svc' },
    });
    expect(res.status).toBe(200);
    expect(lib.library).not.toHaveBeenCalled();
    const [sent] = pds.sent;
    expect(sent.url).toBe(`${PDS}/xrpc/com.atproto.repo.getRecord?repo=did%3Aplc%3Aalice&rkey=a#frag`);
    expect(sent.headers.get('Authorization')).toBe('DPoP access-token-1');
    expect(sent.headers.get('atproto-proxy')).toBe('did:web:api.example#svc');
    expect(sent.proof.verified).toBe(true);
    const publicJwk = await crypto.subtle.exportKey('jwk', session!.dpopKey.keyPair.publicKey);
    expect(sent.proof.header).toEqual({
      alg: 'ES256',
      typ: 'dpop+jwt',
      kid: 'key-1',
      jwk: { kty: 'EC', crv: 'P-256', x: publicJwk.x, y: publicJwk.y },
    });
    expect(sent.proof.claims).toMatchObject({
      htm: 'GET',
      htu: `${PDS}/xrpc/com.atproto.repo.getRecord`,
      ath: await sha256url('access-token-1'),
    });
    expect(sent.proof.claims).not.toHaveProperty('nonce');
    expect(typeof sent.proof.claims.iat).toBe('number');
  });

  it("answers the server's nonce request once, keeps the nonce by origin, and sends it from then on", async () => {
    const { direct, pds, nonces } = await setup({
      answer: ({ proof }) =>
        proof.claims.nonce === 'n-1'
          ? Response.json({ ok: true }, { headers: { 'DPoP-Nonce': 'n-1' } })
          : new Response('{"error":"use_dpop_nonce"}', {
              status: 401,
              headers: { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"', 'DPoP-Nonce': 'n-1' },
            }),
    });
    const body = JSON.stringify({ repo: DID, collection: 'app.bsky.feed.post', record: { text: 'hi' } });
    const res = await direct.fetchHandler('/xrpc/com.atproto.repo.createRecord', { method: 'POST', body });
    expect(res.status).toBe(200);
    expect(pds.sent).toHaveLength(2);
    expect(pds.sent.map((s) => s.body)).toEqual([body, body]);
    expect(pds.sent[1].proof.claims.nonce).toBe('n-1');
    expect(pds.sent[0].proof.claims.jti).not.toBe(pds.sent[1].proof.claims.jti);
    expect(nonces.map.get(PDS)).toBe('n-1');
    await direct.fetchHandler('/xrpc/com.atproto.server.getSession');
    expect(pds.sent).toHaveLength(3);
    expect(pds.sent[2].proof.claims.nonce).toBe('n-1');
  });

  it('does not send again when the answer is another error, even with a new nonce', async () => {
    const { direct, pds, nonces } = await setup({
      answer: () => new Response('{"error":"InvalidRequest"}', { status: 400, headers: { 'DPoP-Nonce': 'n-2' } }),
    });
    const res = await direct.fetchHandler('/xrpc/com.atproto.repo.createRecord', { method: 'POST', body: '{}' });
    expect(res.status).toBe(400);
    expect(pds.sent).toHaveLength(1);
    expect(nonces.map.get(PDS)).toBe('n-2');
  });

  it('leaves a token near its end to the library, which renews it', async () => {
    const session = await storedSession({ expires_at: new Date(NOW + RENEWAL_MARGIN_MS - 1).toISOString() });
    const { direct, pds, lib } = await setup({ session });
    const res = await direct.fetchHandler('/xrpc/com.atproto.server.getSession');
    expect(await res.json()).toEqual({ from: 'library' });
    expect(pds.sent).toHaveLength(0);
    expect(lib.calls).toEqual([{ pathname: '/xrpc/com.atproto.server.getSession', init: undefined }]);
  });

  it('hands a refused token to the library, which renews it and sends the call again', async () => {
    const { direct, pds, lib } = await setup({
      answer: () =>
        new Response('{"error":"invalid_token"}', {
          status: 401,
          headers: { 'WWW-Authenticate': 'DPoP error="invalid_token", error_description="expired"' },
        }),
    });
    const init = { method: 'POST', body: '{"a":1}' };
    const res = await direct.fetchHandler('/xrpc/com.atproto.repo.createRecord', init);
    expect(await res.json()).toEqual({ from: 'library' });
    expect(pds.sent).toHaveLength(1);
    expect(lib.calls).toEqual([{ pathname: '/xrpc/com.atproto.repo.createRecord', init }]);
  });

  it('uses the library when the store has no session, or a key it cannot sign a proof with', async () => {
    const none = await setup({ session: null });
    await none.direct.fetchHandler('/xrpc/com.atproto.server.getSession');
    expect(none.lib.calls).toHaveLength(1);
    expect(none.pds.sent).toHaveLength(0);

    const session = await storedSession();
    const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    session.dpopKey = { kid: 'k', keyPair: { privateKey: hmac, publicKey: hmac } as unknown as CryptoKeyPair };
    const odd = await setup({ session });
    await odd.direct.fetchHandler('/xrpc/com.atproto.server.getSession');
    expect(odd.lib.calls).toHaveLength(1);
    expect(odd.pds.sent).toHaveLength(0);
  });

  it('reads the session at each call, so tokens the library renewed are used at once', async () => {
    const { direct, pds, sessions, session } = await setup();
    await direct.fetchHandler('/xrpc/com.atproto.server.getSession');
    await sessions.set(DID, { ...session!, tokenSet: { ...session!.tokenSet, access_token: 'access-token-2' } });
    await direct.fetchHandler('/xrpc/com.atproto.server.getSession');
    expect(pds.sent.map((s) => s.headers.get('Authorization'))).toEqual(['DPoP access-token-1', 'DPoP access-token-2']);
    expect(pds.sent[1].proof.claims.ath).toBe(await sha256url('access-token-2'));
  });

  it('never sends the token to another origin, whatever the path says', async () => {
    const { direct, pds, lib } = await setup();
    for (const path of ['//evil.example/xrpc/x', 'https://evil.example/xrpc/x', '\\\\evil.example/xrpc/x']) {
      await expect(direct.fetchHandler(path)).rejects.toThrow(/own PDS/);
    }
    expect(pds.sent).toHaveLength(0);
    expect(lib.calls).toHaveLength(0);
  });

  it('signs with an RSA key as RS256, as the library would name it', async () => {
    const session = await storedSession(
      {},
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    );
    const sessions = memoryStore<StoredSession>([[DID, session]]);
    const fetch = vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
      const [h, c, s] = (new Headers(init?.headers).get('DPoP') ?? '').split('.');
      const header = decodePart(h);
      const key = await crypto.subtle.importKey(
        'jwk',
        header.jwk as JsonWebKey,
        { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
        false,
        ['verify'],
      );
      const ok = await crypto.subtle.verify(
        'RSASSA-PKCS1-v1_5',
        key,
        bytesOf(s),
        new TextEncoder().encode(`${h}.${c}`),
      );
      return Response.json({ alg: header.alg, ok, jwkKeys: Object.keys(header.jwk as object).sort() });
    });
    const direct = new DirectSession({
      did: DID,
      sessions,
      nonces: memoryStore(),
      library: async () => {
        throw new Error('not used');
      },
      fetch: fetch as unknown as typeof globalThis.fetch,
      now: () => NOW,
    });
    const res = await direct.fetchHandler('/xrpc/com.atproto.server.getSession');
    expect(await res.json()).toEqual({ alg: 'RS256', ok: true, jwkKeys: ['e', 'kty', 'n'] });
  });
});
