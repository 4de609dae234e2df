/**
 * The provider contract: everything a website can see of an ATProto browser
 * provider such as AT Keyring, in one module. docs/provider-api.md is its
 * prose; docs/provider-api-changelog.md says what changed per version.
 *
 * Both sides use this file: the extension (src/protocol/page.ts re-exports
 * it) and `@atkeyring/sdk`, which publishes it. It lives in the SDK's tree so
 * the published package stays self-contained. Keep it free of runtime
 * dependencies: no imports at all, no browser APIs, only constants and types.
 */

// ---- version and capabilities ------------------------------------------------

/**
 * The contract version a provider announces (`info.contractVersion`).
 * `major.minor`: a minor version only adds compatible extensions and refusals
 * of requests no honest site makes; a major version would break sites.
 * v1 (no `contractVersion` in `info`) is the original contract.
 */
export const CONTRACT_VERSION = '1.2';

/**
 * Extensions and behaviours a provider may announce in `info.capabilities`.
 * A site checks for a name instead of comparing versions or provider names.
 */
export const CAPABILITIES = /* @__PURE__ */ Object.freeze([
  /** `noPrompt: true` on `atproto_xrpc` / `atproto_serviceAuth`: 4100 instead of a prompt. */
  'noPrompt',
  /** `did` on `atproto_xrpc` / `atproto_serviceAuth`: act as another connected account. */
  'did',
  /** `labelers` on `atproto_xrpc`: the `atproto-accept-labelers` header. */
  'labelers',
  /** Stable `error.data.reason` strings (see {@link ERROR_REASONS}). */
  'error.data.reason',
  /** Method names only in their canonical spelling and HTTP method; repo writes with a readable JSON body. */
  'canonical-methods',
  /** A prompt (and a data-changing call) belongs to one request: a re-used id with other content is refused. */
  'prompt-binding',
  /** One consent window per tab, a cooldown after a rejection, approve buttons held briefly. */
  'prompt-limits',
  /** Only secure origins (https, or http on loopback) with a real (not opaque) origin. */
  'secure-origins',
  /** 1.2: `body` on `atproto_xrpc` may be a `Blob` or `File` (an upload straight from a file input). */
  'blob-body',
] as const);
export type Capability = (typeof CAPABILITIES)[number];

// ---- discovery ---------------------------------------------------------------

/** Dispatched on `window` by a provider, with `detail: { info, provider }` (EIP-6963 style). */
export const ANNOUNCE_EVENT = 'atproto:announceProvider';
/** Dispatched on `window` by a page to make every provider announce itself again. */
export const REQUEST_EVENT = 'atproto:requestProvider';
/** AT Keyring's reverse-DNS id (`info.rdns`). */
export const ATKEYRING_RDNS = 'dev.atkeyring';

/** The `info` of an `atproto:announceProvider` event. */
export interface ProviderInfo {
  /** Fresh per page load; distinguishes two announcements of one provider from two providers. */
  uuid: string;
  name: string;
  /** A `data:` URI. */
  icon: string;
  /** Reverse-DNS id of the provider, stable across loads (AT Keyring: `dev.atkeyring`). */
  rdns: string;
  /** The contract version the provider implements, e.g. `'1.2'`. Absent: v1. */
  contractVersion?: string;
  /**
   * Extensions the provider supports ({@link CAPABILITIES}). Absent: unknown
   * (a v1 provider). Other providers may list names this version does not know.
   */
  capabilities?: readonly string[];
}

// ---- methods -----------------------------------------------------------------

/** The methods of `provider.request({ method, params })`. Names are case-sensitive. */
export const PROVIDER_METHODS = /* @__PURE__ */ Object.freeze([
  'atproto_connect',
  'atproto_accounts',
  'atproto_disconnect',
  'atproto_xrpc',
  'atproto_serviceAuth',
] as const);
export type ProviderMethod = (typeof PROVIDER_METHODS)[number];

