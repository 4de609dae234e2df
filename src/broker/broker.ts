import { isAtprotoOauthScope } from '@atproto/oauth-scopes';
import { AccountError } from '../accounts/errors';
import type { Keyring } from '../accounts/keyring';
import type { CallObserver, CallOutcome, CallReport } from '../activity/call-report';
import { type BlobPreviews, PREVIEW_MAX_BYTES } from '../consent/blob-previews';
import type { TabIconRef } from '../consent/site-icon';
import { describeRequirement } from '../permissions/describe';
import {
  type CallPolicy,
  isAllowed,
  policyForIntent,
  policyForServiceAuth,
  type Requirement,
  scopesFor,
  stillNeeded,
} from '../permissions/requirements';
import { mayRemember } from '../permissions/risk';
import { parseRequestedScope, type ScopeRequestError, scopeCovers } from '../permissions/scopes';
import {
  type AccountSummary,
  type ConnectResult,
  connectParams,
  ErrorCode,
  fromWire,
  isPageMethod,
  type PageResponse,
  ProviderRpcError,
  pageRequestEnvelope,
  readBlobs,
  serviceAuthParams,
  type XrpcParams,
  type XrpcResult,
  xrpcParams,
} from '../protocol/page';
import { SchemaError } from '../protocol/schema';
import type { AccountRecord, GrantRecord, KeyringDB } from '../storage/db';
import { expiryFor } from './grant-expiry';
import type { GrantStore } from './grants';
import { displayedIntent, intentDigest, parseXrpcIntent, serviceAuthIntent, type XrpcIntent } from './intent';
import { RequestLedger } from './ledger';
import type { PromptManager } from './prompts';
import type { OriginRateLimiter } from './rate-limit';
import type { SiteEvents } from './site-events';
import { executeXrpc, type FetchHandlerSession, XRPC_TIMEOUT_MS } from './xrpc';

export { LEDGER_MAX_RESPONSE_BYTES } from './ledger';

/** What the browser says about where a request comes from (never the page's message). */
export interface RequestContext {
  tabId?: number;
  frameId?: number;
  /** The origin of the tab's top-level document, when the request comes from a frame of another origin. */
  topOrigin?: string;
  /** The tab's icon as the browser reports it, when the request comes from the tab's own site. */
  tabIcon?: TabIconRef;
}

export interface BrokerDeps {
  db: KeyringDB;
  keyring: Keyring;
  grants: GrantStore;
  prompts: PromptManager;
  events: SiteEvents;
  limiter: OriginRateLimiter;
  /** Keeps what the account uploads, for the consent window's image previews. */
  previews?: BlobPreviews;
  /** Told about every call that reached an account's grant (src/activity/call-report.ts). */
  observers?: readonly CallObserver[];
  now?: () => number;
  xrpcTimeoutMs?: number;
}

/**
 * Answers website requests (docs/provider-api.md). The origin always comes
 * from the browser (the caller passes the sender's origin), never from the
 * message. Every request gets an answer: a result or an error with a code.
 */
export class Broker {
  private readonly now: () => number;
  private readonly ledger: RequestLedger;

  constructor(private readonly deps: BrokerDeps) {
    this.now = deps.now ?? Date.now;
    this.ledger = new RequestLedger(deps.db, this.now);
  }

  async handle(origin: string, raw: unknown, context: RequestContext = {}): Promise<PageResponse> {
    let release: (() => void) | null = null;
    try {
      if (!isWebOrigin(origin))
        throw new ProviderRpcError(ErrorCode.unauthorized, 'Only http(s) pages can use AT Keyring');
      const envelope = pageRequestEnvelope(raw);
      release = this.deps.limiter.acquire(origin);
      if (!release) throw new ProviderRpcError(ErrorCode.rateLimited, 'Too many requests from this site; slow down');
      if (!isPageMethod(envelope.method)) {
        throw new ProviderRpcError(ErrorCode.unsupportedMethod, `Unknown method "${envelope.method.slice(0, 64)}"`);
      }
      const params = envelope.params === undefined ? {} : await decodeParams(envelope.method, envelope.params);
      switch (envelope.method) {
        case 'atproto_connect':
          return { result: await this.connect(origin, envelope.id, connectParams(params, 'params'), context) };
        case 'atproto_accounts':
          return { result: await this.accountsFor(origin) };
        case 'atproto_disconnect':
          return { result: await this.disconnect(origin) };
        case 'atproto_xrpc':
          return { result: await this.xrpc(origin, envelope.id, xrpcParams(params, 'params'), context) };
        case 'atproto_serviceAuth':
          return { result: await this.serviceAuth(origin, envelope.id, serviceAuthParams(params, 'params'), context) };
      }
      throw new ProviderRpcError(ErrorCode.unsupportedMethod, 'Unknown method');
    } catch (err) {
      return { error: toProviderError(err) };
    } finally {
      release?.();
    }
  }

