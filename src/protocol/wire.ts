/**
 * The wire codec of the relay↔background hop: plain copies of page values,
 * bounded in depth and size in both directions, with binary as `{ $bytes }`:
 * - 'clone': the bytes themselves (a Uint8Array), where extension messages are
 *   structured clones (Firefox; Chromium 148+ with the manifest's
 *   `message_serialization`); the relay learns it with a probe (src/relay/relay.ts);
 * - 'base64': a base64 string, where they are JSON (older Chromium).
 * A receiver accepts both spellings: a Uint8Array can only arrive over a clone channel.
 * A page's Blob or File body (contract 1.2, `blob-body`) crosses a clone channel that carries Blobs as the
 * Blob itself, `{ $bytes: Blob }`: its bytes are not copied through the messages. Every other hop reads it
 * first ({@link readBlobs}). The background keeps a body's Blob as it is (a Blob's bytes never change): it is
 * what the PDS receives, and what the ledger hashes and the consent window shows are read from it
 * (src/broker/body-bytes.ts); a Blob anywhere else in a request is read at once.
 */

import { isPlainObject, SchemaError } from './basics';
import { LIMITS } from './contract';

/** How binary travels: see the module's comment. */
export type WireBinary = 'base64' | 'clone';

interface WireStats {
  chars: number;
  binary: number;
  /** Binary values (byte arrays and Blobs), empty ones included. */
  binaryValues: number;
  blobs: number;
  maxChars: number;
  spelling: WireBinary;
  /** Whether a Blob may be written as it is (a clone channel that carries Blobs). */
  carryBlobs: boolean;
  /** Decoding: the one path where `{ $bytes: Blob }` is taken as the Blob. */
  blobAt?: string;
}

