import { describe, expect, it } from 'vitest';
import { declaredDisagrees, detectFile, MAX_PREVIEW_PIXELS, normalizeMime, previewDecision } from './sniff';

const bytes = (...parts: (string | number[] | Uint8Array)[]) =>
  Uint8Array.from(
    parts.flatMap((p) => (typeof p === 'string' ? Array.from(p, (c) => c.charCodeAt(0)) : Array.from(p))),
  );
const be32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const le16 = (n: number) => [n & 255, (n >>> 8) & 255];
const le24 = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255];

/** The 1×1 PNG the e2e tests upload. */
const PNG_1x1 = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='),
  (c) => c.charCodeAt(0),
);
const png = (w: number, h: number) =>
  bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], be32(13), 'IHDR', be32(w), be32(h), [8, 6, 0, 0, 0]);
const jpeg = (w: number, h: number) =>
  bytes(
    [0xff, 0xd8],
    [0xff, 0xe0, 0x00, 0x10],
    'JFIF\0',
    [1, 1, 0, 0, 1, 0, 1, 0, 0],
    [0xff, 0xdb, 0x00, 0x04, 0, 0], // a table segment to skip
    [0xff, 0xc2, 0x00, 0x11, 0x08, (h >> 8) & 255, h & 255, (w >> 8) & 255, w & 255, 3],
    new Uint8Array(12),
  );
const gif = (w: number, h: number) => bytes('GIF89a', le16(w), le16(h), [0, 0, 0]);
const webpLossy = (w: number, h: number) =>
  bytes('RIFF', [0, 0, 0, 0], 'WEBP', 'VP8 ', [0, 0, 0, 0], [0, 0, 0], [0x9d, 0x01, 0x2a], le16(w), le16(h));
const webpLossless = (w: number, h: number) => {
  const bits = (w - 1) | ((h - 1) << 14);
  return bytes(
    'RIFF',
    [0, 0, 0, 0],
    'WEBP',
    'VP8L',
    [0, 0, 0, 0],
    [0x2f],
    [bits & 255, (bits >>> 8) & 255, (bits >>> 16) & 255, (bits >>> 24) & 255],
  );
};
const webpExtended = (w: number, h: number) =>
  bytes('RIFF', [0, 0, 0, 0], 'WEBP', 'VP8X', [10, 0, 0, 0], [0, 0, 0, 0], le24(w - 1), le24(h - 1));
const avif = (w: number, h: number, brand = 'avif') =>
  bytes(be32(24), 'ftyp', 'mif1', be32(0), brand, 'miaf', be32(20), 'ispe', be32(0), be32(w), be32(h));

describe('detectFile: the bytes say what a file is', () => {
  it.each([
    ['PNG', png(640, 480), 'image/png'],
    ['JPEG', jpeg(640, 480), 'image/jpeg'],
    ['GIF', gif(640, 480), 'image/gif'],
    ['lossy WebP', webpLossy(640, 480), 'image/webp'],
    ['lossless WebP', webpLossless(640, 480), 'image/webp'],
    ['extended WebP', webpExtended(640, 480), 'image/webp'],
    ['AVIF', avif(640, 480), 'image/avif'],
    ['AVIF (compatible brand)', avif(640, 480, 'avis'), 'image/avif'],
  ])('reads a %s and its dimensions from the header', (_name, file, type) => {
    expect(detectFile(file)).toEqual({ kind: 'raster', type, width: 640, height: 480 });
  });

  it('reads a real PNG', () => {
    expect(detectFile(PNG_1x1)).toEqual({ kind: 'raster', type: 'image/png', width: 1, height: 1 });
  });

  it('knows an SVG, with or without a BOM, an XML declaration or a doctype', () => {
    for (const text of [
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      '\uFEFF  <?xml version="1.0"?>\n<!DOCTYPE svg><SVG onload="x()"/>',
      '<!-- hi --><svg\tviewBox="0 0 1 1"></svg>',
    ]) {
      expect(detectFile(new TextEncoder().encode(text))).toEqual({ kind: 'svg' });
    }
  });

  it('calls anything else a file: text, HTML, truncated or forged headers', () => {
    for (const file of [
      new TextEncoder().encode('hello'),
      new TextEncoder().encode('<html><body>svg</body></html>'),
      new Uint8Array(0),
      bytes([0x89, 0x50, 0x4e, 0x47]),
      bytes('RIFF', [0, 0, 0, 0], 'WAVE'),
      bytes(be32(24), 'ftyp', 'mp42', be32(0), 'isom', 'mp41'),
    ]) {
      expect(detectFile(file)).toEqual({ kind: 'other' });
    }
  });

  it('leaves out dimensions it cannot read', () => {
    expect(detectFile(png(0, 0))).toEqual({ kind: 'raster', type: 'image/png' });
    expect(detectFile(bytes([0xff, 0xd8, 0xff, 0xe0]))).toEqual({ kind: 'raster', type: 'image/jpeg' });
    expect(detectFile(avif(1, 1).subarray(0, 24))).toEqual({ kind: 'raster', type: 'image/avif' });
  });
});

describe('previewDecision: only a raster of known, bounded size is drawn', () => {
  it('draws a raster with its dimensions', () => {
    expect(previewDecision(detectFile(png(100, 50)))).toEqual({
      show: true,
      type: 'image/png',
      width: 100,
      height: 50,
    });
  });

  it('never draws an SVG, whatever it was declared as', () => {
    const svg = detectFile(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'));
    expect(previewDecision(svg)).toEqual({ show: false, reason: 'svg' });
    expect(declaredDisagrees('image/png', svg)).toBe(true);
  });

  it('refuses pictures too large to decode safely, and those whose size it cannot read', () => {
    expect(previewDecision(detectFile(png(10_000, 10_000)))).toEqual({
      show: false,
      reason: 'too-many-pixels',
      width: 10_000,
      height: 10_000,
    });
    expect(10_000 * 10_000).toBeGreaterThan(MAX_PREVIEW_PIXELS);
    expect(previewDecision(detectFile(png(0, 0)))).toEqual({ show: false, reason: 'unknown-dimensions' });
    expect(previewDecision(detectFile(new TextEncoder().encode('hi')))).toEqual({
      show: false,
      reason: 'not-an-image',
    });
  });
});

describe('declaredDisagrees', () => {
  it('compares the declared type, without parameters and case, with the bytes', () => {
    const detected = detectFile(png(1, 1));
    expect(declaredDisagrees('image/png', detected)).toBe(false);
    expect(declaredDisagrees('IMAGE/PNG; charset=binary', detected)).toBe(false);
    expect(declaredDisagrees('image/jpeg', detected)).toBe(true);
    expect(declaredDisagrees('application/octet-stream', detected)).toBe(true);
    expect(declaredDisagrees('image/jpg', detectFile(jpeg(1, 1)))).toBe(false);
    expect(normalizeMime(' Image/JPG ;q=1')).toBe('image/jpeg');
  });

  it('flags a file declared as a picture that is none, not an ordinary file', () => {
    const text = detectFile(new TextEncoder().encode('hello'));
    expect(declaredDisagrees('image/webp', text)).toBe(true);
    expect(declaredDisagrees('image/svg+xml', text)).toBe(true);
    expect(declaredDisagrees('text/plain', text)).toBe(false);
    expect(declaredDisagrees('application/octet-stream', text)).toBe(false);
  });
});
