import { bytesToMultibase, type Keypair, P256Keypair, Secp256k1Keypair } from '@atproto/crypto';
import { createServiceJwt } from '@atproto/xrpc-server';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createDidResolver,
  type DidResolver,
  decodeJwt,
  ServiceAuthError,
  type ServiceAuthErrorReason,
  verifyServiceAuth,
} from '../src/verify';

const SERVICE = 'did:web:service.example';
const ALICE = 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa';
const BOB = 'did:plc:bbbbbbbbbbbbbbbbbbbbbbbb';
const CAROL = 'did:web:carol.example';
const LXM = 'com.example.feed.getThings';

const b64url = (v: Uint8Array | string) => Buffer.from(v).toString('base64url');

/** Mints a JWT like a PDS's getServiceAuth does, with overridable header/claims. */
async function mint(
  keypair: Keypair,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const h = b64url(JSON.stringify({ typ: 'JWT', alg: keypair.jwtAlg, ...header }));
  const p = b64url(JSON.stringify(claims));
  const sig = await keypair.sign(new TextEncoder().encode(`${h}.${p}`));
  return `${h}.${p}.${b64url(sig)}`;
}

const now = () => Math.floor(Date.now() / 1000);
const claimsFor = (iss: string, extra: Record<string, unknown> = {}) => ({
  iss,
  aud: SERVICE,
  exp: now() + 60,
  iat: now(),
  lxm: LXM,
  jti: 'abc',
  ...extra,
});

function docWith(did: string, method: Record<string, unknown>) {
  return {
    '@context': ['https://www.w3.org/ns/did/v1'],
    id: did,
    alsoKnownAs: ['at://someone.test'],
    verificationMethod: [{ id: `${did}#atproto`, controller: did, ...method }],
    service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: 'https://pds.test' }],
  };
}
const multikeyDoc = (did: string, keypair: Keypair) =>
  docWith(did, { type: 'Multikey', publicKeyMultibase: keypair.did().slice('did:key:'.length) });

let k256: Secp256k1Keypair;
let p256: P256Keypair;
let other: Secp256k1Keypair;
let docs: Map<string, unknown>;
const resolveDid: DidResolver = async (did) => docs.get(did);

beforeAll(async () => {
  [k256, p256, other] = await Promise.all([Secp256k1Keypair.create(), P256Keypair.create(), Secp256k1Keypair.create()]);
  docs = new Map<string, unknown>([
    [ALICE, multikeyDoc(ALICE, k256)],
    [BOB, multikeyDoc(BOB, p256)],
    // Older documents name the curve in the type and carry the bare key.
    [
      CAROL,
      docWith(CAROL, {
        type: 'EcdsaSecp256k1VerificationKey2019',
        publicKeyMultibase: bytesToMultibase(k256.publicKeyBytes(), 'base58btc'),
      }),
    ],
  ]);
});

async function reasonOf(promise: Promise<unknown>): Promise<ServiceAuthErrorReason> {
  const err = await promise.then(
    () => undefined,
    (e) => e,
  );
  expect(err).toBeInstanceOf(ServiceAuthError);
  return (err as ServiceAuthError).reason;
}