  // ---- methods -------------------------------------------------------------

  private async connect(
    origin: string,
    requestId: string,
    params: ReturnType<typeof connectParams>,
    context: RequestContext,
  ): Promise<ConnectResult> {
    let tokens: string[];
    try {
      tokens = parseRequestedScope(params.scope);
    } catch (err) {
      throw new ProviderRpcError(ErrorCode.invalidParams, (err as ScopeRequestError).message);
    }
    const { accounts } = await this.deps.keyring.listAccounts();
    const wanted = params.account ? findAccount(accounts, params.account) : undefined;

    // An existing grant that already covers the request answers without a prompt.
    const grants = await this.deps.grants.forOrigin(origin);
    // An account the site named but the keyring lacks is for the user to settle.
    const candidates = params.account ? grants.filter((g) => g.did === wanted?.did) : grants;
    for (const grant of candidates) {
      const account = accounts.find((a) => a.did === grant.did);
      if (account?.health.state === 'ok' && scopeCovers(grant.scope, tokens)) {
        const wasCurrent = grants[0]?.did === grant.did;
        await this.deps.grants.select(origin, grant.did);
        if (!wasCurrent) await this.emitAccounts(origin);
        return connectResult(account, grant);
      }
    }

    const { decision, details } = await this.deps.prompts.ask(
      origin,
      requestId,
      { kind: 'connect', scope: tokens, account: wanted?.did ?? params.account },
      {
        digest: await intentDigest('atproto_connect', '', { scope: tokens, account: params.account }),
        tabId: context.tabId,
        topOrigin: context.topOrigin,
        tabIcon: context.tabIcon,
      },
    );
    if (decision.outcome === 'reject') throw rejection(decision.reason);
    if (details.kind !== 'connect') throw new ProviderRpcError(ErrorCode.internal, 'Prompt mismatch');
    const account =
      accounts.find((a) => a.did === decision.did) ??
      (decision.did ? await this.deps.keyring.getAccount(decision.did).catch(() => undefined) : undefined);
    if (!account) throw new ProviderRpcError(ErrorCode.userRejected, 'No account was chosen');
    // The window lists only accounts whose session works; a decision naming another is not one it offered.
    if (account.health.state !== 'ok')
      throw new ProviderRpcError(ErrorCode.sessionGone, 'The chosen account needs to sign in again');
    // The grant gets exactly what the consent window displayed, for as long as the user chose.
    const grant = await this.deps.grants.extend(origin, account.did, details.scope, {
      grant: { expiresAt: expiryFor(decision.duration, this.now()) },
    });
    await this.emitAccounts(origin);
    return connectResult(account, grant);
  }

  async accountsFor(origin: string): Promise<AccountSummary[]> {
    const grants = await this.deps.grants.forOrigin(origin);
    const { accounts } = await this.deps.keyring.listAccounts();
    return grants.flatMap((g) => {
      const account = accounts.find((a) => a.did === g.did);
      return account ? [{ did: account.did, handle: account.handle }] : [];
    });
  }

  private async disconnect(origin: string): Promise<null> {
    if (await this.deps.grants.revokeOrigin(origin)) await this.emitAccounts(origin);
    return null;
  }

  private async xrpc(
    origin: string,
    requestId: string,
    call: XrpcParams,
    context: RequestContext,
  ): Promise<XrpcResult> {
    // Parsed once: the policy judges, the window shows and the PDS receives this one value.
    const intent = parseXrpcIntent(call);
    const admitted = await this.authorize(
      origin,
      requestId,
      context,
      { method: 'atproto_xrpc', intent, did: call.did, noPrompt: call.noPrompt },
      (grant) => policyForIntent(intent, grant.scope),
    );
    const { account, digest } = admitted;
    const result = await this.reported(origin, 'atproto_xrpc', intent, admitted, async () => {
      const run = async () =>
        this.withSession(account, (session) =>
          executeXrpc(session, intent, this.deps.xrpcTimeoutMs ?? XRPC_TIMEOUT_MS),
        );
      return intent.httpMethod === 'POST' ? await this.ledger.once(`${origin} ${requestId}`, digest, run) : await run();
    });
    if (result.status === 401) await this.assertSessionAlive(account);
    if (intent.nsid === 'com.atproto.repo.uploadBlob' && intent.body.kind === 'bytes' && result.status === 200) {
      void this.deps.previews?.uploaded(account.did, intent.body.data);
    }
    return result;
  }

