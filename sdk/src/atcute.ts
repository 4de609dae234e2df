/**
 * `@atcute/client` adapter: a fetch handler that sends every request through
 * the provider, so `new Client({ handler })` works unchanged while the page
 * never holds a token.
 *
 * What `@atcute/client` 5 hands its handler (checked against 5.1): a relative
 * `/xrpc/<nsid>?<query>` path; `init.headers` as a plain object or `Headers`
 * (`content-type`, and `atproto-proxy` when the client is given a `proxy`);
 * JSON bodies as strings, blobs as the caller's `Blob`/bytes. It reads the
 * answer as an ordinary `Response`: statuses and error bodies pass through.
 *
 * No import of `@atcute/client`: the handler's type is structural, so the SDK
 * stays dependency-free and works with any 5.x.
 */
import type { KeyringClient } from './client.js';
import { keyringFetch } from './fetch.js';

/** Structurally `@atcute/client`'s `FetchHandler`. */
export type AtcuteFetchHandler = (pathname: string, init: RequestInit) => Promise<Response>;

export interface AtcuteHandlerOptions {
  /** Act as this connected account. Default: the client's current account, followed as it changes. */
  did?: string;
  /** Reject with 4100 instead of prompting when a call is outside the site's grant. */
  noPrompt?: boolean;
}

/** `new Client({ handler: createAtcuteHandler(keyring) })`. */
export function createAtcuteHandler(client: KeyringClient, options: AtcuteHandlerOptions = {}): AtcuteFetchHandler {
  return (pathname, init) =>
    keyringFetch(client, pathname, init, { did: options.did ?? client.account?.did, noPrompt: options.noPrompt });
}
