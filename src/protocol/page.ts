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
  type ConnectParams as ContractConnectParams,
  LIMITS,
  PROVIDER_METHODS,
  type ProviderErrorShape,
  type ProviderEventName,
  type ProviderEvents,
  type ProviderMethod,
  type ServiceAuthRequest,
  type XrpcRequest,
} from './contract';
import { RELAY_REQUEST } from './messages';
import {
  boolean,
  did,
  type Infer,
  integer,
  isDid,
  isPlainObject,
  literal,
  object,
  optional,
  type Parser,
  SchemaError,
  string,
} from './schema';

// The site-facing contract (codes, shapes, limits, method names, result
// types) is defined once, in ./contract; these names stay exported here so
// the rest of the extension keeps importing them from the page protocol.
export {
  type AccountSummary,
  type ConnectResult,
  ErrorCode,
  type ErrorCodeValue,
  LIMITS,
  type ProviderErrorShape,
  type XrpcResult,
} from './contract';

export * from './messages';
export * from './wire';

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
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || extra.includes(ch))
      table[c] = 1;
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
// biome-ignore lint/correctness/noUnusedVariables: a compile-time check only
type CheckedParams = [
  Assignable<ConnectParams, ContractConnectParams>,
  Assignable<XrpcParams, XrpcRequest>,
  Assignable<ServiceAuthParams, ServiceAuthRequest>,
];

// ---- envelopes ---------------------------------------------------------------

/** What the relay forwards to the background (params already in wire form). */
export const pageRequestEnvelope = object({
  kind: literal(RELAY_REQUEST),
  id: string({ min: 1, max: LIMITS.maxIdLength }),
  method: string({ min: 1, max: LIMITS.maxMethodLength }),
  params: optional((v: unknown) => v),
});
export type PageRequestEnvelope = Infer<typeof pageRequestEnvelope>;

export type PageResponse = { result: unknown } | { error: ProviderErrorShape };

/** An event for the page, as the background sends it. */
export type PageEvent = { [E in ProviderEventName]: { event: E; data: ProviderEvents[E] } }[ProviderEventName];
