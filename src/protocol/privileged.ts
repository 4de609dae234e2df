import type { AccountList, LoginAttempt } from '../accounts/keyring';
import type { ActivityEntry, ActivityPage, ReadCount, UndoResult } from '../activity/activity-log';
import type { RecentSiteWrites } from '../activity/write-alerts';
import { GRANT_DURATIONS } from '../broker/grant-expiry';
import type { BlobUnavailable } from '../consent/blob-previews';
import type { SiteIcon } from '../consent/site-icon';
import type { WhoAsks } from '../consent/who-asks';
import type { NetworkSettings } from '../oauth/settings';
import type { AlwaysOffer, ScopesByRisk } from '../permissions/risk';
import type { SiteAccessView } from '../site-access/control';
import type { PromptRecord } from '../storage/db';
import { boolean, did, integer, literal, type ObjectOf, object, optional, type Parser, string, union } from './schema';

/**
 * The privileged channel between the extension's own pages (popup, consent
 * window) and the background. The background accepts these only from its own
 * pages (checked against the sender's URL), never from content scripts.
 *
 * `privilegedOperations` is the one source: each operation's params schema
 * (checked at the boundary) and result type. The background's handlers, the
 * pages' client and the e2e helper all take their types from it.
 */

type ParamsShape = Record<string, Parser<unknown>>;

/** An operation: the schema of its params and, as a type only, its result. */
export interface Operation<S extends ParamsShape, R> {
  readonly params: S;
  /** Never set at runtime: it carries the result type to both ends. */
  readonly result?: R;
}

/** An operation of the map: `operation({ did }, returns<SignOutResult>())`. */
const operation = <S extends ParamsShape, R>(params: S, _result: R | undefined): Operation<S, R> => ({ params });
/**
 * Names a result type. Plain calls (not a method chain) let the bundler see
 * the map is free of side effects and drop it from pages, which use only its types.
 */
const returns = <R>(): R | undefined => undefined;

/** A consent window's question, as the window shows it. */
export interface PromptView extends AccountList {
  prompt: PromptRecord;
  /** The request in plain words, one line per permission or call. */
  lines: string[];
  /** Who asks: the origins, whether it is the first time, plain http. */
  asker: WhoAsks;
  /** A connect request's scopes grouped by risk, with the broad ones called out. */
  scopes?: ScopesByRisk;
  /** Whether the window offers "Always allow" (never for a delete unless the settings say so), or why not. */
  always: AlwaysOffer;
  /** A call prompt: the scope the site's grant to the call's account has now, if any (the preview marks what it allows). */
  grantedScope?: string;
}

/** A file for the consent window's preview: its bytes (base64), or why there are none. */
export type BlobPreviewView = { status: 'ok'; base64: string } | { status: 'unavailable'; reason: BlobUnavailable };

/** A site's grant to one account, as the popup shows it. */
export interface SiteGrantView {
  origin: string;
  did: string;
  handle: string;
  scope: string;
  /** Each scope token in plain words; `expiresAt` when it ends on its own; the base scope is not removable. */
  scopes: Array<{ scope: string; text: string; expiresAt?: number; removable: boolean }>;
  /** When the grant ends (absent: until revoked). */
  expiresAt?: number;
  /** When the site last made a call as this account. */
  lastUsedAt?: number;
}

/** A revoke done: how many grants it removed, and the one-time token that undoes it for a few seconds. */
export interface RevokeResult {
  revoked: number;
  undoToken: string;
}

export interface SignOutResult {
  /** Whether the PDS confirmed revoking the tokens (the local session is deleted either way). */
  revokedAtServer: boolean;
}

export interface SessionCheck {
  did: string;
  handle: string;
  /** The HTTP status of the PDS's answer to a getSession call. */
  status: number;
}

const id = string({ max: 64 });
const origin = string({ max: 2048 });

