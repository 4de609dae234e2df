/**
 * The page protocol: one module shared by the main-world provider, the
 * isolated-world relay and the background. Pages are hostile until proven
 * otherwise, so every hop validates what it receives against these schemas.
 *
 *   page (provider) --window.postMessage--> relay --runtime.sendMessage--> background
 *
 * Binary values cross the relay↔background hop as `{ $bytes: base64 }`,
 * because Chrome serialises extension messages as JSON.
 */
import { validateNsid } from '@atproto/syntax';
import {
  ATKEYRING_RDNS,
  CAPABILITIES,
  CONTRACT_VERSION,
  ErrorCode,
  LIMITS,
  PROVIDER_METHODS,
  type ConnectParams as ContractConnectParams,
  type ProviderErrorShape,
  type ProviderEventName,
  type ProviderEvents,
  type ProviderMethod,
  type ServiceAuthRequest,
  type XrpcRequest,
} from './contract';
import {
  boolean,
  did,
  integer,
  isDid,
  isPlainObject,
  literal,
  object,
  optional,
  SchemaError,
  string,
  type Infer,
  type Parser,
} from './schema';

// The site-facing contract (codes, shapes, limits, method names, result
// types) is defined once, in ./contract; these names stay exported here so
// the rest of the extension keeps importing them from the page protocol.
export {
  ErrorCode,
  LIMITS,
  type AccountSummary,
  type ConnectResult,
  type ErrorCodeValue,
  type ProviderErrorShape,
  type XrpcResult,
} from './contract';

/**
 * What AT Keyring announces in `info` (with a fresh `uuid` per page load):
 * the contract version and capabilities come from the contract module.
 */
export const PROVIDER_INFO = Object.freeze({
  name: 'AT Keyring',
  rdns: ATKEYRING_RDNS,
  icon:
    'data:image/svg+xml;base64,' +
    // A key on a blue disc.
    'PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCA2NCA2NCI+PGNpcmNsZSBjeD0iMzIiIGN5PSIzMiIgcj0iMzIiIGZpbGw9IiMxNDYzZDgiLz48Y2lyY2xlIGN4PSIyNCIgY3k9IjMyIiByPSI5IiBmaWxsPSJub25lIiBzdHJva2U9IiNmZmYiIHN0cm9rZS13aWR0aD0iNSIvPjxwYXRoIGQ9Ik0zMyAzMmgyMG0tNSAwdjhtLTctOHY2IiBzdHJva2U9IiNmZmYiIHN0cm9rZS13aWR0aD0iNSIgc3Ryb2tlLWxpbmVjYXA9InJvdW5kIiBmaWxsPSJub25lIi8+PC9zdmc+',
  contractVersion: CONTRACT_VERSION,
  capabilities: CAPABILITIES,
} as const);

/** `source` tags of window messages between provider and relay. */
export const WINDOW_REQUEST = 'at-keyring:request';
export const WINDOW_REPLY = 'at-keyring:reply';
export const WINDOW_EVENT = 'at-keyring:event';

/** Message kinds on the relay↔background hop. */
export const BG_PAGE_REQUEST = 'at-keyring:page-request';
export const BG_PAGE_HELLO = 'at-keyring:page-hello';
export const BG_PAGE_EVENT = 'at-keyring:page-event';

/** What `provider.request` rejects with. */
export class ProviderRpcError extends Error implements ProviderErrorShape {
  name = 'ProviderRpcError';
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
  toJSON(): ProviderErrorShape {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

// ---- the methods ----------------------------------------------------------

/** The method names (the contract's PROVIDER_METHODS). */
export const PAGE_METHODS = PROVIDER_METHODS;
export type PageMethod = ProviderMethod;
export const isPageMethod = (m: string): m is PageMethod => (PAGE_METHODS as readonly string[]).includes(m);

// ---- patterned fields --------------------------------------------------------
//
// Every field below is page data, so it is validated in linear time: the
// length bound first, then @atproto/syntax's hand-written validators or a
// small scanner here. The only regexes are anchored single character classes
// (`^[…]+$`), which cannot backtrack more than once per character. A nested
// quantifier once let a 200-character `labelers` value freeze the background.

/** `^[…]+$` over RFC 3986 unreserved characters: a DID URL fragment / service id. */
const FRAGMENT = /^[a-zA-Z0-9._~-]+$/;

/** RFC 9110 `token` characters, as far as media types here use them. */
const TOKEN_CHARS = charTable('!#$&^_.+-');
/** Visible ASCII inside a quoted-string, except `"` and `\`, plus SP and HTAB. */
const QDTEXT = (c: number): boolean => c === 0x09 || (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c);

/** A lookup for ASCII letters, digits and `extra`. */
function charTable(extra: string): (c: number) => boolean {
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    const ch = String.fromCharCode(c);
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || extra.includes(ch)) table[c] = 1;
  }
  return (c) => c < 128 && table[c] === 1;
}