  private async serviceAuth(
    origin: string,
    requestId: string,
    params: ReturnType<typeof serviceAuthParams>,
    context: RequestContext,
  ) {
    const intent = serviceAuthIntent(params);
    const admitted = await this.authorize(
      origin,
      requestId,
      context,
      { method: 'atproto_serviceAuth', intent, did: params.did, noPrompt: params.noPrompt },
      () => policyForServiceAuth(params),
    );
    const { account } = admitted;
    const result = await this.reported(origin, 'atproto_serviceAuth', intent, admitted, async () =>
      this.withSession(account, (session) => executeXrpc(session, intent)),
    );
    const body = result.body as { token?: unknown; error?: string; message?: string } | null;
    if (result.status === 200 && typeof body?.token === 'string') return { token: body.token };
    if (result.status === 401) await this.assertSessionAlive(account);
    throw new ProviderRpcError(
      result.status === 400 ? ErrorCode.invalidParams : ErrorCode.internal,
      `The PDS refused the service token: ${body?.message ?? body?.error ?? result.status}`,
      { status: result.status, error: body?.error },
    );
  }

  // ---- helpers -----------------------------------------------------------------

  private async currentGrant(origin: string, did?: string): Promise<{ grant: GrantRecord; account: AccountRecord }> {
    const grants = await this.deps.grants.forOrigin(origin);
    const grant = did ? grants.find((g) => g.did === did) : grants[0];
    if (!grant)
      throw new ProviderRpcError(ErrorCode.unauthorized, 'This site is not connected; call atproto_connect first');
    const account = await this.deps.keyring.getAccount(grant.did).catch(() => undefined);
    if (account?.health.state !== 'ok') {
      throw new ProviderRpcError(ErrorCode.sessionGone, 'The account session has ended; reconnect');
    }
    return { grant, account };
  }

  /**
   * Finds the grant of the account a call acts as and checks the call against it; outside it, asks the user
   * unless told not to. Returns the account and the call's digest, hashed only where a prompt or the ledger
   * needs it (a read inside the grant costs nothing more).
   */
  private async authorize(
    origin: string,
    requestId: string,
    context: RequestContext,
    call: { method: 'atproto_xrpc' | 'atproto_serviceAuth'; intent: XrpcIntent; did?: string; noPrompt?: boolean },
    policyFor: (grant: GrantRecord) => CallPolicy,
  ): Promise<Admitted> {
    const { intent, noPrompt } = call;
    const { grant, account } = await this.currentGrant(origin, call.did);
    this.deps.grants.touch(origin, account.did);
    const digest = lazy(() => intentDigest(call.method, account.did, intent));
    const policy = policyFor(grant);
    const admitted: Admitted = { account, digest, prompted: false, remembered: false };
    const method = intent.nsid;
    if (policy.kind === 'forbidden') {
      throw new ProviderRpcError(ErrorCode.unauthorized, `${method} is not available to websites (${policy.reason})`);
    }
    if (policy.kind === 'public') return admitted;
    // "Always ask before deleting" (allowAlwaysForDeletes off, the default): a delete asks even inside the grant.
    const asksAnyway =
      policy.requirements.some(isDelete) && !(await this.deps.keyring.settings()).allowAlwaysForDeletes
        ? isDelete
        : undefined;
    if (!asksAnyway && isAllowed(grant.scope, policy.requirements)) return admitted;
    if (noPrompt) {
      const why = asksAnyway ? 'deletions ask each time' : "outside this site's permissions";
      throw new ProviderRpcError(ErrorCode.unauthorized, `${method} is ${why}`);
    }
    // The window asks for what the grant lacks (and each delete, by the policy), each once; "Always" adds those.
    const needed = stillNeeded(grant.scope, policy.requirements, asksAnyway);
    const scopes = scopesFor(needed).filter((s) => isAtprotoOauthScope(s));
    const { decision, details } = await this.deps.prompts.ask(
      origin,
      requestId,
      {
        kind: 'call',
        did: account.did,
        method,
        summary: needed.map(describeRequirement),
        scopes,
        intent: await displayedIntent(intent),
      },
      {
        digest: await digest(),
        tabId: context.tabId,
        topOrigin: context.topOrigin,
        tabIcon: context.tabIcon,
        previewBytes: await previewableBytes(intent),
      },
    );
    if (decision.outcome === 'reject') {
      this.report({
        origin,
        did: account.did,
        method: call.method,
        intent,
        prompted: true,
        remembered: false,
        outcome: { kind: 'rejected', reason: decision.reason },
      });
      throw rejection(decision.reason);
    }
    let remembered = false;
    // "Always" adds exactly the scopes the consent window displayed; a delete, only if the user's settings
    // offer "always" for deletes (the window hides the button otherwise: this holds without the window).
    if (
      decision.remember &&
      details.kind === 'call' &&
      details.scopes.length === needed.length &&
      mayRemember(details.scopes, await this.deps.keyring.settings())
    ) {
      await this.deps.grants.extend(origin, account.did, details.scopes, {
        scopesExpireAt: expiryFor(decision.duration, this.now()),
      });
      remembered = true;
    }
    return { ...admitted, prompted: true, remembered };
  }

