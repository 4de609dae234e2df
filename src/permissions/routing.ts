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

/** The HTTP method the PDS serves a method under (a subscription is a GET that upgrades to a WebSocket). */
type HttpMethod = 'GET' | 'POST';

/**
 * Methods by namespace, each listed once with its HTTP method. The PDS serves
 * a method only under its own HTTP method: called with the other one, it falls
 * through to the proxy catch-all (seen on PDS 0.4), so a call with the wrong
 * HTTP method is refused.
 */
type MethodTable = Record<string, Record<string, HttpMethod>>;

/** Methods the PDS executes itself; an `atproto-proxy` header does not change that. */
const SERVED_BY_PDS: MethodTable = {
  'com.atproto.admin': {
    deleteAccount: 'POST',
    disableAccountInvites: 'POST',
    disableInviteCodes: 'POST',
    enableAccountInvites: 'POST',
    getAccountInfo: 'GET',
    getAccountInfos: 'GET',
    getInviteCodes: 'GET',
    getSubjectStatus: 'GET',
    sendEmail: 'POST',
    updateAccountEmail: 'POST',
    updateAccountHandle: 'POST',
    updateAccountPassword: 'POST',
    updateSubjectStatus: 'POST',
  },
  'com.atproto.identity': {
    getRecommendedDidCredentials: 'GET',
    requestPlcOperationSignature: 'POST',
    resolveHandle: 'GET',
    signPlcOperation: 'POST',
    submitPlcOperation: 'POST',
    updateHandle: 'POST',
  },
  'com.atproto.repo': {
    applyWrites: 'POST',
    createRecord: 'POST',
    deleteRecord: 'POST',
    describeRepo: 'GET',
    getRecord: 'GET',
    importRepo: 'POST',
    listMissingBlobs: 'GET',
    listRecords: 'GET',
    putRecord: 'POST',
    uploadBlob: 'POST',
  },
  'com.atproto.server': {
    activateAccount: 'POST',
    checkAccountStatus: 'GET',
    confirmEmail: 'POST',
    createAccount: 'POST',
    createAppPassword: 'POST',
    createInviteCode: 'POST',
    createInviteCodes: 'POST',
    createSession: 'POST',
    deactivateAccount: 'POST',
    deleteAccount: 'POST',
    deleteSession: 'POST',
    describeServer: 'GET',
    getAccountInviteCodes: 'GET',
    getServiceAuth: 'GET',
    getSession: 'GET',
    listAppPasswords: 'GET',
    refreshSession: 'POST',
    requestAccountDelete: 'POST',
    requestEmailConfirmation: 'POST',
    requestEmailUpdate: 'POST',
    requestPasswordReset: 'POST',
    reserveSigningKey: 'POST',
    resetPassword: 'POST',
    revokeAppPassword: 'POST',
    updateEmail: 'POST',
  },
  'com.atproto.sync': {
    getBlob: 'GET',
    getBlocks: 'GET',
    getCheckout: 'GET',
    getHead: 'GET',
    getLatestCommit: 'GET',
    getRecord: 'GET',
    getRepo: 'GET',
    getRepoStatus: 'GET',
    listBlobs: 'GET',
    listRepos: 'GET',
    subscribeRepos: 'GET',
  },
  'com.atproto.temp': {
    checkSignupQueue: 'GET',
  },
};

/**
 * Methods the PDS implements by passing them on to the `atproto-proxy`
 * target (or its default AppView): judged as calls to that service.
 * (getPreferences is answered locally for the PDS's own default AppView,
 * after the PDS checks the same rpc permission.)
 */
const PASSED_TO_PROXY: MethodTable = {
  'com.atproto.moderation': {
    createReport: 'POST',
  },
  'app.bsky.actor': {
    getPreferences: 'GET',
    getProfile: 'GET',
    getProfiles: 'GET',
  },
  'app.bsky.feed': {
    getActorLikes: 'GET',
    getAuthorFeed: 'GET',
    getPostThread: 'GET',
    getTimeline: 'GET',
  },
};

/**
 * Methods the PDS implements by calling a service other than the proxy
 * target (the feed's generator, the push service named in the body) or by
 * answering itself for its default AppView (putPreferences). Judged like the
 * forwarded ones: an rpc permission on the method at the proxy's audience,
 * `*` without one.
 */
const PASSED_ELSEWHERE: MethodTable = {
  'app.bsky.actor': {
    putPreferences: 'POST',
  },
  'app.bsky.feed': {
    getFeed: 'GET',
  },
  'app.bsky.notification': {
    registerPush: 'POST',
    unregisterPush: 'POST',
  },
};

/** Each method's full NSID with its HTTP method, in the table's order. */
function entries(table: MethodTable): Array<[nsid: string, httpMethod: HttpMethod]> {
  return Object.entries(table).flatMap(([prefix, methods]) =>
    Object.entries(methods).map(([name, httpMethod]): [string, HttpMethod] => [`${prefix}.${name}`, httpMethod]),
  );
}

const nsids = (table: MethodTable): string[] => entries(table).map(([nsid]) => nsid);

export const PDS_METHODS: readonly string[] = nsids(SERVED_BY_PDS);
export const FORWARDED_TO_PROXY: readonly string[] = nsids(PASSED_TO_PROXY);
export const FORWARDED_ELSEWHERE: readonly string[] = nsids(PASSED_ELSEWHERE);
export const FORWARDED_METHODS: readonly string[] = [...FORWARDED_TO_PROXY, ...FORWARDED_ELSEWHERE];

/** The known methods that are procedures (POST); the others are queries (GET). */
export const PROCEDURES: ReadonlySet<string> = new Set(
  [SERVED_BY_PDS, PASSED_TO_PROXY, PASSED_ELSEWHERE]
    .flatMap(entries)
    .filter(([, httpMethod]) => httpMethod === 'POST')
    .map(([nsid]) => nsid),
);

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
