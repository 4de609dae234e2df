/**
 * `@atproto/api` adapter: a SessionManager whose fetchHandler sends every
 * request through the provider, so `new Agent(session)` works unchanged while
 * the page never holds a token.
 *
 * What Agent hands a SessionManager's fetchHandler (checked against
 * @atproto/api 0.19 / @atproto/xrpc 0.7):
 * - `url` is relative: `/xrpc/<nsid>?<query>`; repeated keys for arrays.
 * - `init.headers` is a `Headers` object. Agent always adds
 *   `atproto-accept-labelers`, and `atproto-proxy` when configured
 *   (`agent.withProxy(...)` / `configureProxy`). Only `content-type` and
 *   `atproto-proxy` can cross to the extension; other headers are dropped.
 * - `init.body` is already encoded: JSON and text as UTF-8 `Uint8Array`s,
 *   binary data (uploadBlob) as the caller's `Uint8Array`/`ArrayBuffer`/`Blob`,
 *   iterables as a `ReadableStream`, strings as strings.
 * - Anything the handler throws reaches the caller wrapped in an `XRPCError`
 *   with the original as `cause` (use `findKeyringError`).
 *
 * This is the only module that imports `@atproto/api`, so the core SDK stays
 * dependency-free.
 */
import { Agent } from '@atproto/api';
import type { KeyringClient } from './client.js';
import { keyringFetch } from './fetch.js';
import type { ConnectParams } from './types.js';

export { keyringFetch, toResponse, toXrpcRequest } from './fetch.js';

/** Structurally an `@atproto/api` SessionManager (which the package does not export by name). */
export interface KeyringSession {
  /** The DID the Agent acts as (`agent.did`, the `repo` of writes). */
  readonly did: string | undefined;
  fetchHandler(url: string, init: RequestInit): Promise<Response>;
}

export interface AgentSessionOptions {
  /**
   * Act as this connected account. Default: the client's current account,
   * followed as it changes (accountsChanged).
   */
  did?: string;
  /** Reject with 4100 instead of prompting when a call is outside the site's grant. */
  noPrompt?: boolean;
}

/** Wraps a KeyringClient as an `@atproto/api` SessionManager: `new Agent(createAgentSession(client))`. */
export function createAgentSession(client: KeyringClient, options: AgentSessionOptions = {}): KeyringSession {
  const session: KeyringSession = {
    get did() {
      return options.did ?? client.account?.did;
    },
    fetchHandler: (url, init) => keyringFetch(client, url, init, { did: session.did, noPrompt: options.noPrompt }),
  };
  return session;
}

/**
 * Connects (prompting if needed) and returns an Agent pinned to the account
 * the user picked.
 */
export async function connectAgent(
  client: KeyringClient,
  params: ConnectParams & { noPrompt?: boolean } = {},
): Promise<Agent> {
  const { noPrompt, ...connect } = params;
  const { did } = await client.connect(connect);
  return new Agent(createAgentSession(client, { did, noPrompt }));
}