  /** Runs an admitted call and reports how it ended to the observers; the page's answer is unchanged. */
  private async reported(
    origin: string,
    method: CallReport['method'],
    intent: XrpcIntent,
    admitted: Admitted,
    run: () => Promise<XrpcResult>,
  ): Promise<XrpcResult> {
    const base = { origin, did: admitted.account.did, method, intent, prompted: admitted.prompted };
    let result: XrpcResult;
    try {
      result = await run();
    } catch (err) {
      // Classified without toProviderError, which logs: handle() does that once for the page's answer.
      const data = err instanceof ProviderRpcError ? (err.data as { reason?: unknown } | undefined) : undefined;
      const code = err instanceof ProviderRpcError ? err.code : ErrorCode.internal;
      const reason = typeof data?.reason === 'string' ? data.reason : undefined;
      this.report({ ...base, remembered: admitted.remembered, outcome: { kind: 'failed', code, reason } });
      throw err;
    }
    const outcome: CallOutcome = { kind: 'answered', status: result.status, result };
    this.report({ ...base, remembered: admitted.remembered, outcome });
    return result;
  }

  /**
   * Tells each observer about a call, without waiting: the page's answer does not wait for the activity log's
   * or the write alerts' storage (each orders its own work, and its readers wait for it).
   */
  private report(report: Omit<CallReport, 'at'>): void {
    const full: CallReport = { ...report, at: this.now() };
    for (const observe of this.deps.observers ?? []) {
      const failed = (err: unknown) => console.error('AT Keyring: a call observer failed', err);
      try {
        Promise.resolve(observe(full)).catch(failed);
      } catch (err) {
        failed(err);
      }
    }
  }

  /**
   * A call through the account's session. The session may end on the way (a token to renew that the server
   * no longer renews): the site is told the session is gone, whichever step found it.
   */
  private async withSession<T>(account: AccountRecord, call: (session: FetchHandlerSession) => Promise<T>) {
    try {
      return await call(await this.deps.keyring.session(account.did, account));
    } catch (err) {
      if (err instanceof AccountError && err.code === 'session-expired') {
        throw new ProviderRpcError(ErrorCode.sessionGone, 'The account session has ended; reconnect');
      }
      throw err;
    }
  }

  /** A 401 may mean the session died during the call (the keyring marks it): say so. */
  private async assertSessionAlive(account: AccountRecord) {
    const current = await this.deps.keyring.getAccount(account.did).catch(() => undefined);
    if (current?.health.state !== 'ok') {
      throw new ProviderRpcError(ErrorCode.sessionGone, 'The account session has ended; reconnect');
    }
  }

  async emitAccounts(origin: string) {
    await this.deps.events.emit(origin, { event: 'accountsChanged', data: await this.accountsFor(origin) });
  }

  // ---- reactions to keyring events ---------------------------------------------------

  /** An account's session ended (sign-out, revocation, expiry): tell its sites. */
  async sessionEnded(did: string, signedOut: boolean): Promise<void> {
    const origins = signedOut ? await this.deps.grants.removeAccount(did) : await this.deps.grants.originsOf(did);
    const message = signedOut ? 'The account was signed out of AT Keyring' : 'The account session has ended';
    for (const origin of new Set(origins)) {
      await this.deps.events.emit(origin, { event: 'disconnect', data: { code: ErrorCode.sessionGone, message } });
      await this.emitAccounts(origin);
    }
  }

  /** The user picked another active account: sites connected to it switch to it. */
  async activeAccountChanged(did: string): Promise<void> {
    for (const origin of await this.deps.grants.originsOf(did)) {
      const [current] = await this.deps.grants.forOrigin(origin);
      if (current?.did === did) continue;
      await this.deps.grants.select(origin, did);
      await this.emitAccounts(origin);
    }
  }