/** Index of the first character at or after `i` that is not SP or HTAB. */
function skipOws(s: string, i: number): number {
  while (i < s.length && (s.charCodeAt(i) === 0x20 || s.charCodeAt(i) === 0x09)) i++;
  return i;
}

/** Index after the run of token characters starting at `i` (=== i when there is none). */
function skipToken(s: string, i: number): number {
  while (i < s.length && TOKEN_CHARS(s.charCodeAt(i))) i++;
  return i;
}

/** An NSID, by @atproto/syntax's hand-written (split and compare) validator. */
function isNsid(s: string): boolean {
  return validateNsid(s).success;
}

/** `did:…#fragment`; the fragment is optional unless `fragmentRequired`. */
function isDidUrl(s: string, fragmentRequired: boolean): boolean {
  const hash = s.indexOf('#');
  if (hash === -1) return !fragmentRequired && isDid(s);
  return isDid(s.slice(0, hash)) && FRAGMENT.test(s.slice(hash + 1));
}

/**
 * `type/subtype` followed by any number of `;name=value` parameters, where the
 * value is a token or a quoted-string (no escapes). SP/HTAB may surround `;`
 * (only there). One left-to-right pass, no backtracking.
 */
function isMimeType(s: string): boolean {
  let i = skipToken(s, 0);
  if (i === 0 || s.charCodeAt(i) !== 0x2f /* / */) return false;
  const subtype = i + 1;
  i = skipToken(s, subtype);
  if (i === subtype) return false;
  while (i < s.length) {
    i = skipOws(s, i);
    if (s.charCodeAt(i) !== 0x3b /* ; */) return false;
    const name = skipOws(s, i + 1);
    i = skipToken(s, name);
    if (i === name || s.charCodeAt(i) !== 0x3d /* = */) return false;
    i++;
    if (s.charCodeAt(i) === 0x22 /* " */) {
      i++;
      while (i < s.length && QDTEXT(s.charCodeAt(i))) i++;
      if (s.charCodeAt(i) !== 0x22) return false;
      i++;
    } else {
      const value = i;
      i = skipToken(s, value);
      if (i === value) return false;
    }
  }
  return true;
}

/**
 * The atproto-accept-labelers header: `did[;redact]` entries separated by `,`,
 * SP/HTAB allowed after `,` and after `;`. The empty string (no labelers, no
 * header sent) is allowed; empty entries are not. Split, then one DID check per entry.
 */
function isAcceptLabelers(s: string): boolean {
  if (s === '') return true;
  const entries = s.split(',');
  for (let n = 0; n < entries.length; n++) {
    const entry = entries[n];
    const start = n === 0 ? 0 : skipOws(entry, 0);
    const semi = entry.indexOf(';', start);
    if (!isDid(semi === -1 ? entry.slice(start) : entry.slice(start, semi))) return false;
    if (semi !== -1 && entry.slice(skipOws(entry, semi + 1)) !== 'redact') return false;
  }
  return true;
}

export const nsid = string({ max: 317, check: isNsid });
/** `did:…#service_id`, the value of an atproto-proxy header. */
export const proxyRef = string({ max: 2048, check: (s) => isDidUrl(s, true) });
export const mimeType = string({ max: 255, check: isMimeType });
/** A DID, optionally with a `#service` fragment (service-auth audiences). */
export const audience = string({ max: 2048, check: (s) => isDidUrl(s, false) });

/** `did:…[;redact], …` as in the atproto-accept-labelers header. */
export const acceptLabelers = string({ max: 4096, check: isAcceptLabelers });

/** `^[…]+$`: query parameter names. */
const queryKey = string({ max: 256, pattern: /^[a-zA-Z0-9_.-]+$/ });