describe('verifyServiceAuth: valid tokens', () => {
  it('accepts an ES256K token and returns its claims', async () => {
    const token = await mint(k256, claimsFor(ALICE));
    const verified = await verifyServiceAuth(token, { aud: SERVICE, lxm: LXM, resolveDid });
    expect(verified).toMatchObject({ did: ALICE, iss: ALICE, aud: SERVICE, lxm: LXM, jti: 'abc' });
    expect(verified.payload.iss).toBe(ALICE);
  });

  it('accepts an ES256 (P-256) token', async () => {
    const token = await mint(p256, claimsFor(BOB));
    await expect(verifyServiceAuth(token, { aud: SERVICE, resolveDid })).resolves.toMatchObject({ did: BOB });
  });

  it('accepts legacy EcdsaSecp256k1VerificationKey2019 keys', async () => {
    const token = await mint(k256, claimsFor(CAROL));
    await expect(verifyServiceAuth(token, { aud: SERVICE, resolveDid })).resolves.toMatchObject({ did: CAROL });
  });

  it('accepts tokens minted by @atproto/xrpc-server (what a PDS uses)', async () => {
    const token = await createServiceJwt({ iss: ALICE, aud: SERVICE, lxm: LXM, keypair: k256 });
    await expect(verifyServiceAuth(token, { aud: SERVICE, lxm: LXM, resolveDid })).resolves.toMatchObject({
      did: ALICE,
      lxm: LXM,
    });
  });

  it('accepts any of several audiences, any lxm when none is required, and a service-qualified iss', async () => {
    const token = await mint(k256, claimsFor(`${ALICE}#atproto_labeler`, { aud: `${SERVICE}#svc` }));
    const verified = await verifyServiceAuth(token, { aud: [SERVICE, `${SERVICE}#svc`], resolveDid });
    expect(verified).toMatchObject({ did: ALICE, iss: `${ALICE}#atproto_labeler`, aud: `${SERVICE}#svc` });
  });

  it('tolerates small clock skew', async () => {
    const token = await mint(k256, claimsFor(ALICE, { exp: now() - 10, iat: now() + 10 }));
    await expect(verifyServiceAuth(token, { aud: SERVICE, resolveDid })).resolves.toBeTruthy();
    await expect(reasonOf(verifyServiceAuth(token, { aud: SERVICE, resolveDid, clockSkewSec: 0 }))).resolves.toBe(
      'expired',
    );
  });
});

