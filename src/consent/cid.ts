/**
 * The CID a PDS gives a blob: CIDv1, raw codec (0x55), sha-256 multihash,
 * written in base32 with the `b` multibase prefix. Computed here so the
 * background can key the bytes a page uploaded by the very CID a record will
 * reference them by, and check bytes fetched back against the CID asked for.
 */

const RAW_CODEC = 0x55;
const SHA256_CODE = 0x12;
const SHA256_LENGTH = 32;
const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32, lower case, no padding (multibase `b`). */
function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** The raw-codec CID of a sha-256 digest (32 bytes). */
export function rawCidOfDigest(digest: Uint8Array): string {
  if (digest.byteLength !== SHA256_LENGTH) throw new RangeError('A sha-256 digest is 32 bytes');
  // Version 1, codec and hash code are each a one-byte varint (all below 0x80).
  const cid = new Uint8Array(4 + SHA256_LENGTH);
  cid.set([1, RAW_CODEC, SHA256_CODE, SHA256_LENGTH]);
  cid.set(digest, 4);
  return `b${base32(cid)}`;
}

/** The raw-codec CID of a sha-256 digest written in hex (as the displayed intent carries it). */
export function rawCidOfSha256Hex(hex: string): string {
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new RangeError('A sha-256 digest is 64 hex digits');
  return rawCidOfDigest(Uint8Array.from(hex.match(/../g)!, (pair) => Number.parseInt(pair, 16)));
}

/** The CID a PDS gives these bytes when they are uploaded as a blob. */
export async function rawCid(bytes: Uint8Array): Promise<string> {
  return rawCidOfDigest(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
}

/** Whether a string has the shape of a blob CID (raw codec, sha-256, base32). */
export const isRawCid = (value: string): boolean => /^bafkrei[a-z2-7]{52}$/.test(value);