function bytesOf(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  return value instanceof ArrayBuffer
    ? new Uint8Array(value)
    : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

// Native base64 (Uint8Array.prototype.toBase64 / Uint8Array.fromBase64) where
// the browser has it: megabyte blobs cross the wire many times faster.
type Base64Native = { toBase64?: () => string };
type Base64NativeCtor = { fromBase64?: (text: string) => Uint8Array };

export function toBase64(bytes: Uint8Array): string {
  if (typeof (bytes as Base64Native).toBase64 === 'function') return (bytes as Base64Native).toBase64!();
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** `^[…]*$`: the base64 alphabet, no padding (a single class, so linear). */
const BASE64_BODY = /^[A-Za-z0-9+/]*$/;

/** Padded base64 as {@link toBase64} writes it: length a multiple of 4, at most two trailing `=`. */
function isBase64(text: string): boolean {
  if (text.length % 4 !== 0) return false;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return BASE64_BODY.test(pad === 0 ? text : text.slice(0, text.length - pad));
}

export function fromBase64(text: string): Uint8Array {
  const native = (Uint8Array as unknown as Base64NativeCtor).fromBase64;
  if (typeof native === 'function') return native(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Copies a value into wire form: plain JSON data, with binary as `{ $bytes }`.
 * Throws SchemaError for anything else (functions, class instances, cycles),
 * for nesting deeper than LIMITS.maxDepth and for sizes over the limits.
 */
export function toWire(
  value: unknown,
  path = 'params',
  maxChars: number = LIMITS.maxJsonChars,
  spelling: WireBinary = 'base64',
): unknown {
  return encodeWire(value, path, maxChars, spelling).value;
}

/**
 * {@link toWire}, also saying how many binary bytes, binary values and Blobs the value carries (the relay
 * probes the channel when there is any binary value, even an empty one). With `carryBlobs`, a Blob is written as it is; without, a Blob is refused (read it first).
 */
export function encodeWire(
  value: unknown,
  path: string,
  maxChars: number,
  spelling: WireBinary,
  carryBlobs = false,
): { value: unknown; binaryBytes: number; binaryValues: number; blobs: number } {
  const stats: WireStats = { chars: 0, binary: 0, binaryValues: 0, blobs: 0, maxChars, spelling, carryBlobs };
  const encoded = copy(value, path, 0, stats, 'encode');
  return { value: encoded, binaryBytes: stats.binary, binaryValues: stats.binaryValues, blobs: stats.blobs };
}

/** A Blob or File of this realm, and nothing that only looks like one (its size getter takes real Blobs only). */
export function isBlob(value: unknown): value is Blob {
  if (typeof Blob === 'undefined' || !(value instanceof Blob)) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Blob.prototype && (typeof File === 'undefined' || proto !== File.prototype)) return false;
  try {
    Object.getOwnPropertyDescriptor(Blob.prototype, 'size')?.get?.call(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The value with each Blob in it (a page's body, or `{ $bytes: Blob }` off the wire) replaced by its bytes.
 * Sizes are checked before anything is read: together at most LIMITS.maxBinaryBytes. Plain objects and arrays
 * are walked to LIMITS.maxDepth (deeper ones are left for the codec to refuse); the value is returned as it is
 * when it holds no Blob. A Blob whose path `keep` accepts is counted but left as it is, to be read later.
 */
export async function readBlobs(
  value: unknown,
  path = 'params',
  keep: (at: string) => boolean = () => false,
): Promise<unknown> {
  const found: { blob: Blob; path: string }[] = [];
  collectBlobs(value, path, 0, found);
  if (found.length === 0) return value;
  let total = 0;
  for (const { blob, path: at } of found) {
    total += blob.size;
    if (total > LIMITS.maxBinaryBytes) throw new SchemaError(at, 'binary body too large');
  }
  const bytes = new Map<Blob, Uint8Array | Blob>();
  for (const { blob, path: at } of found) {
    if (keep(at)) {
      bytes.set(blob, blob);
      continue;
    }
    try {
      bytes.set(blob, new Uint8Array(await blob.arrayBuffer()));
    } catch {
      throw new SchemaError(at, 'the file could not be read');
    }
  }
  return replaceBlobs(value, 0, bytes);
}

function collectBlobs(value: unknown, path: string, depth: number, found: { blob: Blob; path: string }[]): void {
  if (depth > LIMITS.maxDepth) return;
  if (isBlob(value)) found.push({ blob: value, path });
  else if (Array.isArray(value))
    for (let i = 0; i < value.length; i++) collectBlobs(value[i], `${path}[${i}]`, depth + 1, found);
  else if (isPlainObject(value))
    for (const key of Object.keys(value)) collectBlobs(value[key], `${path}.${key}`, depth + 1, found);
}

function replaceBlobs(value: unknown, depth: number, bytes: Map<Blob, Uint8Array | Blob>): unknown {
  if (depth > LIMITS.maxDepth) return value;
  if (isBlob(value)) return bytes.get(value);
  if (Array.isArray(value)) return value.map((v) => replaceBlobs(v, depth + 1, bytes));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      if (key === '__proto__') throw new SchemaError(key, 'reserved key');
      out[key] = replaceBlobs(value[key], depth + 1, bytes);
    }
    return out;
  }
  return value;
}

/**
 * Reverses {@link toWire}, validating as it goes (the input may be hostile too). `blobAt` names the one path
 * where `{ $bytes: Blob }` (a file over a channel that carries Blobs) is taken as the Blob; anywhere else it is
 * invalid.
 */
export function fromWire(
  value: unknown,
  path = 'params',
  maxChars: number = LIMITS.maxJsonChars,
  blobAt?: string,
): unknown {
  const stats: WireStats = {
    chars: 0,
    binary: 0,
    binaryValues: 0,
    blobs: 0,
    maxChars,
    spelling: 'base64',
    carryBlobs: false,
    blobAt,
  };
  return copy(value, path, 0, stats, 'decode');
}

/** One bounded walk for both directions; only binary values are handled differently. */
function copy(value: unknown, path: string, depth: number, stats: WireStats, direction: 'encode' | 'decode'): unknown {
  if (depth > LIMITS.maxDepth) throw new SchemaError(path, `nested deeper than ${LIMITS.maxDepth}`);
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new SchemaError(path, 'numbers must be finite');
    return value;
  }
  if (typeof value === 'string') {
    stats.chars += value.length + 2;
    if (stats.chars > stats.maxChars) throw new SchemaError(path, 'request too large');
    return value;
  }
  if (direction === 'encode' && isBlob(value)) {
    if (!stats.carryBlobs || stats.spelling !== 'clone') throw new SchemaError(path, 'a file must be read first');
    return { $bytes: countBlob(value, path, stats) };
  }
  if (direction === 'encode' && (value instanceof ArrayBuffer || ArrayBuffer.isView(value))) {
    const bytes = countBinary(bytesOf(value as ArrayBuffer | ArrayBufferView), path, stats);
    return { $bytes: stats.spelling === 'clone' ? ownBuffer(bytes) : toBase64(bytes) };
  }
  if (Array.isArray(value)) {
    if (value.length > LIMITS.maxEntries) throw new SchemaError(path, 'too many items');
    stats.chars += value.length + 2;
    return value.map((v, i) => copy(v, `${path}[${i}]`, depth + 1, stats, direction));
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (direction === 'decode' && keys.length === 1 && keys[0] === '$bytes') {
      const text = value.$bytes;
      // Only a Uint8Array of this realm: a clone channel makes them so; any other view or class is refused.
      if (text instanceof Uint8Array && Object.getPrototypeOf(text) === Uint8Array.prototype) {
        return countBinary(ownBuffer(text), path, stats);
      }
      if (path === stats.blobAt && isBlob(text)) return countBlob(text, path, stats);
      if (typeof text !== 'string' || text.length > Math.ceil(LIMITS.maxBinaryBytes / 3) * 4 || !isBase64(text)) {
        throw new SchemaError(path, 'invalid binary');
      }
      let bytes: Uint8Array;
      try {
        bytes = fromBase64(text);
      } catch {
        throw new SchemaError(path, 'invalid binary');
      }
      return countBinary(bytes, path, stats);
    }
    if (keys.length > LIMITS.maxEntries) throw new SchemaError(path, 'too many keys');
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      if (direction === 'encode' && key === '$bytes') throw new SchemaError(`${path}.${key}`, 'reserved key');
      // An own `__proto__` key (JSON.parse and structured clone make them) would
      // set the copy's prototype: the receiver would then read inherited fields
      // that JSON.stringify never sends. Refuse it both ways.
      if (key === '__proto__') throw new SchemaError(`${path}.${key}`, 'reserved key');
      stats.chars += key.length + 4;
      const v = value[key];
      if (v === undefined) continue;
      out[key] = copy(v, `${path}.${key}`, depth + 1, stats, direction);
    }
    if (stats.chars > stats.maxChars) throw new SchemaError(path, 'request too large');
    return out;
  }
  throw new SchemaError(path, `unsupported value (${typeof value})`);
}

function countBlob(blob: Blob, path: string, stats: WireStats): Blob {
  stats.blobs++;
  countBinary(blob, path, stats);
  return blob;
}

/**
 * The bytes in a buffer of their own: a structured clone carries a view's whole buffer, so a view into a
 * larger one would send (or keep) bytes nobody counted.
 */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && !isShared(bytes.buffer)
    ? bytes
    : bytes.slice();
}

function isShared(buffer: ArrayBufferLike): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;
}

function countBinary<T extends Uint8Array | Blob>(bytes: T, path: string, stats: WireStats): T {
  stats.binary += bytes instanceof Uint8Array ? bytes.byteLength : bytes.size;
  stats.binaryValues++;
  if (stats.binary > LIMITS.maxBinaryBytes) throw new SchemaError(path, 'binary body too large');
  return bytes;
}