describe('verifyServiceAuth: refused tokens', () => {
  it('wrong audience', async () => {
    const token = await mint(k256, claimsFor(ALICE, { aud: 'did:web:other.example' }));
    expect(await reasonOf(verifyServiceAuth(token, { aud: SERVICE, resolveDid }))).toBe('wrong-audience');
  });

  it('expired, or without exp', async () => {
    const expired = await mint(k256, claimsFor(ALICE, { exp: now() - 120 }));
    expect(await reasonOf(verifyServiceAuth(expired, { aud: SERVICE, resolveDid }))).toBe('expired');
    const later = await mint(k256, claimsFor(ALICE));
    expect(
      await reasonOf(verifyServiceAuth(later, { aud: SERVICE, resolveDid, now: () => Date.now() + 3_600_000 })),
    ).toBe('expired');
    const noExp = await mint(k256, claimsFor(ALICE, { exp: undefined }));
    expect(await reasonOf(verifyServiceAuth(noExp, { aud: SERVICE, resolveDid }))).toBe('malformed');
  });

  it('issued in the future', async () => {
    const token = await mint(k256, claimsFor(ALICE, { iat: now() + 600, exp: now() + 900 }));
    expect(await reasonOf(verifyServiceAuth(token, { aud: SERVICE, resolveDid }))).toBe('not-yet-valid');
  });

  it('wrong or missing lxm', async () => {
    const wrong = await mint(k256, claimsFor(ALICE, { lxm: 'com.example.other' }));
    expect(await reasonOf(verifyServiceAuth(wrong, { aud: SERVICE, lxm: LXM, resolveDid }))).toBe('wrong-lxm');
    const missing = await mint(k256, claimsFor(ALICE, { lxm: undefined }));
    expect(await reasonOf(verifyServiceAuth(missing, { aud: SERVICE, lxm: LXM, resolveDid }))).toBe('wrong-lxm');
  });

  it('tampered signature', async () => {
    const token = await mint(k256, claimsFor(ALICE));
    const [h, p, s] = token.split('.');
    const sig = Buffer.from(s!, 'base64url');
    sig[10]! ^= 0x01;
    expect(await reasonOf(verifyServiceAuth(`${h}.${p}.${b64url(sig)}`, { aud: SERVICE, resolveDid }))).toBe(
      'bad-signature',
    );
  });

  it('tampered claims (signature over other claims)', async () => {
    const token = await mint(k256, claimsFor(ALICE));
    const [h, , s] = token.split('.');
    const forged = b64url(JSON.stringify(claimsFor(ALICE, { lxm: 'com.atproto.admin.everything' })));
    expect(await reasonOf(verifyServiceAuth(`${h}.${forged}.${s}`, { aud: SERVICE, resolveDid }))).toBe(
      'bad-signature',
    );
  });

  it("signed by someone else's key, or claiming another issuer", async () => {
    const wrongKey = await mint(other, claimsFor(ALICE));
    expect(await reasonOf(verifyServiceAuth(wrongKey, { aud: SERVICE, resolveDid }))).toBe('bad-signature');
    // Alice's key, Bob's name (Bob's key is P-256: alg and key curve disagree).
    const impersonation = await mint(k256, claimsFor(BOB));
    expect(await reasonOf(verifyServiceAuth(impersonation, { aud: SERVICE, resolveDid }))).toBe('bad-signature');
  });

  it('unknown issuer', async () => {
    const token = await mint(k256, claimsFor('did:plc:zzzzzzzzzzzzzzzzzzzzzzzz'));
    expect(await reasonOf(verifyServiceAuth(token, { aud: SERVICE, resolveDid }))).toBe('issuer-unresolvable');
    const throwing: DidResolver = async () => {
      throw new Error('network down');
    };
    expect(await reasonOf(verifyServiceAuth(token, { aud: SERVICE, resolveDid: throwing }))).toBe(
      'issuer-unresolvable',
    );
  });

  it("a resolver answering with another DID's document", async () => {
    const token = await mint(k256, claimsFor(ALICE));
    expect(
      await reasonOf(verifyServiceAuth(token, { aud: SERVICE, resolveDid: async () => multikeyDoc(BOB, k256) })),
    ).toBe('issuer-unresolvable');
  });

  it('a document without a usable #atproto key', async () => {
    const token = await mint(k256, claimsFor(ALICE));
    const noKey = {
      id: ALICE,
      verificationMethod: [{ id: `${ALICE}#other`, type: 'Multikey', publicKeyMultibase: k256.did().slice(8) }],
    };
    expect(await reasonOf(verifyServiceAuth(token, { aud: SERVICE, resolveDid: async () => noKey }))).toBe(
      'no-signing-key',
    );
    const badKey = docWith(ALICE, { type: 'Multikey', publicKeyMultibase: 'zNotAKey' });
    expect(await reasonOf(verifyServiceAuth(token, { aud: SERVICE, resolveDid: async () => badKey }))).toBe(
      'no-signing-key',
    );
    const oddType = docWith(ALICE, { type: 'JsonWebKey2020', publicKeyMultibase: k256.did().slice(8) });
    expect(await reasonOf(verifyServiceAuth(token, { aud: SERVICE, resolveDid: async () => oddType }))).toBe(
      'no-signing-key',
    );
  });

  it('bad iss, alg or typ, and malformed tokens', async () => {
    expect(
      await reasonOf(verifyServiceAuth(await mint(k256, claimsFor('not-a-did')), { aud: SERVICE, resolveDid })),
    ).toBe('bad-issuer');
    expect(
      await reasonOf(
        verifyServiceAuth(await mint(k256, claimsFor(ALICE), { alg: 'none' }), { aud: SERVICE, resolveDid }),
      ),
    ).toBe('unsupported-alg');
    expect(
      await reasonOf(
        verifyServiceAuth(await mint(k256, claimsFor(ALICE), { alg: 'HS256' }), { aud: SERVICE, resolveDid }),
      ),
    ).toBe('unsupported-alg');
    expect(
      await reasonOf(
        verifyServiceAuth(await mint(k256, claimsFor(ALICE), { typ: 'at+jwt' }), { aud: SERVICE, resolveDid }),
      ),
    ).toBe('bad-type');
    expect(
      await reasonOf(
        verifyServiceAuth(await mint(k256, claimsFor(ALICE), { typ: 'dpop+jwt' }), { aud: SERVICE, resolveDid }),
      ),
    ).toBe('bad-type');
    for (const junk of [
      '',
      'a.b',
      'a.b.c.d',
      '!!.??.##',
      `${b64url('[]')}.${b64url('{}')}.AA`,
      `${b64url('{}')}.${b64url('nope')}.AA`,
      `${b64url('{}')}.${b64url('{}')}.A`,
    ]) {
      expect(await reasonOf(verifyServiceAuth(junk, { aud: SERVICE, resolveDid }))).toBe('malformed');
    }
  });
});

