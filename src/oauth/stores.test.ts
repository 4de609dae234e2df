import type { InternalStateData, Session } from '@atproto/oauth-client-browser';
import { describe, expect, it } from 'vitest';
import { openKeyringDB } from '../storage/db';
import { extensionRuntime } from './client';
import { decodeKey, encodeKey, libraryStores } from './keys';
import { createOAuthStores, LOGIN_STATE_TTL_MS } from './stores';

async function newKey() {
  return extensionRuntime.createKey(['ES256']);
}

describe('DPoP keys', () => {
  it('are generated with a non-extractable private key', async () => {
    const key = await newKey();
    const { keyPair } = encodeKey(key);
    expect(keyPair.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('jwk', keyPair.privateKey)).rejects.toThrow();
    await expect(crypto.subtle.exportKey('pkcs8', keyPair.privateKey)).rejects.toThrow();
    // No JWK view of the key carries the private scalar.
    expect((key.privateJwk as Record<string, unknown> | undefined)?.d).toBeUndefined();
    expect((key.publicJwk as Record<string, unknown>).d).toBeUndefined();
  });

  it('survive a round trip through IndexedDB still non-extractable and still signing', async () => {
    const db = await openKeyringDB('keys-roundtrip');
    const { sessionStore } = libraryStores(createOAuthStores(db));
    const dpopKey = await newKey();
    const session: Session = {
      dpopKey,
      authMethod: { method: 'none' },
      tokenSet: {
        iss: 'https://pds.example',
        sub: 'did:plc:abc',
        aud: 'https://pds.example',
        scope: 'atproto',
        access_token: 'at',
        refresh_token: 'rt',
        token_type: 'DPoP',
      },
    };
    await sessionStore.set('did:plc:abc', session);

    const raw = (await db.get('oauthSession', 'did:plc:abc'))!.value as { dpopKey: { keyPair: CryptoKeyPair } };
    expect(raw.dpopKey.keyPair.privateKey).toBeInstanceOf(CryptoKey);
    expect(JSON.stringify(raw)).not.toContain('"d"');

    const restored = (await sessionStore.get('did:plc:abc'))!;
    expect(restored.dpopKey.kid).toBe(dpopKey.kid);
    const { keyPair } = encodeKey(restored.dpopKey);
    expect(keyPair.privateKey.extractable).toBe(false);
    const jwt = await restored.dpopKey.createJwt(
      { alg: 'ES256', typ: 'dpop+jwt', jwk: restored.dpopKey.bareJwk },
      { iat: 1, jti: 'x', htm: 'GET', htu: 'https://pds.example/' },
    );
    const [header, payload, signature] = jwt.split('.');
    const ok = await crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      keyPair.publicKey,
      Buffer.from(signature, 'base64url'),
      new TextEncoder().encode(`${header}.${payload}`),
    );
    expect(ok).toBe(true);
  });

  it('rejects keys that are not WebCrypto keys', () => {
    expect(() => encodeKey({ kid: 'x' } as never)).toThrow(/WebCrypto/);
  });

  it('decodes a stored key pair', async () => {
    const key = await newKey();
    const decoded = await decodeKey(encodeKey(key));
    expect(decoded.kid).toBe(key.kid);
  });
});

describe('state store', () => {
  it('forgets an abandoned sign-in after the TTL', async () => {
    const db = await openKeyringDB('state-ttl');
    let now = 10_000;
    const { stateStore } = libraryStores(createOAuthStores(db, () => now));
    const state: InternalStateData = {
      iss: 'https://pds.example',
      dpopKey: await newKey(),
      authMethod: { method: 'none' },
      verifier: 'v',
    };
    await stateStore.set('s1', state);
    now += LOGIN_STATE_TTL_MS - 1;
    expect((await stateStore.get('s1'))?.verifier).toBe('v');
    now += 1;
    expect(await stateStore.get('s1')).toBeUndefined();
  });

  it('keeps sessions with a refresh token without expiry and expires those without', async () => {
    const db = await openKeyringDB('session-expiry');
    const { sessionStore } = libraryStores(createOAuthStores(db));
    const base = { dpopKey: await newKey(), authMethod: { method: 'none' as const } };
    const tokenSet = {
      iss: 'i',
      sub: 'did:plc:a' as const,
      aud: 'a',
      scope: 'atproto' as const,
      access_token: 'x',
      token_type: 'DPoP' as const,
    };
    await sessionStore.set('did:plc:a', {
      ...base,
      tokenSet: { ...tokenSet, refresh_token: 'r', expires_at: new Date(0).toISOString() },
    });
    await sessionStore.set('did:plc:b', { ...base, tokenSet: { ...tokenSet, expires_at: new Date(0).toISOString() } });
    expect((await db.get('oauthSession', 'did:plc:a'))!.expiresAt).toBeNull();
    expect((await db.get('oauthSession', 'did:plc:b'))!.expiresAt).toBe(0);
    expect(await sessionStore.get('did:plc:b')).toBeUndefined();
  });
});
