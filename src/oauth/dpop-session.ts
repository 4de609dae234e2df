import { toBase64 } from '../protocol/wire';
import type { SimpleStore } from '../storage/expiring-store';
import type { StoredKey, StoredSession } from './stores';

/** The part of an OAuth session the broker uses: DPoP-bound fetch relative to the PDS. */
export interface FetchHandlerSession {
  fetchHandler(pathname: string, init?: RequestInit): Promise<Response>;
}

/**
 * Tokens this close to their end go through the OAuth library, which renews them (it renews from 10–40 s
 * before the end; this margin is wider, so this path never sends a token the library would have renewed).
 */
export const RENEWAL_MARGIN_MS = 60_000;

export interface DirectSessionOptions {
  did: string;
  sessions: SimpleStore<string, StoredSession>;
  /** DPoP nonces by origin: the store the OAuth library uses too. */
  nonces: SimpleStore<string, string>;
  /** The OAuth library's session of the same account, for what this path leaves to it. */
  library: () => Promise<FetchHandlerSession>;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
}

/**
 * An account's DPoP-bound fetch without the OAuth library: the background need not load that library (and
 * its schemas) to make a call with a live access token. It does what the library's session does for such a
 * call (RFC 9449: a proof per request bound to the method, the URL and the token, the server's nonce kept
 * per origin and one retry when the server asks for a fresh one) and leaves the rest to the library: a
 * token near its end, a token the server refuses (the library renews it and sends again), a key it cannot
 * sign with. It reads the session from the store at each call, so a renewal by the library shows at once.
 */
export class DirectSession implements FetchHandlerSession {
  readonly did: string;
  readonly #options: DirectSessionOptions;

  constructor(options: DirectSessionOptions) {
    this.did = options.did;
    this.#options = options;
  }

  async fetchHandler(pathname: string, init?: RequestInit): Promise<Response> {
    const { sessions, library, now = Date.now } = this.#options;
    const stored = await sessions.get(this.did);
    const signer = stored ? await signerFor(stored.dpopKey) : undefined;
    const { tokenSet } = stored ?? {};
    if (!tokenSet || !signer || tokenSet.token_type !== 'DPoP' || isDue(tokenSet.expires_at, now())) {
      return (await library()).fetchHandler(pathname, init);
    }
    const url = new URL(pathname, tokenSet.aud);
    // The token goes to its audience only: a path like "//elsewhere/" would otherwise name another server.
    if (url.origin !== new URL(tokenSet.aud).origin) throw new TypeError('A session call must stay on its own PDS');
    const headers = new Headers(init?.headers);
    headers.set('Authorization', `DPoP ${tokenSet.access_token}`);
    const ath = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(tokenSet.access_token))));
    const response = await this.#send(signer, url, { ...init, headers }, ath);
    if (!isInvalidTokenResponse(response)) return response;
    // Refused before it was carried out: the library renews the token and sends the request again.
    await response.body?.cancel().catch(() => {});
    return (await library()).fetchHandler(pathname, init);
  }

  async #send(signer: Signer, url: URL, init: RequestInit, ath: string): Promise<Response> {
    const { nonces, fetch = globalThis.fetch } = this.#options;
    const htu = url.origin + url.pathname;
    const htm = (init.method ?? 'GET').toUpperCase();
    const nonce = await nonces.get(url.origin).catch(() => undefined);
    const first = await fetch(url, withProof(init, await signer.proof({ htm, htu, nonce, ath })));
    const next = first.headers.get('DPoP-Nonce');
    if (!next || next === nonce) return first;
    await nonces.set(url.origin, next).catch(() => {});
    if (!isUseNonceResponse(first) || init.body instanceof ReadableStream) return first;
    await first.body?.cancel().catch(() => {});
    const retry = await fetch(url, withProof(init, await signer.proof({ htm, htu, nonce: next, ath })));
    const latest = retry.headers.get('DPoP-Nonce');
    if (latest && latest !== next) await nonces.set(url.origin, latest).catch(() => {});
    return retry;
  }
}

function withProof(init: RequestInit, proof: string): RequestInit {
  const headers = new Headers(init.headers);
  headers.set('DPoP', proof);
  return { ...init, headers };
}

