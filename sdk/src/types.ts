/**
 * The provider contract (see PROVIDER_API.md), restated as types so the SDK
 * compiles without the extension's sources.
 */
import type { ProviderErrorShape } from './errors.js';

/** What the extension injects (`window.atproto`) and announces. */
export interface AtprotoProvider {
  /** Set by AT Keyring; other providers may leave it out. */
  readonly isAtKeyring?: boolean;
  request(args: { method: string; params?: unknown }): Promise<unknown>;
  on(event: ProviderEventName, listener: (data: unknown) => void): unknown;
  removeListener(event: ProviderEventName, listener: (data: unknown) => void): unknown;
}

export type ProviderEventName = 'accountsChanged' | 'disconnect';

/** The `info` of an `atproto:announceProvider` event. */
export interface ProviderInfo {
  /** Fresh per page load; distinguishes two announcements of one provider from two providers. */
  uuid: string;
  name: string;
  /** A `data:` URI. */
  icon: string;
  /** Reverse-DNS id of the provider, stable across loads (AT Keyring: `dev.atkeyring`). */
  rdns: string;
}

/** One announced provider. */
export interface ProviderDetail {
  info: ProviderInfo;
  provider: AtprotoProvider;
}

export interface ConnectParams {
  /** ATProto scope string, e.g. `atproto repo:app.bsky.feed.post?action=create`. */
  scope?: string;
  /** DID or handle to connect (pre-selects the account in the picker). */
  account?: string;
}

export interface ConnectResult {
  did: string;
  handle: string;
  /** The account's PDS URL. */
  pds: string;
  /** The scope the site now holds for this account. */
  scope: string;
}

export interface AccountSummary {
  did: string;
  handle: string;
}

export type QueryValue = string | number | boolean;
export type QueryParams = Record<string, QueryValue | QueryValue[] | undefined>;

export interface XrpcRequest {
  nsid: string;
  /** Defaults to POST when there is a body, GET otherwise. */
  method?: 'GET' | 'POST';
  params?: QueryParams;
  /** JSON data, a string (with a non-JSON `encoding`), or bytes. */
  body?: unknown;
  /** The request's content type; defaults to JSON, or octet-stream for bytes. */
  encoding?: string;
  /** An `atproto-proxy` value: `did:…#service_id`. */
  proxy?: string;
  /** Reject with 4100 instead of prompting when the call is outside the grant. */
  noPrompt?: boolean;
  /** Act as this connected account instead of the site's current one. */
  did?: string;
  /** The `atproto-accept-labelers` header value (e.g. `did:plc:abc;redact, did:plc:def`). */
  labelers?: string;
}

/**
 * The PDS's answer. Non-2xx statuses are results, not rejections. `body` is
 * parsed JSON for JSON responses, a string for text, a Uint8Array for
 * binary, and null when empty.
 */
export interface XrpcResult<T = unknown> {
  status: number;
  headers: { 'content-type'?: string };
  body: T;
}

export interface ServiceAuthRequest {
  /** The service DID the token is for (optionally with a `#service` fragment). */
  aud: string;
  /** Restrict the token to one XRPC method. */
  lxm?: string;
  /** Expiry, in seconds since the epoch. */
  exp?: number;
  noPrompt?: boolean;
  did?: string;
}

export interface ServiceAuthResult {
  /** A JWT signed with the account's atproto key; see `@atkeyring/sdk/verify`. */
  token: string;
}

/** Payload of the `disconnect` event: why the session behind the grant ended. */
export type DisconnectEvent = ProviderErrorShape;

/** Event names and payloads of {@link KeyringClient.on}. */
export interface KeyringEvents {
  accountsChanged: AccountSummary[];
  disconnect: DisconnectEvent;
}
