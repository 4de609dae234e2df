import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BodyBytes } from './body-bytes';
import { canonicalDigest, canonicalJson } from './digest';

describe('canonicalDigest', () => {
  it("takes a body's bytes by their hash, whether they came as bytes or as a file", async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const asBytes = await canonicalDigest({ body: BodyBytes.ofBytes(bytes) });
    expect(await canonicalDigest({ body: BodyBytes.ofBlob(new Blob([bytes])) })).toBe(asBytes);
    expect(await canonicalDigest({ body: bytes })).toBe(asBytes);
    expect(await canonicalDigest({ body: BodyBytes.ofBytes(new Uint8Array([1, 2, 4])) })).not.toBe(asBytes);
  });

  it('a page value that only looks like held bytes is plain data', () => {
    expect(canonicalJson({ sha256: 'x', size: 1 })).toBe('{"sha256":"x","size":1}');
  });

  it('imports nothing: the consent window and the popup bundle it, and must not carry the background with it', () => {
    const source = readFileSync(new URL('./digest.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^import\s/m);
  });
});