function isDue(expiresAt: string | undefined, now: number): boolean {
  if (expiresAt === undefined) return false;
  const end = Date.parse(expiresAt);
  return !(end - now > RENEWAL_MARGIN_MS);
}

/** RFC 6750 §3 / RFC 9449 §7.1: the resource server's answer to a token it does not take. */
function isInvalidTokenResponse(response: Response): boolean {
  if (response.status !== 401) return false;
  const challenge = response.headers.get('WWW-Authenticate') ?? '';
  return /^(Bearer|DPoP)\b/.test(challenge) && challenge.includes('error="invalid_token"');
}

/** RFC 9449 §9: the resource server wants a proof with its fresh nonce. */
function isUseNonceResponse(response: Response): boolean {
  if (response.status !== 401) return false;
  const challenge = response.headers.get('WWW-Authenticate') ?? '';
  return challenge.startsWith('DPoP') && challenge.includes('error="use_dpop_nonce"');
}

interface ProofClaims {
  htm: string;
  htu: string;
  nonce: string | undefined;
  ath: string;
}

interface Signer {
  proof(claims: ProofClaims): Promise<string>;
}

/** A key's JWS algorithm and its WebCrypto signing parameters, as the OAuth library names them. */
function signingAlgorithm(
  key: CryptoKey,
): { alg: string; params: AlgorithmIdentifier | EcdsaParams | RsaPssParams } | null {
  const algorithm = key.algorithm as Partial<EcKeyAlgorithm & RsaHashedKeyAlgorithm>;
  if (algorithm.name === 'ECDSA') {
    const bits = { 'P-256': '256', 'P-384': '384', 'P-521': '512' }[algorithm.namedCurve ?? ''];
    return bits ? { alg: `ES${bits}`, params: { name: 'ECDSA', hash: `SHA-${bits}` } } : null;
  }
  const hash = algorithm.hash?.name;
  if (hash !== 'SHA-256' && hash !== 'SHA-384' && hash !== 'SHA-512') return null;
  const bits = hash.slice(-3);
  if (algorithm.name === 'RSASSA-PKCS1-v1_5') return { alg: `RS${bits}`, params: { name: algorithm.name } };
  if (algorithm.name === 'RSA-PSS')
    return { alg: `PS${bits}`, params: { name: 'RSA-PSS', saltLength: Number(bits) / 8 } };
  return null;
}

/** One signer per stored key pair, made once per worker life: the public JWK is exported once. */
const signers = new WeakMap<CryptoKeyPair, Promise<Signer | undefined>>();

function signerFor(key: StoredKey): Promise<Signer | undefined> {
  let signer = signers.get(key.keyPair);
  if (!signer) {
    signer = makeSigner(key).catch(() => undefined);
    signers.set(key.keyPair, signer);
  }
  return signer;
}

async function makeSigner({ kid, keyPair }: StoredKey): Promise<Signer | undefined> {
  const { privateKey, publicKey } = keyPair;
  const algorithm = signingAlgorithm(privateKey);
  if (!algorithm || privateKey.type !== 'private' || !privateKey.usages.includes('sign')) return undefined;
  const { kty, crv, e, n, x, y } = await crypto.subtle.exportKey('jwk', publicKey);
  // The public members only (the library's "bare" JWK); JSON leaves out the ones this key type has not.
  const header = { alg: algorithm.alg, typ: 'dpop+jwt', jwk: { crv, e, kty, n, x, y }, kid };
  const encodedHeader = base64url(utf8(JSON.stringify(header)));
  return {
    async proof({ htm, htu, nonce, ath }) {
      const claims = { iat: Math.floor(Date.now() / 1000), jti: randomId(), htm, htu, nonce, ath };
      const input = `${encodedHeader}.${base64url(utf8(JSON.stringify(claims)))}`;
      const signature = await crypto.subtle.sign(algorithm.params, privateKey, utf8(input));
      return `${input}.${base64url(new Uint8Array(signature))}`;
    },
  };
}

/** A proof's `jti`: 128 random bits (RFC 9449 §4.2 asks for enough that a collision is negligible). */
function randomId(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(16)));
}

function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text);
}

function base64url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