export const privilegedOperations = {
  'accounts.list': operation({}, returns<AccountList>()),
  'accounts.setActive': operation({ did }, returns<null>()),
  'accounts.signOut': operation({ did }, returns<SignOutResult>()),
  'accounts.check': operation({ did }, returns<SessionCheck>()),
  'login.start': operation({ input: string({ max: 512 }) }, returns<LoginAttempt>()),
  'login.status': operation({ id }, returns<LoginAttempt | null>()),
  /** Gives up a pending sign-in: it ends as cancelled and its window closes. */
  'login.cancel': operation({ id }, returns<LoginAttempt | null>()),
  /** Brings a pending sign-in's window to the front; false when it has none (hosted client) or it is gone. */
  'login.focus': operation({ id }, returns<boolean>()),
  'settings.get': operation({}, returns<NetworkSettings>()),
  'settings.update': operation(
    {
      settings: object({
        handleResolver: optional(string({ max: 2048 })),
        plcDirectoryUrl: optional(string({ max: 2048 })),
        allowHttp: optional(boolean),
        clientId: optional(string({ max: 2048 })),
        allowAlwaysForDeletes: optional(boolean),
      }),
    },
    returns<NetworkSettings>(),
  ),
  'prompt.get': operation({ id }, returns<PromptView | null>()),
  /** The site's icon, fetched after the window shows (see consent/site-icon.ts); null: the letter badge. */
  'prompt.siteIcon': operation({ id }, returns<SiteIcon | null>()),
  'prompt.decide': operation(
    {
      id,
      outcome: literal('approve', 'reject'),
      did: optional(did),
      remember: optional(boolean),
      /** How long what is approved lasts: only the offered choices; the background computes the time. */
      duration: optional(literal(...GRANT_DURATIONS)),
    },
    returns<boolean>(),
  ),
  /** Bytes the prompt's request sends or refers to by this CID (none for any other CID). */
  'prompt.blob': operation({ id, cid: string({ max: 128 }) }, returns<BlobPreviewView>()),
  /** The avatar of an account the prompt's request names (refused for any other account). */
  'grants.list': operation({}, returns<SiteGrantView[]>()),
  /** Revokes a site's grant for one account (`did`) or for all; undone by grants.restore with the token. */
  'grants.revoke': operation({ origin, did: optional(did) }, returns<RevokeResult>()),
  /** Puts back exactly what one revoke removed, once, within a few seconds; the number of grants restored. */
  'grants.restore': operation({ undoToken: id }, returns<number>()),
  /** Takes one permission out of a site's grant for an account (never the base `atproto`: that is a revoke). */
  'grants.removeScope': operation({ origin, did, scope: string({ max: 2048 }) }, returns<null>()),
  /** Sites that wrote for the user within the toolbar badge's window, busiest first. */
  'writeAlerts.recent': operation({}, returns<{ sites: RecentSiteWrites[]; windowMinutes: number }>()),
  /** Whether each write of the site shows a notification. */
  'writeAlerts.getNotify': operation({ origin }, returns<boolean>()),
  'writeAlerts.setNotify': operation({ origin, on: boolean }, returns<null>()),
  /** Which sites the provider is available to: every site, or only those allowed (see src/site-access/). */
  'siteAccess.get': operation({}, returns<SiteAccessView>()),
  'siteAccess.setMode': operation({ mode: literal('all', 'allowed') }, returns<SiteAccessView>()),
  'siteAccess.allow': operation({ origin }, returns<SiteAccessView>()),
  'siteAccess.remove': operation({ origin }, returns<SiteAccessView>()),
  /** The activity log, newest first, of one site, one account, both or all; `before`: the previous page's `next`. */
  'activity.list': operation(
    {
      origin: optional(origin),
      did: optional(did),
      before: optional(integer({ min: 1 })),
      limit: optional(integer({ min: 1, max: 200 })),
    },
    returns<ActivityPage>(),
  ),
  /** Unprompted reads counted per day, site and account (they are not logged one by one). */
  'activity.reads': operation({ origin: optional(origin), did: optional(did) }, returns<ReadCount[]>()),
  /** The sites and accounts the log has activity of. */
  'activity.facets': operation({}, returns<{ origins: string[]; dids: string[] }>()),
  /** Everything the log holds, to save as JSON. */
  'activity.export': operation({}, returns<{ exportedAt: string; entries: ActivityEntry[]; reads: ReadCount[] }>()),
  /** Deletes the records a logged call created (each only if unchanged since); the page confirmed it first. */
  'activity.undo': operation({ id: integer({ min: 1 }) }, returns<UndoResult>()),
};

type Operations = typeof privilegedOperations;
export type PrivilegedOp = keyof Operations;
export type PrivilegedParams<O extends PrivilegedOp> = ObjectOf<Operations[O]['params']>;
export type PrivilegedResult<O extends PrivilegedOp> =
  Operations[O] extends Operation<ParamsShape, infer R> ? R : never;

/** On the wire a request is flat: its op beside its params. */
export type PrivilegedRequest<O extends PrivilegedOp = PrivilegedOp> = {
  [K in O]: { op: K } & PrivilegedParams<K>;
}[O];

/** Every privileged answer is one of these; errors carry a stable code. */
export type PrivilegedResponse<O extends PrivilegedOp = PrivilegedOp> =
  | { ok: true; result: PrivilegedResult<O> }
  | { ok: false; error: { code: string; message: string } };

/** The params argument of a call: none for an operation without params, optional when every param is. */
export type ParamsArgument<O extends PrivilegedOp> = keyof PrivilegedParams<O> extends never
  ? []
  : Partial<PrivilegedParams<O>> extends PrivilegedParams<O>
    ? [params?: PrivilegedParams<O>]
    : [params: PrivilegedParams<O>];

/** The request message for an operation, as the pages and the e2e tests send it. */
export function privilegedRequestMessage<O extends PrivilegedOp>(op: O, ...[params]: ParamsArgument<O>) {
  return { op, ...params } as PrivilegedRequest<O>;
}

/** One parser for a map: a message is one of its operations with exactly that operation's fields. */
function requestParser(operations: Record<string, Operation<ParamsShape, unknown>>) {
  return union(...Object.entries(operations).map(([op, { params }]) => object({ op: literal(op), ...params })));
}

/**
 * Checks a message from an extension page. Any mismatch is one SchemaError
 * ("matches no allowed shape"). Marked pure so that pages, which only send
 * requests, do not bundle the validators.
 */
export const privilegedRequest = /* @__PURE__ */ requestParser(privilegedOperations) as Parser<PrivilegedRequest>;

/** Pushed to open extension pages when something they show changed. */
export type ExtensionPageEvent =
  | { event: 'accountsChanged' }
  | { event: 'loginFinished'; loginId: string; status: 'done' | 'failed' };

/** Marks background→extension-page broadcasts so listeners can tell them from requests. */
export const EXTENSION_PAGE_EVENT_CHANNEL = 'at-keyring:extension-page-event';