type QueryValue = string | number | boolean;
const queryScalar: Parser<QueryValue> = (input, path = '') => {
  if (typeof input === 'string') return string({ max: 8192 })(input, path);
  if (typeof input === 'number' && Number.isFinite(input)) return input;
  if (typeof input === 'boolean') return input;
  throw new SchemaError(path, 'expected a string, number or boolean');
};
export const queryParams: Parser<Record<string, QueryValue | QueryValue[]>> = (input, path = 'params') => {
  if (!isPlainObject(input)) throw new SchemaError(path, 'expected an object');
  const entries = Object.entries(input);
  if (entries.length > 100) throw new SchemaError(path, 'more than 100 parameters');
  const out: Record<string, QueryValue | QueryValue[]> = {};
  for (const [key, value] of entries) {
    queryKey(key, `${path}.${key}`);
    // `out.__proto__ = […]` would set the prototype, not add a parameter.
    if (key === '__proto__') throw new SchemaError(`${path}.${key}`, 'reserved key');
    if (Array.isArray(value)) {
      if (value.length > 500) throw new SchemaError(`${path}.${key}`, 'more than 500 items');
      out[key] = value.map((v, i) => queryScalar(v, `${path}.${key}[${i}]`));
    } else if (value !== undefined) {
      out[key] = queryScalar(value, `${path}.${key}`);
    }
  }
  return out;
};

/** A request body: JSON data or bytes. Size and depth are bounded by the wire codec. */
const body: Parser<unknown> = (input) => input;

export const connectParams = object({
  scope: optional(string({ max: 8192 })),
  account: optional(string({ max: 2048, min: 1 })),
});
export const xrpcParams = object({
  nsid,
  method: optional(literal('GET', 'POST')),
  params: optional(queryParams),
  body: optional(body),
  encoding: optional(mimeType),
  proxy: optional(proxyRef),
  /** Extension: reject with 4100 instead of prompting when outside the grant. */
  noPrompt: optional(boolean),
  /** Extension: which connected account to act as (default: the site's current one). */
  did: optional(did),
  /** Extension: the `atproto-accept-labelers` header (which labelers' labels the AppView should apply). */
  labelers: optional(acceptLabelers),
});
export const serviceAuthParams = object({
  aud: audience,
  lxm: optional(nsid),
  exp: optional(integer({ min: 1 })),
  noPrompt: optional(boolean),
  did: optional(did),
});
export type ConnectParams = Infer<typeof connectParams>;
export type XrpcParams = Infer<typeof xrpcParams>;
export type ServiceAuthParams = Infer<typeof serviceAuthParams>;

// The validated params must be what the contract promises sites they may send.
type Assignable<T extends U, U> = T;
type CheckedParams = [
  Assignable<ConnectParams, ContractConnectParams>,
  Assignable<XrpcParams, XrpcRequest>,
  Assignable<ServiceAuthParams, ServiceAuthRequest>,
];

// ---- envelopes ---------------------------------------------------------------

/** What the relay forwards to the background (params already in wire form). */
export const pageRequestEnvelope = object({
  kind: literal(BG_PAGE_REQUEST),
  id: string({ min: 1, max: LIMITS.maxIdLength }),
  method: string({ min: 1, max: LIMITS.maxMethodLength }),
  params: optional((v: unknown) => v),
});
export type PageRequestEnvelope = Infer<typeof pageRequestEnvelope>;

export type PageResponse = { result: unknown } | { error: ProviderErrorShape };

/** An event for the page, as the background sends it. */
export type PageEvent = { [E in ProviderEventName]: { event: E; data: ProviderEvents[E] } }[ProviderEventName];

// ---- the wire codec ------------------------------------------------------------

interface WireStats {
  chars: number;
  binary: number;
  maxChars: number;
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

function toBase64(bytes: Uint8Array): string {
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

function fromBase64(text: string): Uint8Array {
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
export function toWire(value: unknown, path = 'params', maxChars: number = LIMITS.maxJsonChars): unknown {
  return copy(value, path, 0, { chars: 0, binary: 0, maxChars }, 'encode');
}

/** Reverses {@link toWire}, validating as it goes (the input may be hostile too). */
export function fromWire(value: unknown, path = 'params', maxChars: number = LIMITS.maxJsonChars): unknown {
  return copy(value, path, 0, { chars: 0, binary: 0, maxChars }, 'decode');
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
  if (direction === 'encode' && (value instanceof ArrayBuffer || ArrayBuffer.isView(value))) {
    return { $bytes: toBase64(countBinary(bytesOf(value as ArrayBuffer | ArrayBufferView), path, stats)) };
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

function countBinary(bytes: Uint8Array, path: string, stats: WireStats): Uint8Array {
  stats.binary += bytes.byteLength;
  if (stats.binary > LIMITS.maxBinaryBytes) throw new SchemaError(path, 'binary body too large');
  return bytes;
}

/** A ProviderErrorShape from anything (used where errors cross a boundary). */
export function asProviderError(value: unknown): ProviderErrorShape {
  if (isPlainObject(value) && typeof value.code === 'number' && typeof value.message === 'string') {
    return { code: value.code, message: value.message.slice(0, 1000), ...(value.data !== undefined ? { data: value.data } : {}) };
  }
  return { code: ErrorCode.internal, message: 'Internal error' };
}