/** What the extension injects (`window.atproto`) and announces. */
export interface AtprotoProvider {
  /** Set by AT Keyring; other providers may leave it out. */
  readonly isAtKeyring?: boolean;
  request(args: { method: string; params?: unknown }): Promise<unknown>;
  on(event: ProviderEventName, listener: (data: unknown) => void): unknown;
  removeListener(event: ProviderEventName, listener: (data: unknown) => void): unknown;
}

/** One announced provider: the `detail` of an `atproto:announceProvider` event. */
export interface ProviderDetail {
  info: ProviderInfo;
  provider: AtprotoProvider;
}

// ---- params and results ---------------------------------------------------------

/** `atproto_connect` params. */
export interface ConnectParams {
  /** ATProto scope string, e.g. `atproto repo:app.bsky.feed.post?action=create`. */
  scope?: string;
  /** DID or handle to connect (pre-selects the account in the picker). */
  account?: string;
}

/** `atproto_connect` result. */
export interface ConnectResult {
  did: string;
  handle: string;
  /** The account's PDS URL. */
  pds: string;
  /** The scope the site now holds for this account. */
  scope: string;
}

/** An item of the `atproto_accounts` result and of `accountsChanged`. */
export interface AccountSummary {
  did: string;
  handle: string;
}

export type QueryValue = string | number | boolean;
export type QueryParams = Record<string, QueryValue | QueryValue[] | undefined>;

/** `atproto_xrpc` params. */
export interface XrpcRequest {
  nsid: string;
  /** Defaults to the method's own HTTP method when the provider knows it, else POST with a body and GET without. */
  method?: 'GET' | 'POST';
  params?: QueryParams;
  /** JSON data, a string (with a non-JSON `encoding`), or bytes. */
  body?: unknown;
  /** The request's content type; defaults to JSON, or octet-stream for bytes. */
  encoding?: string;
  /** An `atproto-proxy` value: `did:…#service_id`. */
  proxy?: string;
  /** Extension (`noPrompt`): reject with 4100 instead of prompting when the call is outside the grant. */
  noPrompt?: boolean;
  /** Extension (`did`): act as this connected account instead of the site's current one. */
  did?: string;
  /** Extension (`labelers`): the `atproto-accept-labelers` header value (e.g. `did:plc:abc;redact, did:plc:def`). */
  labelers?: string;
}

/**
 * `atproto_xrpc` result: the PDS's answer. Non-2xx statuses are results, not
 * rejections. `body` is parsed JSON for JSON responses, a string for text, a
 * Uint8Array for binary, and null when empty.
 */
export interface XrpcResult<T = unknown> {
  status: number;
  headers: { 'content-type'?: string };
  body: T;
}

/** `atproto_serviceAuth` params. */
export interface ServiceAuthRequest {
  /** The service DID the token is for (optionally with a `#service` fragment). */
  aud: string;
  /** The one XRPC method the token is for. Required since 1.1 (4100 without it). */
  lxm?: string;
  /** Expiry, in seconds since the epoch. */
  exp?: number;
  noPrompt?: boolean;
  did?: string;
}

/** `atproto_serviceAuth` result. */
export interface ServiceAuthResult {
  /** A JWT signed with the account's atproto key; see `@atkeyring/sdk/verify`. */
  token: string;
}

/** Each method's params and result. */
export interface ProviderMethods {
  atproto_connect: { params: ConnectParams | undefined; result: ConnectResult };
  atproto_accounts: { params: undefined; result: AccountSummary[] };
  atproto_disconnect: { params: undefined; result: null };
  atproto_xrpc: { params: XrpcRequest; result: XrpcResult };
  atproto_serviceAuth: { params: ServiceAuthRequest; result: ServiceAuthResult };
}

// ---- events -----------------------------------------------------------------------

export type ProviderEventName = 'accountsChanged' | 'disconnect';

/** Payload of the `disconnect` event: why the session behind the grant ended. */
export type DisconnectEvent = ProviderErrorShape;

/** Event names and their payloads. */
export interface ProviderEvents {
  accountsChanged: AccountSummary[];
  disconnect: DisconnectEvent;
}

// ---- errors -----------------------------------------------------------------------

