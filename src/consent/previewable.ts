/**
 * Which calls the record previews (records.ts) describe: repo writes of the
 * collections they know, and service tokens. Pure and small, so the consent
 * window's renderers can decide from the intent alone which of them answers;
 * writes of other collections are left to the generic record view, unless an
 * applyWrites mixes them with known ones (then each is itemised, as a tree).
 */
import type { DisplayedIntent } from '../broker/intent';

export const POST = 'app.bsky.feed.post';
export const LIKE = 'app.bsky.feed.like';
export const REPOST = 'app.bsky.feed.repost';
export const FOLLOW = 'app.bsky.graph.follow';
export const BLOCK = 'app.bsky.graph.block';
export const PROFILE = 'app.bsky.actor.profile';
export const LIST_ITEM = 'app.bsky.graph.listitem';

/** The collections whose records the previews render field by field. */
export const PREVIEWED_COLLECTIONS: ReadonlySet<string> = new Set([
  POST,
  LIKE,
  REPOST,
  FOLLOW,
  BLOCK,
  PROFILE,
  LIST_ITEM,
]);

export const SINGLE_WRITES = new Set([
  'com.atproto.repo.createRecord',
  'com.atproto.repo.putRecord',
  'com.atproto.repo.deleteRecord',
]);
export const APPLY_WRITES = 'com.atproto.repo.applyWrites';
export const SERVICE_AUTH = 'com.atproto.server.getServiceAuth';

export type PreviewKind = 'repo-write' | 'apply-writes' | 'service-auth';

type Body = Record<string, unknown>;
const jsonObject = (intent: Pick<DisplayedIntent, 'body'>): Body | undefined =>
  intent.body.kind === 'json' &&
  typeof intent.body.value === 'object' &&
  intent.body.value &&
  !Array.isArray(intent.body.value)
    ? (intent.body.value as Body)
    : undefined;

/** What kind of preview describes this call, or undefined when the previews leave it to another view. */
export function previewKind(intent: Pick<DisplayedIntent, 'nsid' | 'body'>): PreviewKind | undefined {
  if (intent.nsid === SERVICE_AUTH) return 'service-auth';
  const body = jsonObject(intent);
  if (!body) return undefined;
  if (SINGLE_WRITES.has(intent.nsid)) {
    return typeof body.collection === 'string' && PREVIEWED_COLLECTIONS.has(body.collection) ? 'repo-write' : undefined;
  }
  if (intent.nsid === APPLY_WRITES && Array.isArray(body.writes) && body.writes.length > 0) {
    // Itemised when any write is of a known collection; the others are shown in the same list as trees.
    const someKnown = body.writes.some((w) => {
      const collection = (w as Body | null)?.collection;
      return typeof collection === 'string' && PREVIEWED_COLLECTIONS.has(collection);
    });
    return someKnown ? 'apply-writes' : undefined;
  }
  return undefined;
}

/** The PDS's default service-token lifetime when `exp` is absent. */
export const DEFAULT_SERVICE_TOKEN_SECONDS = 60;

/** What a service token is for, read from the `getServiceAuth` query: audience, method, lifetime from `now` (ms). */
export function serviceAuthTerms(params: DisplayedIntent['params'], now: number) {
  const aud = String(params.aud ?? '');
  const hash = aud.indexOf('#');
  const lxm = typeof params.lxm === 'string' && params.lxm ? params.lxm : undefined;
  const exp = Number(params.exp);
  const defaultLifetime = params.exp === undefined || !Number.isFinite(exp);
  return {
    aud,
    audDid: hash < 0 ? aud : aud.slice(0, hash),
    ...(hash < 0 ? {} : { serviceId: aud.slice(hash) }),
    ...(lxm ? { lxm } : {}),
    lifetimeSeconds: defaultLifetime ? DEFAULT_SERVICE_TOKEN_SECONDS : Math.max(0, Math.round(exp - now / 1000)),
    defaultLifetime,
  };
}
