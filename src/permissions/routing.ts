/**
 * Where the PDS executes a method, as data. A call is judged by where it
 * will actually run, not by its name or the `atproto-proxy` header a page
 * attached: the PDS serves its own methods whatever that header says, and
 * routes method names without regard to letter case.
 *
 * e2e/security/routing.e2e.ts checks this table against every PDS version
 * under test: each method the PDS registers is listed here, the `pds` ones
 * never reach a proxy target, the `forwarded` ones do.
 */

/** Methods the PDS executes itself; an `atproto-proxy` header does not change that. */
export const PDS_METHODS: readonly string[] = [
  ...names('com.atproto.admin', [
    'deleteAccount',
    'disableAccountInvites',
    'disableInviteCodes',
    'enableAccountInvites',
    'getAccountInfo',
    'getAccountInfos',
    'getInviteCodes',
    'getSubjectStatus',
    'sendEmail',
    'updateAccountEmail',
    'updateAccountHandle',
    'updateAccountPassword',
    'updateSubjectStatus',
  ]),
  ...names('com.atproto.identity', [
    'getRecommendedDidCredentials',
    'requestPlcOperationSignature',
    'resolveHandle',
    'signPlcOperation',
    'submitPlcOperation',
    'updateHandle',
  ]),
  ...names('com.atproto.repo', [
    'applyWrites',
    'createRecord',
    'deleteRecord',
    'describeRepo',
    'getRecord',
    'importRepo',
    'listMissingBlobs',
    'listRecords',
    'putRecord',
    'uploadBlob',
  ]),
  ...names('com.atproto.server', [
    'activateAccount',
    'checkAccountStatus',
    'confirmEmail',
    'createAccount',
    'createAppPassword',
    'createInviteCode',
    'createInviteCodes',
    'createSession',
    'deactivateAccount',
    'deleteAccount',
    'deleteSession',
    'describeServer',
    'getAccountInviteCodes',
    'getServiceAuth',
    'getSession',
    'listAppPasswords',
    'refreshSession',
    'requestAccountDelete',
    'requestEmailConfirmation',
    'requestEmailUpdate',
    'requestPasswordReset',
    'reserveSigningKey',
    'resetPassword',
    'revokeAppPassword',
    'updateEmail',
  ]),
  ...names('com.atproto.sync', [
    'getBlob',
    'getBlocks',
    'getCheckout',
    'getHead',
    'getLatestCommit',
    'getRecord',
    'getRepo',
    'getRepoStatus',
    'listBlobs',
    'listRepos',
    'subscribeRepos',
  ]),
  'com.atproto.temp.checkSignupQueue',
];

/**
 * Methods the PDS implements by passing them on to the `atproto-proxy`
 * target (or its default AppView): judged as calls to that service.
 * (getPreferences is answered locally for the PDS's own default AppView,
 * after the PDS checks the same rpc permission.)
 */
export const FORWARDED_TO_PROXY: readonly string[] = [
  'com.atproto.moderation.createReport',
  ...names('app.bsky.actor', ['getPreferences', 'getProfile', 'getProfiles']),
  ...names('app.bsky.feed', ['getActorLikes', 'getAuthorFeed', 'getPostThread', 'getTimeline']),
];

/**
 * Methods the PDS implements by calling a service other than the proxy
 * target (the feed's generator, the push service named in the body) or by
 * answering itself for its default AppView (putPreferences). Judged like the
 * forwarded ones: an rpc permission on the method at the proxy's audience,
 * `*` without one.
 */
export const FORWARDED_ELSEWHERE: readonly string[] = [
  'app.bsky.actor.putPreferences',
  'app.bsky.feed.getFeed',
  ...names('app.bsky.notification', ['registerPush', 'unregisterPush']),
];

export const FORWARDED_METHODS: readonly string[] = [...FORWARDED_TO_PROXY, ...FORWARDED_ELSEWHERE];

/**
 * The known methods that are procedures (POST); the others are queries
 * (GET). The PDS serves a method only under its own HTTP method: called
 * with the other one, it falls through to the proxy catch-all (seen on PDS
 * 0.4), so a call with the wrong HTTP method is refused.
 */
export const PROCEDURES: ReadonlySet<string> = new Set([
  'app.bsky.actor.putPreferences',
  'app.bsky.notification.registerPush',
  'app.bsky.notification.unregisterPush',
  'com.atproto.moderation.createReport',
  ...names('com.atproto.admin', [
    'deleteAccount',
    'disableAccountInvites',
    'disableInviteCodes',
    'enableAccountInvites',
    'sendEmail',
    'updateAccountEmail',
    'updateAccountHandle',
    'updateAccountPassword',
    'updateSubjectStatus',
  ]),
  ...names('com.atproto.identity', [
    'requestPlcOperationSignature',
    'signPlcOperation',
    'submitPlcOperation',
    'updateHandle',
  ]),
  ...names('com.atproto.repo', [
    'applyWrites',
    'createRecord',
    'deleteRecord',
    'importRepo',
    'putRecord',
    'uploadBlob',
  ]),
  ...names('com.atproto.server', [
    'activateAccount',
    'confirmEmail',
    'createAccount',
    'createAppPassword',
    'createInviteCode',
    'createInviteCodes',
    'createSession',
    'deactivateAccount',
    'deleteAccount',
    'deleteSession',
    'refreshSession',
    'requestAccountDelete',
    'requestEmailConfirmation',
    'requestEmailUpdate',
    'requestPasswordReset',
    'reserveSigningKey',
    'resetPassword',
    'revokeAppPassword',
    'updateEmail',
  ]),
]);

function names(prefix: string, methods: string[]): string[] {
  return methods.map((m) => `${prefix}.${m}`);
}

/** NSID letter case is significant by spec, but routing is not: decisions use this key. */
export const methodKey = (nsid: string): string => nsid.toLowerCase();

const CANONICAL = new Map<string, { nsid: string; route: 'pds' | 'forwarded' }>([
  ...PDS_METHODS.map((nsid) => [methodKey(nsid), { nsid, route: 'pds' as const }] as const),
  ...FORWARDED_METHODS.map((nsid) => [methodKey(nsid), { nsid, route: 'forwarded' as const }] as const),
]);

export type Route =
  /** The PDS runs it (a proxy header is ignored). */
  | 'pds'
  /** The PDS passes it to the proxy target, or to its default AppView without one. */
  | 'forwarded';

/**
 * The route of a method, and its canonical spelling and HTTP method when the
 * extension knows it. Unknown methods are forwarded by the PDS's catch-all.
 */
export function routeOf(nsid: string): { route: Route; canonical?: string; httpMethod?: 'GET' | 'POST' } {
  const known = CANONICAL.get(methodKey(nsid));
  if (!known) return { route: 'forwarded' };
  return { route: known.route, canonical: known.nsid, httpMethod: PROCEDURES.has(known.nsid) ? 'POST' : 'GET' };
}
