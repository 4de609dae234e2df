import { describe, expect, it } from 'vitest';
import { isRawCid, rawCid, rawCidOfSha256Hex } from './cid';

// Vectors: the raw-codec CIDv1 of these bytes as multiformats writes them (and a PDS answers uploadBlob).
const EMPTY = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
const HELLO = 'bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e';

describe('blob CIDs', () => {
  it('computes the raw-codec sha-256 CID a PDS gives uploaded bytes', async () => {
    expect(await rawCid(new Uint8Array(0))).toBe(EMPTY);
    expect(await rawCid(new TextEncoder().encode('hello world'))).toBe(HELLO);
  });

  it('turns a displayed sha-256 into the same CID', () => {
    expect(rawCidOfSha256Hex('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')).toBe(EMPTY);
    expect(() => rawCidOfSha256Hex('e3b0')).toThrow(RangeError);
    expect(() => rawCidOfSha256Hex('E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855')).toThrow();
  });

  it('recognises the shape of a blob CID', async () => {
    expect(isRawCid(EMPTY)).toBe(true);
    expect(isRawCid(await rawCid(new Uint8Array([1, 2, 3])))).toBe(true);
    // A dag-cbor record CID, a truncated one, upper case.
    expect(isRawCid('bafyreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku')).toBe(false);
    expect(isRawCid(EMPTY.slice(0, -1))).toBe(false);
    expect(isRawCid(EMPTY.toUpperCase())).toBe(false);
  });
});
