import { BodyBytes, sha256Hex } from './body-bytes';

export { sha256Hex };

/**
 * A digest of a value's canonical form: object keys sorted, byte strings
 * hashed on their own, so two requests with the same content (whatever their
 * key order) get the same digest, and any other content another.
 */
export async function canonicalDigest(value: unknown): Promise<string> {
  const blobs: (Uint8Array | BodyBytes)[] = [];
  const text = canonicalJson(value, blobs);
  const blobHashes = await Promise.all(
    blobs.map((b) => (b instanceof BodyBytes ? b.sha256() : sha256Hex(b as Uint8Array<ArrayBuffer>))),
  );
  return sha256Hex(new TextEncoder().encode(`${text}\n${blobHashes.join(',')}`));
}

/** Deterministic JSON; each byte string (a Uint8Array, a body's BodyBytes) becomes `{"$bytes":index}` and is collected into `blobs`. */
export function canonicalJson(value: unknown, blobs: (Uint8Array | BodyBytes)[] = []): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string')
    return JSON.stringify(value);
  if (value instanceof Uint8Array || value instanceof BodyBytes) return `{"$bytes":${blobs.push(value) - 1}}`;
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