/** Error codes a provider rejects with (EIP-1193 style). */
export const ErrorCode = /* @__PURE__ */ Object.freeze({
  userRejected: 4001,
  unauthorized: 4100,
  unsupportedMethod: 4200,
  sessionGone: 4900,
  promptPending: -32002,
  rateLimited: -32005,
  invalidParams: -32602,
  internal: -32603,
} as const);
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The plain shape of a provider error (also the `disconnect` event payload). */
export interface ProviderErrorShape {
  code: number;
  message: string;
  data?: unknown;
}

/**
 * The stable `error.data.reason` strings and the code each comes with.
 * Messages are for people and may change; reasons are for code.
 */
export const ERROR_REASONS = /* @__PURE__ */ Object.freeze({
  /** The user pressed Deny. */
  denied: ErrorCode.userRejected,
  /** The user closed the consent window. */
  closed: ErrorCode.userRejected,
  /** Nobody answered the prompt in time (5 minutes). */
  expired: ErrorCode.userRejected,
  /** 1.1: the user just rejected this site; `data.retryAfterMs` says when to ask again. */
  cooldown: ErrorCode.userRejected,
  /** 1.1: another site's consent window is open in this tab. */
  'tab-busy': ErrorCode.promptPending,
  /** 1.1: the request id belongs to a different pending or completed request. */
  'id-reused': ErrorCode.invalidParams,
  /** 1.1: a known method in another letter case; use its canonical name. */
  'method-case': ErrorCode.invalidParams,
  /** 1.1: a known method called with the other HTTP method. */
  'http-method': ErrorCode.invalidParams,
  /** 1.1: a GET call with a body. */
  'get-body': ErrorCode.invalidParams,
  /** 1.1: a repo write without a JSON object body naming its collections (and write types). */
  'repo-write-body': ErrorCode.invalidParams,
  /** 1.1: binary values inside a JSON body. */
  'binary-in-json': ErrorCode.invalidParams,
  /** 1.1: JSON data (not a string or bytes) under a non-JSON encoding. */
  'body-encoding': ErrorCode.invalidParams,
  /** 1.2: a Blob or File body that cannot be read (deleted or changed on disk since it was picked). */
  'file-unreadable': ErrorCode.invalidParams,
  /** The PDS did not answer in time, or the extension did not. */
  timeout: ErrorCode.internal,
  /** The PDS could not be reached. */
  network: ErrorCode.internal,
  /** The extension restarted during a data-changing call: it may or may not have been applied. */
  interrupted: ErrorCode.internal,
  /** 1.1: a re-sent data-changing call was applied, but its answer was too large to keep. */
  'replay-unavailable': ErrorCode.internal,
  /** The answer is too large to pass to the page. */
  'too-large': ErrorCode.internal,
  /** The extension's background could not be reached. */
  unavailable: ErrorCode.internal,
  /**
   * 1.1: the user made AT Keyring available only to the sites they allow, and this origin is not one of them
   * (seen by a page that still has the provider from before the switch; other pages have no provider).
   */
  'site-not-allowed': ErrorCode.unauthorized,
} as const);
export type ErrorReason = keyof typeof ERROR_REASONS;

// ---- limits -------------------------------------------------------------------------

/** Limits a site can hit with one request (beyond them: -32602, or -32603 `too-large` for results). */
export const LIMITS = /* @__PURE__ */ Object.freeze({
  /** Longest request id a page may use. */
  maxIdLength: 64,
  maxMethodLength: 64,
  /** Nesting depth of any JSON value a page sends. */
  maxDepth: 32,
  /** Total size of the non-binary part of a request (UTF-16 code units of its JSON). */
  maxJsonChars: 1_000_000,
  /** The same for a result passed back to the page (PDS answers can be large lists). */
  maxResultJsonChars: 16_000_000,
  /** Largest binary body (blob upload) a page may send, and the broker returns. */
  maxBinaryBytes: 32 * 1024 * 1024,
  /** Keys in one object / items in one array. */
  maxEntries: 10_000,
} as const);
