/** Marks a request body's bytes held by reference (src/broker/body-bytes.ts): hashed by their own `sha256()`. */
export const BODY_BYTES = Symbol('body bytes');

/** Bytes the digest takes by their hash (no page value can carry a symbol key: clones and JSON drop them). */
export interface HashedBytes {
  readonly [BODY_BYTES]: true;
  sha256(): Promise<string>;
}

const isHashedBytes = (value: unknown): value is HashedBytes =>
  typeof value === 'object' && value !== null && BODY_BYTES in value;

/**
 * A digest of a value's canonical form: object keys sorted, byte strings
 * hashed on their own, so two requests with the same content (whatever their
 * key order) get the same digest, and any other content another.
 */
export async function canonicalDigest(value: unknown): Promise<string> {
  const blobs: (Uint8Array | HashedBytes)[] = [];
  const text = canonicalJson(value, blobs);
  const blobHashes = await Promise.all(
    blobs.map((b) => (isHashedBytes(b) ? b.sha256() : sha256Hex(b as Uint8Array<ArrayBuffer>))),
  );
  return sha256Hex(new TextEncoder().encode(`${text}\n${blobHashes.join(',')}`));
}

/** Deterministic JSON; each byte string (a Uint8Array, a body's bytes) becomes `{"$bytes":index}` and is collected into `blobs`. */
export function canonicalJson(value: unknown, blobs: (Uint8Array | HashedBytes)[] = []): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string')
    return JSON.stringify(value);
  if (value instanceof Uint8Array || isHashedBytes(value)) return `{"$bytes":${blobs.push(value) - 1}}`;
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, blobs)).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const entries = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k], blobs)}`);
    return `{${entries.join(',')}}`;
  }
  throw new TypeError(`canonicalJson: unsupported ${typeof value}`);
}

export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const byte of hash) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
