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
    'deleteAccount', 'disableAccountInvites', 'disableInviteCodes', 'enableAccountInvites', 'getAccountInfo',
    'getAccountInfos', 'getInviteCodes', 'getSubjectStatus', 'sendEmail', 'updateAccountEmail', 'updateAccountHandle',
    'updateAccountPassword', 'updateSubjectStatus',
  ]),
  ...names('com.atproto.identity', [
    'getRecommendedDidCredentials', 'requestPlcOperationSignature', 'resolveHandle', 'signPlcOperation',
    'submitPlcOperation', 'updateHandle',
  ]),
  ...names('com.atproto.repo', [
    'applyWrites', 'createRecord', 'deleteRecord', 'describeRepo', 'getRecord', 'importRepo', 'listMissingBlobs',
    'listRecords', 'putRecord', 'uploadBlob',
  ]),
  ...names('com.atproto.server', [
    'activateAccount', 'checkAccountStatus', 'confirmEmail', 'createAccount', 'createAppPassword', 'createInviteCode',
    'createInviteCodes', 'createSession', 'deactivateAccount', 'deleteAccount', 'deleteSession', 'describeServer',
    'getAccountInviteCodes', 'getServiceAuth', 'getSession', 'listAppPasswords', 'refreshSession',
    'requestAccountDelete', 'requestEmailConfirmation', 'requestEmailUpdate', 'requestPasswordReset',
    'reserveSigningKey', 'resetPassword', 'revokeAppPassword', 'updateEmail',
  ]),
  ...names('com.atproto.sync', [
    'getBlob', 'getBlocks', 'getCheckout', 'getHead', 'getLatestCommit', 'getRecord', 'getRepo', 'getRepoStatus',
    'listBlobs', 'listRepos', 'subscribeRepos',
  ]),
  'com.atproto.temp.checkSignupQueue',
];

/**
 * Methods the PDS implements by passing them on to the `atproto-proxy`
 * target (or its default AppView): judged as calls to that service. (The
 * preferences methods are answered locally only for the PDS's own default
 * AppView, and the PDS then checks the same rpc permission.)
 */
export const FORWARDED_METHODS: readonly string[] = [
  'com.atproto.moderation.createReport',
  ...names('app.bsky.actor', ['getPreferences', 'getProfile', 'getProfiles', 'putPreferences']),
  ...names('app.bsky.feed', ['getActorLikes', 'getAuthorFeed', 'getFeed', 'getPostThread', 'getTimeline']),
  ...names('app.bsky.notification', ['registerPush', 'unregisterPush']),
];

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
 * The route of a method, and its canonical spelling when the extension knows
 * it. Unknown methods are forwarded by the PDS's catch-all.
 */
export function routeOf(nsid: string): { route: Route; canonical?: string } {
  const known = CANONICAL.get(methodKey(nsid));
  return known ? { route: known.route, canonical: known.nsid } : { route: 'forwarded' };
}
