/**
 * What a file is, from its first bytes rather than from what the site says
 * it is. The consent window shows an image only when its bytes are one of the
 * raster formats below, with dimensions it can read from the header: an SVG
 * is a document (it can hold script and links) and is shown as a file, and so
 * is anything else, whatever encoding the site declared.
 */

export const RASTER_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif'] as const;
export type RasterType = (typeof RASTER_TYPES)[number];

export type DetectedFile =
  | { kind: 'raster'; type: RasterType; width?: number; height?: number }
  | { kind: 'svg' }
  | { kind: 'other' };

/** Largest picture the window decodes (width × height); more could exhaust memory when drawn. */
export const MAX_PREVIEW_PIXELS = 40_000_000;

const ascii = (bytes: Uint8Array, start: number, length: number) =>
  String.fromCharCode(...bytes.subarray(start, start + length));
const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0) =>
  prefix.every((byte, i) => bytes[at + i] === byte);
const u16be = (b: Uint8Array, i: number) => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
const u16le = (b: Uint8Array, i: number) => (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8);
const u24le = (b: Uint8Array, i: number) => u16le(b, i) | ((b[i + 2] ?? 0) << 16);
const u32be = (b: Uint8Array, i: number) => ((u16be(b, i) << 16) >>> 0) + u16be(b, i + 2);

const size = (width: number, height: number) => (width > 0 && height > 0 ? { width, height } : {});

function png(b: Uint8Array) {
  // The first chunk is IHDR: width and height, big-endian.
  return ascii(b, 12, 4) === 'IHDR' ? size(u32be(b, 16), u32be(b, 20)) : {};
}

function gif(b: Uint8Array) {
  return b.byteLength >= 10 ? size(u16le(b, 6), u16le(b, 8)) : {};
}

function jpeg(b: Uint8Array) {
  // Walk the segments up to the frame header (SOFn; not DHT C4, JPG C8, DAC CC).
  let i = 2;
  while (i + 9 < b.byteLength) {
    if (b[i] !== 0xff) return {};
    const marker = b[i + 1] ?? 0;
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return size(u16be(b, i + 7), u16be(b, i + 5));
    }
    if (marker === 0xd9 || marker === 0xda) return {};
    i += 2 + u16be(b, i + 2);
  }
  return {};
}

function webp(b: Uint8Array) {
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ' && startsWith(b, [0x9d, 0x01, 0x2a], 23)) {
    return size(u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff);
  }
  if (chunk === 'VP8L' && b[20] === 0x2f) {
    const bits = (b[21] ?? 0) | ((b[22] ?? 0) << 8) | ((b[23] ?? 0) << 16) | ((b[24] ?? 0) << 24);
    return size((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X') return size(u24le(b, 24) + 1, u24le(b, 27) + 1);
  return {};
}

/** An AVIF's `ispe` (image spatial extents) box, searched for in the header. */
function avif(b: Uint8Array) {
  const head = ascii(b, 0, Math.min(b.byteLength, 64 * 1024));
  const at = head.indexOf('ispe');
  return at < 0 ? {} : size(u32be(b, at + 8), u32be(b, at + 12));
}

function isAvif(b: Uint8Array): boolean {
  if (ascii(b, 4, 4) !== 'ftyp') return false;
  const boxSize = Math.min(u32be(b, 0), b.byteLength, 256);
  // The major brand, then (after the minor version) the compatible brands, four letters each.
  const brands = [ascii(b, 8, 4)];
  for (let i = 16; i + 4 <= boxSize; i += 4) brands.push(ascii(b, i, 4));
  return brands.some((brand) => brand === 'avif' || brand === 'avis');
}

/** Markup that starts with `<` and names an `<svg` element early (after a BOM or whitespace). */
function isSvg(b: Uint8Array): boolean {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(0, 4096)).replace(/^\uFEFF/, '');
  return /^\s*</.test(text) && /<svg[\s>/]/i.test(text);
}

export function detectFile(bytes: Uint8Array): DetectedFile {
  const raster = (type: RasterType, dims: { width?: number; height?: number }): DetectedFile => ({
    kind: 'raster',
    type,
    ...dims,
  });
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return raster('image/png', png(bytes));
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return raster('image/jpeg', jpeg(bytes));
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return raster('image/gif', gif(bytes));
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return raster('image/webp', webp(bytes));
  if (isAvif(bytes)) return raster('image/avif', avif(bytes));
  if (isSvg(bytes)) return { kind: 'svg' };
  return { kind: 'other' };
}

/** A declared media type without parameters, in lower case (`image/jpg` is what some tools write for JPEG). */
export function normalizeMime(declared: string): string {
  const base = declared.split(';')[0]!.trim().toLowerCase();
  return base === 'image/jpg' ? 'image/jpeg' : base;
}

/** True when the declared type and the bytes tell different stories (worth a warning). */
export function declaredDisagrees(declared: string, detected: DetectedFile): boolean {
  const mime = normalizeMime(declared);
  if (detected.kind === 'raster') return mime !== detected.type;
  if (detected.kind === 'svg') return mime !== 'image/svg+xml';
  // Bytes of no known picture format, declared as one.
  return mime === 'image/svg+xml' || (RASTER_TYPES as readonly string[]).includes(mime);
}

export type PreviewDecision =
  | { show: true; type: RasterType; width: number; height: number }
  | { show: false; reason: 'svg' | 'not-an-image' | 'unknown-dimensions' }
  | { show: false; reason: 'too-many-pixels'; width: number; height: number };

/** Whether the window may draw these bytes as a picture, and as which type. */
export function previewDecision(detected: DetectedFile): PreviewDecision {
  if (detected.kind === 'svg') return { show: false, reason: 'svg' };
  if (detected.kind === 'other') return { show: false, reason: 'not-an-image' };
  const { type, width, height } = detected;
  if (!width || !height) return { show: false, reason: 'unknown-dimensions' };
  if (width * height > MAX_PREVIEW_PIXELS) return { show: false, reason: 'too-many-pixels', width, height };
  return { show: true, type, width, height };
}
