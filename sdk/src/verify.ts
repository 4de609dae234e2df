/**
 * Server-side (or in-page) verification of the JWTs `atproto_serviceAuth`
 * returns: the token is signed by the user's PDS with the account's atproto
 * signing key, so checking it against the issuer's DID document proves the
 * holder controls that DID.
 *
 * Separate entry point (`@atkeyring/sdk/verify`): it needs `@atproto/crypto`,
 * which sites that only make calls should not bundle.
 */
import {
  formatDidKey,
  multibaseToBytes,
  P256_JWT_ALG,
  parseDidKey,
  SECP256K1_JWT_ALG,
  verifySignature,
} from '@atproto/crypto';

export const DEFAULT_PLC_URL = 'https://plc.directory';
/** Tolerated clock difference between the PDS and this server. */
export const DEFAULT_CLOCK_SKEW_SEC = 30;

export type ServiceAuthErrorReason =
  | 'malformed'
  | 'bad-type'
  | 'unsupported-alg'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-audience'
  | 'wrong-lxm'
  | 'bad-issuer'
  | 'issuer-unresolvable'
  | 'no-signing-key'
  | 'bad-signature';

/** Why a token was refused; `reason` is stable, `message` is for logs. */
export class ServiceAuthError extends Error {
  override name = 'ServiceAuthError';
  constructor(
    readonly reason: ServiceAuthErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Resolves a DID to its document. `forceRefresh` is set on a second attempt
 * after a signature mismatch, so caching resolvers can pick up a rotated key.
 */
export type DidResolver = (did: string, options: { forceRefresh: boolean }) => Promise<unknown>;

export interface VerifyServiceAuthOptions {
  /** The audience this server accepts: its DID, optionally with `#service`. Several allowed. */
  aud: string | readonly string[];
  /** Require this `lxm` (the XRPC method the token was minted for). */
  lxm?: string;
  /** PLC directory for did:plc. Default {@link DEFAULT_PLC_URL}. Ignored with `resolveDid`. */
  plcUrl?: string;
  /** Custom DID resolution (caching, tests). Default: {@link createDidResolver}. */
  resolveDid?: DidResolver;
  /** fetch for the default resolver. */
  fetch?: typeof globalThis.fetch;
  clockSkewSec?: number;
  /** Current time in ms (tests). */
  now?: () => number;
}

export interface VerifiedServiceAuth {
  /** The issuer's DID (the user), without any `#fragment` of `iss`. */
  did: string;
  iss: string;
  aud: string;
  exp: number;
  iat?: number;
  lxm?: string;
  jti?: string;
  /** All claims, as signed. */
  payload: Record<string, unknown>;
}

const DID = /^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$/;
const B64URL = /^[A-Za-z0-9_-]*$/;

function base64UrlDecode(text: string): Uint8Array {
  if (!B64URL.test(text)) throw new ServiceAuthError('malformed', 'Invalid base64url');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  let binary: string;
  try {
    binary = atob(b64);
  } catch (cause) {
    throw new ServiceAuthError('malformed', 'Invalid base64url', { cause });
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function decodeJsonPart(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(base64UrlDecode(part)));
  } catch (cause) {
    throw new ServiceAuthError('malformed', `The JWT ${what} is not base64url JSON`, { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ServiceAuthError('malformed', `The JWT ${what} is not an object`);
  }
  return value as Record<string, unknown>;
}

/** Decodes a JWT without verifying anything. */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signature: Uint8Array;
  signingInput: string;
} {
  if (typeof token !== 'string') throw new ServiceAuthError('malformed', 'The token is not a string');
  const parts = token.split('.');
  if (parts.length !== 3) throw new ServiceAuthError('malformed', 'A JWT has three parts');
  const [h, p, s] = parts as [string, string, string];
  return {
    header: decodeJsonPart(h, 'header'),
    payload: decodeJsonPart(p, 'payload'),
    signature: base64UrlDecode(s),
    signingInput: `${h}.${p}`,
  };
}

/** The default resolver: did:plc from a PLC directory, did:web from `https://<host>/.well-known/did.json`. */
export function createDidResolver(
  options: { plcUrl?: string; fetch?: typeof globalThis.fetch; timeoutMs?: number } = {},
): DidResolver {
  const plcUrl = (options.plcUrl ?? DEFAULT_PLC_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 5_000;
  return async (did) => {
    const doFetch = options.fetch ?? globalThis.fetch;
    let url: string;
    if (/^did:plc:[a-z2-7]{24}$/.test(did)) {
      url = `${plcUrl}/${did}`;
    } else {
      // atproto allows hostname-level did:web only (a port is percent-encoded).
      const web = /^did:web:([a-zA-Z0-9.-]+)(%3[aA]([0-9]{1,5}))?$/.exec(did);
      if (!web) throw new ServiceAuthError('issuer-unresolvable', `Unsupported DID: ${did}`);
      const host = web[1]!.toLowerCase();
      const scheme = host === 'localhost' ? 'http' : 'https';
      url = `${scheme}://${host}${web[3] ? `:${web[3]}` : ''}/.well-known/did.json`;
    }
    let response: Response;
    try {
      response = await doFetch(url, {
        headers: { accept: 'application/did+json, application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw new ServiceAuthError('issuer-unresolvable', `Could not fetch the DID document of ${did}`, { cause });
    }
    if (!response.ok)
      throw new ServiceAuthError('issuer-unresolvable', `Resolving ${did} failed with HTTP ${response.status}`);
    try {
      return await response.json();
    } catch (cause) {
      throw new ServiceAuthError('issuer-unresolvable', `The DID document of ${did} is not JSON`, { cause });
    }
  };
}

/** Legacy verification-method types name the curve; Multikey encodes it in the key. */
const LEGACY_KEY_TYPES: Record<string, string> = {
  EcdsaSecp256k1VerificationKey2019: SECP256K1_JWT_ALG,
  EcdsaSecp256r1VerificationKey2019: P256_JWT_ALG,
};

/** The `#atproto` signing key of a DID document, as a did:key. */
export function atprotoSigningKey(doc: unknown, did: string): string {
  if (typeof doc !== 'object' || doc === null)
    throw new ServiceAuthError('issuer-unresolvable', `No DID document for ${did}`);
  const { id, verificationMethod } = doc as { id?: unknown; verificationMethod?: unknown };
  // A resolver must not hand us someone else's document.
  if (id !== did) throw new ServiceAuthError('issuer-unresolvable', `The DID document's id is not ${did}`);
  const methods = Array.isArray(verificationMethod) ? verificationMethod : [];
  const method = methods.find(
    (m): m is Record<string, unknown> =>
      typeof m === 'object' && m !== null && (m.id === '#atproto' || m.id === `${did}#atproto`),
  );
  if (!method || typeof method.publicKeyMultibase !== 'string') {
    throw new ServiceAuthError('no-signing-key', `${did} has no #atproto verification method`);
  }
  try {
    if (method.type === 'Multikey') {
      const didKey = `did:key:${method.publicKeyMultibase}`;
      parseDidKey(didKey); // throws on unsupported curves
      return didKey;
    }
    const alg = typeof method.type === 'string' ? LEGACY_KEY_TYPES[method.type] : undefined;
    if (alg) return formatDidKey(alg, multibaseToBytes(method.publicKeyMultibase));
  } catch (cause) {
    throw new ServiceAuthError('no-signing-key', `The #atproto key of ${did} cannot be parsed`, { cause });
  }
  throw new ServiceAuthError('no-signing-key', `Unsupported verification method type ${String(method.type)}`);
}

async function signatureMatches(
  didKey: string,
  signingInput: string,
  signature: Uint8Array,
  alg: string,
): Promise<boolean> {
  try {
    // Malleable (high-S) signatures are accepted, as the reference verifier
    // (@atproto/xrpc-server) does, so both accept the same tokens.
    return await verifySignature(didKey, new TextEncoder().encode(signingInput), signature, {
      jwtAlg: alg,
      allowMalleableSig: true,
    });
  } catch {
    return false; // wrong curve for alg, bad encoding
  }
}

/**
 * Verifies a service-auth JWT: shape, `typ`, `alg` (ES256K or ES256), `exp`
 * (required), `iat`/`nbf` not in the future, `aud`, `lxm` when asked, then
 * the signature against the issuer's `#atproto` key. Throws
 * {@link ServiceAuthError}; returns the claims when valid.
 */
export async function verifyServiceAuth(
  token: string,
  options: VerifyServiceAuthOptions,
): Promise<VerifiedServiceAuth> {
  const { header, payload, signature, signingInput } = decodeJwt(token);

  // Service tokens are plain JWTs; refuse tokens minted for other purposes.
  if (header.typ === 'at+jwt' || header.typ === 'refresh+jwt' || header.typ === 'dpop+jwt') {
    throw new ServiceAuthError('bad-type', `Not a service-auth token (typ ${String(header.typ)})`);
  }
  const alg = header.alg;
  if (alg !== SECP256K1_JWT_ALG && alg !== P256_JWT_ALG)
    throw new ServiceAuthError('unsupported-alg', `Unsupported alg ${String(alg)}`);

  const now = (options.now?.() ?? Date.now()) / 1000;
  const skew = options.clockSkewSec ?? DEFAULT_CLOCK_SKEW_SEC;
  const { iss, aud, exp, iat, nbf, lxm, jti } = payload;
  // exp is optional in JWT but a token that never expires is not acceptable here.
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new ServiceAuthError('malformed', 'The token has no exp');
  if (now > exp + skew) throw new ServiceAuthError('expired', 'The token has expired');
  if (iat !== undefined && (typeof iat !== 'number' || iat > now + skew))
    throw new ServiceAuthError('not-yet-valid', 'The token was issued in the future');
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + skew))
    throw new ServiceAuthError('not-yet-valid', 'The token is not valid yet');

  const accepted = typeof options.aud === 'string' ? [options.aud] : options.aud;
  if (typeof aud !== 'string' || !accepted.includes(aud))
    throw new ServiceAuthError('wrong-audience', `The token is for ${String(aud)}`);
  if (options.lxm !== undefined && lxm !== options.lxm) {
    throw new ServiceAuthError(
      'wrong-lxm',
      lxm === undefined
        ? `The token has no lxm; expected ${options.lxm}`
        : `The token is for ${String(lxm)}, not ${options.lxm}`,
    );
  }
  if (lxm !== undefined && typeof lxm !== 'string') throw new ServiceAuthError('malformed', 'lxm is not a string');
  if (jti !== undefined && typeof jti !== 'string') throw new ServiceAuthError('malformed', 'jti is not a string');

  if (typeof iss !== 'string') throw new ServiceAuthError('bad-issuer', 'The token has no iss');
  const did = iss.split('#')[0]!;
  if (!DID.test(did) || (iss !== did && !/^#[a-zA-Z0-9._~-]+$/.test(iss.slice(did.length)))) {
    throw new ServiceAuthError('bad-issuer', `iss is not a DID: ${iss}`);
  }

  const resolve = options.resolveDid ?? createDidResolver({ plcUrl: options.plcUrl, fetch: options.fetch });
  const keyOf = async (forceRefresh: boolean) => {
    let doc: unknown;
    try {
      doc = await resolve(did, { forceRefresh });
    } catch (cause) {
      if (cause instanceof ServiceAuthError) throw cause;
      throw new ServiceAuthError('issuer-unresolvable', `Could not resolve ${did}`, { cause });
    }
    return atprotoSigningKey(doc, did);
  };

  const key = await keyOf(false);
  let valid = await signatureMatches(key, signingInput, signature, alg);
  if (!valid && options.resolveDid) {
    // The key may have rotated since a custom (caching) resolver stored it;
    // the default resolver never caches, so asking again would not help.
    const fresh = await keyOf(true);
    valid = fresh !== key && (await signatureMatches(fresh, signingInput, signature, alg));
  }
  if (!valid) throw new ServiceAuthError('bad-signature', `The signature does not match the #atproto key of ${did}`);

  const result: VerifiedServiceAuth = { did, iss, aud, exp, payload };
  if (typeof iat === 'number') result.iat = iat;
  if (typeof lxm === 'string') result.lxm = lxm;
  if (typeof jti === 'string') result.jti = jti;
  return result;
}
