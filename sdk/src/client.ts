/**
 * KeyringClient: a typed wrapper over one provider. It turns rejections into
 * typed errors, checks the shape of results (the provider is another
 * extension's code running in the page), and keeps track of the site's
 * current account so adapters (see `./agent`) know which DID they act as.
 */

import { CONTRACT_VERSION, type ProviderMethod } from './contract.js';
import { type FindProviderOptions, findProvider, supportsCapability } from './discovery.js';
import {
  ErrorCode,
  fromProviderError,
  InternalError,
  ProviderNotFoundError,
  ProviderUnsupportedError,
} from './errors.js';
import type {
  AccountSummary,
  AtprotoProvider,
  ConnectParams,
  ConnectResult,
  DisconnectEvent,
  KeyringEvents,
  ProviderEventName,
  ProviderInfo,
  ServiceAuthRequest,
  ServiceAuthResult,
  XrpcRequest,
  XrpcResult,
} from './types.js';

export type KeyringEventName = keyof KeyringEvents;
export type KeyringListener<E extends KeyringEventName> = (payload: KeyringEvents[E]) => void;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function asAccounts(value: unknown): AccountSummary[] {
  if (!Array.isArray(value)) throw new InternalError('The provider returned malformed accounts');
  return value.flatMap((a) =>
    isObject(a) && typeof a.did === 'string' && typeof a.handle === 'string' ? [{ did: a.did, handle: a.handle }] : [],
  );
}

export interface DiscoverOptions extends FindProviderOptions {
  /**
   * Capabilities the site cannot do without (names from `CAPABILITIES`, e.g. 'noPrompt'): a provider that does
   * not list one is refused with {@link ProviderUnsupportedError}. A provider from the `window.atproto` fallback
   * announces none.
   */
  requires?: readonly string[];
}

const major = (version: string) => version.split('.')[0];

export class KeyringClient {
  readonly provider: AtprotoProvider;
  /** The announcement's info; absent when the provider came from `window.atproto`. */
  readonly info?: ProviderInfo;