describe('key rotation', () => {
  it('retries once with forceRefresh when the cached key no longer matches', async () => {
    const rotated = await Secp256k1Keypair.create();
    const token = await mint(rotated, claimsFor(ALICE));
    const resolver = vi.fn<DidResolver>(async (_did, { forceRefresh }) =>
      forceRefresh ? multikeyDoc(ALICE, rotated) : multikeyDoc(ALICE, k256),
    );
    await expect(verifyServiceAuth(token, { aud: SERVICE, resolveDid: resolver })).resolves.toMatchObject({
      did: ALICE,
    });
    expect(resolver.mock.calls.map((c) => c[1])).toEqual([{ forceRefresh: false }, { forceRefresh: true }]);
  });
});

describe('createDidResolver', () => {
  const okFetch = () =>
    vi.fn(
      async (url: string | URL | Request) =>
        new Response(JSON.stringify({ id: 'from', url: String(url) }), {
          headers: { 'content-type': 'application/json' },
        }),
    );

  it('resolves did:plc from the PLC directory and did:web from /.well-known/did.json', async () => {
    const fetch = okFetch();
    const resolve = createDidResolver({ plcUrl: 'https://plc.test/', fetch });
    expect(await resolve(ALICE, { forceRefresh: false })).toMatchObject({ url: `https://plc.test/${ALICE}` });
    expect(await resolve('did:web:example.com', { forceRefresh: false })).toMatchObject({
      url: 'https://example.com/.well-known/did.json',
    });
    expect(await resolve('did:web:localhost%3A2583', { forceRefresh: false })).toMatchObject({
      url: 'http://localhost:2583/.well-known/did.json',
    });
    const plcDefault = createDidResolver({ fetch });
    expect(await plcDefault(ALICE, { forceRefresh: false })).toMatchObject({ url: `https://plc.directory/${ALICE}` });
  });

  it('refuses other DIDs and failed lookups', async () => {
    const resolve = createDidResolver({ fetch: okFetch() });
    for (const did of ['did:key:zQ3abc', 'did:web:evil.com/path', 'did:web:a.com%2Fx', 'did:plc:short']) {
      expect(await reasonOf(resolve(did, { forceRefresh: false }))).toBe('issuer-unresolvable');
    }
    const notFound = createDidResolver({ fetch: async () => new Response('nope', { status: 404 }) });
    expect(await reasonOf(notFound(ALICE, { forceRefresh: false }))).toBe('issuer-unresolvable');
    const offline = createDidResolver({
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    expect(await reasonOf(offline(ALICE, { forceRefresh: false }))).toBe('issuer-unresolvable');
  });

  it('is what verifyServiceAuth uses by default (plcUrl and fetch options)', async () => {
    const token = await mint(k256, claimsFor(ALICE));
    const fetch = vi.fn(async () => new Response(JSON.stringify(multikeyDoc(ALICE, k256))));
    await expect(verifyServiceAuth(token, { aud: SERVICE, plcUrl: 'https://plc.test', fetch })).resolves.toMatchObject({
      did: ALICE,
    });
    expect(fetch).toHaveBeenCalledWith(`https://plc.test/${ALICE}`, expect.anything());
  });
});

describe('decodeJwt', () => {
  it('splits a token without verifying it', async () => {
    const token = await mint(k256, claimsFor(ALICE));
    const { header, payload, signature, signingInput } = decodeJwt(token);
    expect(header).toEqual({ typ: 'JWT', alg: 'ES256K' });
    expect(payload.iss).toBe(ALICE);
    expect(signature).toHaveLength(64);
    expect(signingInput).toBe(token.split('.').slice(0, 2).join('.'));
  });
});