  /** The user revoked a site from the popup. */
  async revokeSite(origin: string): Promise<void> {
    await this.revokeGrants(origin);
  }

  /**
   * The user revoked a site's grant for one account, or for all (popup): the site hears that its accounts
   * changed, and `disconnect` once it has none left. Returns the one-time token that undoes it.
   */
  async revokeGrants(origin: string, did?: string): Promise<{ revoked: number; undoToken: string }> {
    const { rows, undoToken } = await this.deps.grants.revoke(origin, did);
    if ((await this.deps.grants.forOrigin(origin)).length === 0) {
      await this.deps.events.emit(origin, {
        event: 'disconnect',
        data: { code: ErrorCode.unauthorized, message: 'Access was revoked in AT Keyring' },
      });
    }
    await this.emitAccounts(origin);
    return { revoked: rows.length, undoToken };
  }

  /** The popup's undo of a revoke: the grants come back for accounts still signed in; their sites hear it. */
  async restoreGrants(undoToken: string): Promise<number> {
    const { accounts } = await this.deps.keyring.listAccounts();
    const restored = await this.deps.grants.restore(undoToken, (row) => accounts.some((a) => a.did === row.did));
    for (const origin of new Set(restored.map((r) => r.origin))) await this.emitAccounts(origin);
    return restored.length;
  }
}

/** A call the grant (or the user) let through: the account it acts as, and how it got there. */
interface Admitted {
  account: AccountRecord;
  digest: () => Promise<string>;
  prompted: boolean;
  remembered: boolean;
}

const isDelete = (r: Requirement) => r.kind === 'repo' && r.action === 'delete';

/**
 * A request's params off the wire. A call's file body stays the site's Blob (a Blob's bytes never change), read
 * only where something needs its bytes (src/broker/body-bytes.ts); a Blob anywhere else is read here, and is
 * then bytes inside JSON, which parsing refuses.
 */
async function decodeParams(method: string, params: unknown): Promise<unknown> {
  if (method !== 'atproto_xrpc') return fromWire(await readBlobs(params));
  const fileBody = 'params.body'; // `{ $bytes: Blob }` there is the call's file
  return fromWire(
    await readBlobs(params, 'params', (at) => at === `${fileBody}.$bytes`),
    'params',
    undefined,
    fileBody,
  );
}

/** A binary body small enough for the consent window to preview. */
async function previewableBytes(intent: XrpcIntent): Promise<Uint8Array | undefined> {
  return intent.body.kind === 'bytes' && intent.body.data.size <= PREVIEW_MAX_BYTES
    ? await intent.body.data.bytes()
    : undefined;
}

/** A lazy value computed at most once. */
function lazy<T>(compute: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= compute());
}

function isWebOrigin(origin: string): boolean {
  return /^https?:\/\/[^/]+$/.test(origin);
}

function findAccount(accounts: AccountRecord[], ref: string): AccountRecord | undefined {
  const needle = ref.replace(/^@/, '').toLowerCase();
  return accounts.find((a) => a.did === ref || a.handle.toLowerCase() === needle);
}

function connectResult(account: AccountRecord, grant: GrantRecord): ConnectResult {
  return { did: account.did, handle: account.handle, pds: account.pds, scope: grant.scope };
}

function rejection(reason: 'denied' | 'closed' | 'expired'): ProviderRpcError {
  const message = {
    denied: 'The user rejected the request',
    closed: 'The user closed the request window',
    expired: 'The request waited too long for the user',
  }[reason];
  return new ProviderRpcError(ErrorCode.userRejected, message, { reason });
}

export function toProviderError(err: unknown) {
  if (err instanceof ProviderRpcError) return err.toJSON();
  if (err instanceof SchemaError)
    return { code: ErrorCode.invalidParams, message: `Invalid params: ${err.message}`.slice(0, 500) };
  if (err instanceof AccountError) {
    if (err.code === 'session-expired' || err.code === 'no-such-account') {
      return { code: ErrorCode.sessionGone, message: 'The account session has ended; reconnect' };
    }
  }
  const name = (err as Error)?.name;
  if (name === 'TokenRefreshError' || name === 'TokenRevokedError' || name === 'TokenInvalidError') {
    return { code: ErrorCode.sessionGone, message: 'The account session has ended; reconnect' };
  }
  console.error('AT Keyring: page request failed', err);
  return { code: ErrorCode.internal, message: 'Internal error in AT Keyring' };
}