  #account: AccountSummary | undefined;
  readonly #listeners: { [E in KeyringEventName]: Set<KeyringListener<E>> } = {
    accountsChanged: new Set(),
    disconnect: new Set(),
  };

  constructor(provider: AtprotoProvider, info?: ProviderInfo) {
    this.provider = provider;
    if (info) this.info = info;
    // Subscribe once, up front: this keeps `account` current and asks the
    // extension to route events to this frame.
    this.#subscribe('accountsChanged', (data) => {
      const accounts = Array.isArray(data) ? asAccounts(data) : [];
      this.#account = accounts[0];
      this.#emit('accountsChanged', accounts);
    });
    this.#subscribe('disconnect', (data) => {
      const d = isObject(data) ? data : {};
      const event: DisconnectEvent = {
        code: typeof d.code === 'number' ? d.code : ErrorCode.sessionGone,
        message: typeof d.message === 'string' ? d.message : 'Disconnected',
        ...(d.data !== undefined ? { data: d.data } : {}),
      };
      this.#emit('disconnect', event);
    });
  }

  /**
   * Finds a provider (see {@link findProvider}) and wraps it, after checking its contract: the same major
   * version as this SDK's, and every capability in `requires`. Throws {@link ProviderNotFoundError} when none
   * answers, {@link ProviderUnsupportedError} when the one found falls short.
   */
  static async discover(options: DiscoverOptions = {}): Promise<KeyringClient> {
    const { provider, info } = await findProvider(options);
    const version = info?.contractVersion ?? '1';
    if (major(version) !== major(CONTRACT_VERSION)) {
      throw new ProviderUnsupportedError(
        `The provider implements contract ${version}; this SDK speaks ${CONTRACT_VERSION}`,
        version,
        [],
      );
    }
    const missing = (options.requires ?? []).filter((capability) => !supportsCapability(info, capability));
    if (missing.length > 0) {
      throw new ProviderUnsupportedError(`The provider lacks ${missing.join(', ')}`, version, missing);
    }
    return new KeyringClient(provider, info);
  }

  /**
   * {@link discover}, but null when no provider is installed, so a site can tell the user or use its own OAuth
   * client instead (the SDK README's "When no provider is installed").
   */
  static async detect(options: DiscoverOptions = {}): Promise<KeyringClient | null> {
    try {
      return await KeyringClient.discover(options);
    } catch (err) {
      if (err instanceof ProviderNotFoundError) return null;
      throw err;
    }
  }

  /** Whether the provider announced this capability (false for a v1 provider, which announces none). */
  supports(capability: string): boolean {
    return supportsCapability(this.info, capability);
  }

  /**
   * The site's current account as last seen (from connect, accounts or
   * accountsChanged); the extension lists the current account first.
   */
  get account(): AccountSummary | undefined {
    return this.#account;
  }

  /** Calls a provider method, mapping rejections to typed errors. */
  async request(method: string, params?: unknown): Promise<unknown> {
    try {
      return await this.provider.request(params === undefined ? { method } : { method, params });
    } catch (e) {
      throw fromProviderError(e);
    }
  }

  /** A contract method (the name is checked against the contract at compile time). */
  #call(method: ProviderMethod, params?: unknown): Promise<unknown> {
    return this.request(method, params);
  }

  /** Asks the user to connect an account (no prompt if an existing grant covers the scope). */
  async connect(params: ConnectParams = {}): Promise<ConnectResult> {
    const r = await this.#call('atproto_connect', stripUndefined({ scope: params.scope, account: params.account }));
    if (
      !isObject(r) ||
      typeof r.did !== 'string' ||
      typeof r.handle !== 'string' ||
      typeof r.pds !== 'string' ||
      typeof r.scope !== 'string'
    ) {
      throw new InternalError('The provider returned a malformed connect result');
    }
    const result: ConnectResult = { did: r.did, handle: r.handle, pds: r.pds, scope: r.scope };
    this.#account = { did: result.did, handle: result.handle };
    return result;
  }

  /** Accounts connected to this site, current first. Never prompts. */
  async accounts(): Promise<AccountSummary[]> {
    const accounts = asAccounts(await this.#call('atproto_accounts'));
    this.#account = accounts[0];
    return accounts;
  }

  /** Removes this site's grant. */
  async disconnect(): Promise<void> {
    await this.#call('atproto_disconnect');
    this.#account = undefined;
  }

  /** Makes one XRPC call as the connected account. Non-2xx answers resolve; see {@link XrpcResult}. */
  async xrpc<T = unknown>(call: XrpcRequest): Promise<XrpcResult<T>> {
    const { nsid, method, params, body, encoding, proxy, noPrompt, did, labelers } = call;
    const r = await this.#call(
      'atproto_xrpc',
      stripUndefined({
        nsid,
        method,
        params: params && stripUndefined(params),
        body,
        encoding,
        proxy,
        noPrompt,
        did,
        labelers,
      }),
    );
    if (!isObject(r) || typeof r.status !== 'number')
      throw new InternalError('The provider returned a malformed XRPC result');
    const headers =
      isObject(r.headers) && typeof r.headers['content-type'] === 'string'
        ? { 'content-type': r.headers['content-type'] }
        : {};
    return { status: r.status, headers, body: (r.body ?? null) as T };
  }

  /** Gets a service-auth JWT for `aud`, signed with the account's atproto key. */
  async serviceAuth(params: ServiceAuthRequest): Promise<ServiceAuthResult> {
    const { aud, lxm, exp, noPrompt, did } = params;
    const r = await this.#call('atproto_serviceAuth', stripUndefined({ aud, lxm, exp, noPrompt, did }));
    if (!isObject(r) || typeof r.token !== 'string')
      throw new InternalError('The provider returned a malformed service-auth result');
    return { token: r.token };
  }

  /** Subscribes to an event; returns a function that unsubscribes. */
  on<E extends KeyringEventName>(event: E, listener: KeyringListener<E>): () => void {
    this.#listeners[event].add(listener);
    return () => this.off(event, listener);
  }

  off<E extends KeyringEventName>(event: E, listener: KeyringListener<E>): void {
    this.#listeners[event].delete(listener);
  }

  #subscribe(event: ProviderEventName, handler: (data: unknown) => void): void {
    this.provider.on(event, handler);
  }

  #emit<E extends KeyringEventName>(event: E, payload: KeyringEvents[E]): void {
    for (const listener of [...this.#listeners[event]]) {
      // One failing listener must not starve the others.
      try {
        listener(payload);
      } catch (err) {
        console.error(err);
      }
    }
  }
}

/**
 * Drops undefined fields so requests carry only what was set. (Fields are
 * also picked explicitly above: the extension rejects unknown fields.)
 */
function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
