/**
 * What a call will do, in the user's terms: for each repo write the record's
 * content (a post's text with its links and mentions as they will appear, the
 * post a like points at, the account a follow names, a profile's changed
 * fields…), looked up where the record only points somewhere; for a service
 * token which service, which method and for how long.
 *
 * Everything here is data for the consent window to render; every value that
 * came from the site or a server stays a plain string (the window shows it
 * through SiteText), and every look-up that failed is a typed failure.
 */

import { canonicalJson } from '../broker/digest';
import type { DisplayedIntent } from '../broker/intent';
import { isAllowed } from '../permissions/requirements';
import {
  type ConsentLookups,
  type DidService,
  failed,
  findService,
  found,
  type Identity,
  type Lookup,
  type LookupFailure,
  parseRecordUri,
} from './lookup';
import {
  APPLY_WRITES,
  BLOCK,
  FOLLOW,
  LIKE,
  LIST_ITEM,
  POST,
  PREVIEWED_COLLECTIONS,
  PROFILE,
  previewKind,
  REPOST,
  serviceAuthTerms,
} from './previewable';

// ---- the models ---------------------------------------------------------------

/** An account a record names: its DID, and what its DID document and handle say. */
export interface AccountRef {
  did: string;
  identity: Lookup<Identity>;
}

/** A record another record points at (a like's post, a reply's parent, a quote). */
export interface RecordRef {
  uri: string;
  collection?: string;
  author?: AccountRef;
  /** The post's text (for other records their name), once fetched. */
  text: Lookup<string>;
}

/** An image in a post or profile, from its blob reference. The thumbnail view fills it from the bytes. */
export interface ImageRef {
  /** The account whose repository holds the blob. */
  did: string;
  /** Whether the request's own record names it (then the window may preview its bytes); not for a record fetched. */
  sent: boolean;
  cid?: string;
  mime?: string;
  size?: number;
  alt?: string;
}

export type RichSegment =
  | { kind: 'text'; text: string }
  /** A link: the text shown and the address it opens (they may differ). */
  | { kind: 'link'; text: string; uri: string }
  /** A mention: the text shown and the account it notifies. */
  | { kind: 'mention'; text: string; account: AccountRef }
  | { kind: 'tag'; text: string; tag: string };

export interface PostContent {
  segments: RichSegment[];
  /** Facets that were malformed, overlapping or past the end of the text, and so not applied. */
  ignoredFacets: number;
  langs: string[];
  /** Self-applied content labels (e.g. "nudity"). */
  labels: string[];
  /** Hashtags not in the text (the record's `tags`). */
  tags: string[];
  reply?: { parent: RecordRef; root?: RecordRef };
  quote?: RecordRef;
  images: ImageRef[];
  external?: { uri: string; title: string; description: string; thumb?: ImageRef };
  video?: ImageRef;
}

export type FieldValue =
  | { kind: 'text'; text: string }
  | { kind: 'image'; image: ImageRef }
  /** Anything else, as compact JSON (the window caps it). */
  | { kind: 'other'; json: string };

export interface FieldChange {
  field: string;
  before?: FieldValue;
  after?: FieldValue;
}

export type RecordContent =
  | { type: 'post'; post: PostContent; otherFields: string[] }
  | { type: 'like' | 'repost'; subject: RecordRef; otherFields: string[] }
  | {
      type: 'follow' | 'block';
      subject: AccountRef;
      profile: Lookup<{ displayName?: string; hasAvatar: boolean }>;
      otherFields: string[];
    }
  | {
      type: 'profile';
      /** The profile as it is now: fetched, or absent (a first profile). */
      before: Lookup<'fetched' | 'none'>;
      changes: FieldChange[];
    }
  | {
      type: 'listitem';
      list: { uri: string; name: Lookup<string>; purpose?: string; owner?: AccountRef };
      member: AccountRef;
      otherFields: string[];
    }
  /** A delete of a record that does not exist. */
  | { type: 'missing' }
  /** A delete whose record could not be fetched. */
  | { type: 'unavailable'; failure: LookupFailure }
  /** A record that is not of its collection's shape (the generic view is the one to show it). */
  | { type: 'malformed' }
  /**
   * A write of a collection the previews do not know (inside an applyWrites with known ones): the window
   * shows its record as a tree, the request's own or, for a delete, the one it removes (`existing`, as fetched).
   */
  | { type: 'unknown'; existing?: unknown };

export type WriteAction = 'create' | 'update' | 'delete';

export interface WritePreview {
  action: WriteAction;
  collection: string;
  rkey?: string;
  /** Where the (first of the identical) write(s) is in the request: the window reads its record there. */
  index: number;
  /** How many identical writes the request holds (shown once). */
  count: number;
  /** Whether the site's grant already allows this write (it would not have asked for it alone). */
  covered: boolean;
  content: RecordContent;
}

export interface ServiceAuthPreview {
  kind: 'serviceAuth';
  /** The audience as asked (a DID, maybe with a `#service` fragment). */
  aud: string;
  audDid: string;
  serviceId?: string;
  /** The audience's service endpoints from its DID document: the one named, or all. */
  services: Lookup<DidService[]>;
  /** The one method the token is for; absent means any method. */
  lxm?: string;
  /** How long the token will be valid from now, in seconds. */
  lifetimeSeconds: number;
  /** True when the site named no expiry (the PDS's default applies). */
  defaultLifetime: boolean;
}

export type CallPreview =
  | { kind: 'writes'; writes: WritePreview[]; total: number }
  | ServiceAuthPreview
  /** A call these previews do not describe. */
  | { kind: 'none' };

export interface PreviewContext {
  /** The account the call acts as (its repository). */
  account: string;
  /** The site's current grant for that account, if any. */
  grantedScope?: string;
  lookups: ConsentLookups;
  /** Epoch ms. */
  now: number;
}

const MAX_FACETS = 100;
const MAX_MENTIONS = 20;
const MAX_LIST = 16;
const MAX_JSON = 2_000;

// ---- building them ----------------------------------------------------------------

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strings = (v: unknown, max = MAX_LIST): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, max) : [];

/** Describes a call for the consent window. Never throws for what a site sends: odd shapes become `malformed`. */
export async function previewCall(intent: DisplayedIntent, ctx: PreviewContext): Promise<CallPreview> {
  const kind = previewKind(intent);
  if (kind === 'service-auth') return previewServiceAuth(intent, ctx);
  if (!kind || intent.body.kind !== 'json' || !isObj(intent.body.value)) return { kind: 'none' };
  const body = intent.body.value;
  const writes: RawWrite[] =
    intent.nsid === APPLY_WRITES ? applyWritesOf(body) : [singleWrite(intent.nsid, body)].filter((w) => !!w);
  const groups = new Map<string, { write: RawWrite; count: number }>();
  for (const write of writes) {
    const { index: _, ...content } = write;
    const key = canonicalJson(content);
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { write, count: 1 });
  }
  const previews = await Promise.all(
    [...groups.values()].map(async ({ write, count }) => ({
      action: write.action,
      collection: write.collection,
      ...(write.rkey ? { rkey: write.rkey } : {}),
      index: write.index,
      count,
      covered:
        ctx.grantedScope !== undefined &&
        isAllowed(ctx.grantedScope, [{ kind: 'repo', collection: write.collection, action: write.action }]),
      content: await writeContent(write, ctx),
    })),
  );
  return { kind: 'writes', writes: previews, total: writes.length };
}

interface RawWrite {
  /** Where the write is in the request (0 for a single write). */
  index: number;
  action: WriteAction;
  collection: string;
  rkey?: string;
  value?: unknown;
}

function singleWrite(nsid: string, body: Obj): RawWrite | undefined {
  const collection = str(body.collection);
  if (!collection) return undefined;
  const rkey = str(body.rkey);
  const action: WriteAction = nsid.endsWith('createRecord')
    ? 'create'
    : nsid.endsWith('putRecord')
      ? 'update'
      : 'delete';
  return {
    index: 0,
    action,
    collection,
    ...(rkey ? { rkey } : {}),
    ...(action === 'delete' ? {} : { value: body.record }),
  };
}

function applyWritesOf(body: Obj): RawWrite[] {
  if (!Array.isArray(body.writes)) return [];
  const actions: Record<string, WriteAction> = {
    'com.atproto.repo.applyWrites#create': 'create',
    'com.atproto.repo.applyWrites#update': 'update',
    'com.atproto.repo.applyWrites#delete': 'delete',
  };
  return body.writes.flatMap((w, index): RawWrite[] => {
    if (!isObj(w)) return [];
    const action = actions[str(w.$type) ?? ''];
    const collection = str(w.collection);
    if (!action || !collection) return [];
    const rkey = str(w.rkey);
    return [
      { index, action, collection, ...(rkey ? { rkey } : {}), ...(action === 'delete' ? {} : { value: w.value }) },
    ];
  });
}

async function writeContent(write: RawWrite, ctx: PreviewContext): Promise<RecordContent> {
  const uri = write.rkey ? `at://${ctx.account}/${write.collection}/${write.rkey}` : undefined;
  if (!PREVIEWED_COLLECTIONS.has(write.collection)) {
    return write.action === 'delete'
      ? removedRecord(uri, ctx, (existing) => ({ type: 'unknown', existing }))
      : { type: 'unknown' };
  }
  if (write.collection === PROFILE) {
    // A profile write is shown as what changes: the profile as it is, fetched, against what it will be.
    const before = uri ? await ctx.lookups.record(uri) : failed<never>('not-found');
    const after = write.action === 'delete' ? {} : write.value;
    if (!isObj(after)) return { type: 'malformed' };
    if (write.action === 'delete' && !before.ok && before.failure === 'not-found') return { type: 'missing' };
    const current = before.ok ? before.value.value : {};
    return {
      type: 'profile',
      before: before.ok ? found('fetched') : before.failure === 'not-found' ? found('none') : failed(before.failure),
      changes: fieldChanges(current, after, ctx.account),
    };
  }
  if (write.action === 'delete') {
    return removedRecord(uri, ctx, (existing) => recordContent(write.collection, existing, ctx, false));
  }
  return recordContent(write.collection, write.value, ctx);
}

/** A delete shows the record it removes, fetched first (`show`), or that there is none, or that it could not be read. */
async function removedRecord(
  uri: string | undefined,
  ctx: PreviewContext,
  show: (existing: Obj) => RecordContent | Promise<RecordContent>,
): Promise<RecordContent> {
  if (!uri) return { type: 'malformed' };
  const existing = await ctx.lookups.record(uri);
  if (!existing.ok)
    return existing.failure === 'not-found' ? { type: 'missing' } : { type: 'unavailable', failure: existing.failure };
  return show(existing.value.value);
}

const KNOWN_FIELDS: Record<string, readonly string[]> = {
  [POST]: ['$type', 'text', 'facets', 'reply', 'embed', 'langs', 'labels', 'tags', 'createdAt', 'entities'],
  [LIKE]: ['$type', 'subject', 'createdAt', 'via'],
  [REPOST]: ['$type', 'subject', 'createdAt', 'via'],
  [FOLLOW]: ['$type', 'subject', 'createdAt', 'via'],
  [BLOCK]: ['$type', 'subject', 'createdAt'],
  [LIST_ITEM]: ['$type', 'subject', 'list', 'createdAt'],
};

/** Top-level fields the preview does not show (the window names them, so nothing passes unseen). */
function otherFields(collection: string, record: Obj): string[] {
  const known = KNOWN_FIELDS[collection] ?? [];
  return Object.keys(record)
    .filter((k) => !known.includes(k))
    .slice(0, MAX_LIST);
}

/** A record's content, for the collections the previews know. */
export async function recordContent(
  collection: string,
  record: unknown,
  ctx: PreviewContext,
  /** False for a record fetched (a delete's): its images are not in the request. */
  sent = true,
): Promise<RecordContent> {
  if (!isObj(record)) return { type: 'malformed' };
  if (record.$type !== undefined && record.$type !== collection) return { type: 'malformed' };
  const others = otherFields(collection, record);
  switch (collection) {
    case POST: {
      const post = await postContent(record, ctx, sent);
      return post ? { type: 'post', post, otherFields: others } : { type: 'malformed' };
    }
    case LIKE:
    case REPOST: {
      const uri = isObj(record.subject) ? str(record.subject.uri) : undefined;
      if (!uri) return { type: 'malformed' };
      return { type: collection === LIKE ? 'like' : 'repost', subject: await recordRef(uri, ctx), otherFields: others };
    }
    case FOLLOW:
    case BLOCK: {
      const did = str(record.subject);
      if (!did) return { type: 'malformed' };
      const [subject, profile] = await Promise.all([accountRef(did, ctx), profileSummary(did, ctx)]);
      return { type: collection === FOLLOW ? 'follow' : 'block', subject, profile, otherFields: others };
    }
    case LIST_ITEM: {
      const did = str(record.subject);
      const listUri = str(record.list);
      if (!did || !listUri) return { type: 'malformed' };
      const [member, list] = await Promise.all([accountRef(did, ctx), listRef(listUri, ctx)]);
      return { type: 'listitem', list, member, otherFields: others };
    }
    default:
      return { type: 'malformed' };
  }
}

async function accountRef(did: string, ctx: PreviewContext): Promise<AccountRef> {
  return { did, identity: await ctx.lookups.identity(did) };
}

/** Display name and whether there is an avatar, from the account's `app.bsky.actor.profile/self`. */
async function profileSummary(
  did: string,
  ctx: PreviewContext,
): Promise<Lookup<{ displayName?: string; hasAvatar: boolean }>> {
  const profile = await ctx.lookups.record(`at://${did}/${PROFILE}/self`);
  if (!profile.ok) return profile.failure === 'not-found' ? found({ hasAvatar: false }) : failed(profile.failure);
  const displayName = str(profile.value.value.displayName);
  return found({ ...(displayName ? { displayName } : {}), hasAvatar: isObj(profile.value.value.avatar) });
}

/** The record a URI points at: its author and its text (a post's) or name (a list's, a feed's). */
async function recordRef(uri: string, ctx: PreviewContext): Promise<RecordRef> {
  const parts = parseRecordUri(uri);
  if (!parts) return { uri, text: failed('invalid') };
  const [author, record] = await Promise.all([
    parts.repo.startsWith('did:') ? accountRef(parts.repo, ctx) : Promise.resolve(undefined),
    ctx.lookups.record(uri),
  ]);
  const text: Lookup<string> = record.ok
    ? found(str(record.value.value.text) ?? str(record.value.value.name) ?? str(record.value.value.displayName) ?? '')
    : failed(record.failure);
  return { uri, collection: parts.collection, ...(author ? { author } : {}), text };
}

async function listRef(
  uri: string,
  ctx: PreviewContext,
): Promise<{
  uri: string;
  name: Lookup<string>;
  purpose?: string;
  owner?: AccountRef;
}> {
  const parts = parseRecordUri(uri);
  if (!parts) return { uri, name: failed('invalid') };
  const [owner, list] = await Promise.all([
    parts.repo.startsWith('did:') ? accountRef(parts.repo, ctx) : Promise.resolve(undefined),
    ctx.lookups.record(uri),
  ]);
  const purpose = list.ok ? str(list.value.value.purpose) : undefined;
  return {
    uri,
    name: list.ok ? found(str(list.value.value.name) ?? '') : failed(list.failure),
    ...(purpose ? { purpose } : {}),
    ...(owner ? { owner } : {}),
  };
}

/** A blob reference (`{$type: 'blob', ref: {$link}, mimeType, size}`, or the legacy `{cid, mimeType}`). */
function imageRef(blob: unknown, did: string, sent: boolean, alt?: string): ImageRef | undefined {
  if (!isObj(blob)) return undefined;
  const cid = isObj(blob.ref) ? str(blob.ref.$link) : str(blob.cid);
  const mime = str(blob.mimeType);
  const size = typeof blob.size === 'number' && Number.isFinite(blob.size) ? blob.size : undefined;
  return {
    did,
    sent,
    ...(cid ? { cid } : {}),
    ...(mime ? { mime } : {}),
    ...(size !== undefined ? { size } : {}),
    ...(alt !== undefined ? { alt } : {}),
  };
}

async function postContent(record: Obj, ctx: PreviewContext, sent: boolean): Promise<PostContent | undefined> {
  const text = str(record.text);
  if (text === undefined) return undefined;
  const { segments, ignored } = richSegments(text, record.facets);
  // Each mentioned account is looked up once, however often it is mentioned.
  const mentioned = [...new Set(segments.flatMap((s) => (s.kind === 'mention' ? [s.account.did] : [])))].slice(
    0,
    MAX_MENTIONS,
  );
  const reply = isObj(record.reply) ? record.reply : undefined;
  const parentUri = reply && isObj(reply.parent) ? str(reply.parent.uri) : undefined;
  const rootUri = reply && isObj(reply.root) ? str(reply.root.uri) : undefined;
  const embed = isObj(record.embed) ? record.embed : undefined;
  const media = embed?.$type === 'app.bsky.embed.recordWithMedia' && isObj(embed.media) ? embed.media : embed;
  const quoted =
    embed?.$type === 'app.bsky.embed.record' && isObj(embed.record)
      ? str(embed.record.uri)
      : embed?.$type === 'app.bsky.embed.recordWithMedia' && isObj(embed.record) && isObj(embed.record.record)
        ? str(embed.record.record.uri)
        : undefined;

  const [identities, parent, root, quote] = await Promise.all([
    Promise.all(mentioned.map((did) => accountRef(did, ctx))),
    parentUri ? recordRef(parentUri, ctx) : undefined,
    rootUri && rootUri !== parentUri ? recordRef(rootUri, ctx) : undefined,
    quoted ? recordRef(quoted, ctx) : undefined,
  ]);
  const byDid = new Map(identities.map((a) => [a.did, a]));
  const resolved = segments.map((s): RichSegment => {
    if (s.kind !== 'mention') return s;
    return { ...s, account: byDid.get(s.account.did) ?? { did: s.account.did, identity: failed('skipped') } };
  });

  const images: ImageRef[] = [];
  let external: PostContent['external'];
  let video: ImageRef | undefined;
  if (media?.$type === 'app.bsky.embed.images' && Array.isArray(media.images)) {
    for (const entry of media.images.slice(0, MAX_LIST)) {
      if (!isObj(entry)) continue;
      const image = imageRef(entry.image, ctx.account, sent, str(entry.alt) ?? '');
      if (image) images.push(image);
    }
  } else if (media?.$type === 'app.bsky.embed.external' && isObj(media.external)) {
    const e = media.external;
    const thumb = imageRef(e.thumb, ctx.account, sent);
    external = {
      uri: str(e.uri) ?? '',
      title: str(e.title) ?? '',
      description: str(e.description) ?? '',
      ...(thumb ? { thumb } : {}),
    };
  } else if (media?.$type === 'app.bsky.embed.video') {
    video = imageRef(media.video, ctx.account, sent, str(media.alt));
  }
  const labels =
    isObj(record.labels) && Array.isArray(record.labels.values)
      ? record.labels.values.flatMap((v) => (isObj(v) && typeof v.val === 'string' ? [v.val] : [])).slice(0, MAX_LIST)
      : [];
  return {
    segments: resolved,
    ignoredFacets: ignored,
    langs: strings(record.langs),
    labels,
    tags: strings(record.tags),
    ...(parent ? { reply: { parent, ...(root ? { root } : {}) } } : {}),
    ...(quote ? { quote } : {}),
    images,
    ...(external ? { external } : {}),
    ...(video ? { video } : {}),
  };
}

/**
 * Splits post text at its facets, as apps will show it. Facets index UTF-8
 * bytes; a facet that is malformed, overlaps an earlier one or reaches past
 * the text is not applied (apps skip it too) and is counted.
 */
export function richSegments(text: string, facets: unknown): { segments: RichSegment[]; ignored: number } {
  const bytes = new TextEncoder().encode(text);
  const decoder = new TextDecoder();
  const slice = (start: number, end: number) => decoder.decode(bytes.subarray(start, end));
  type Feature = Exclude<RichSegment, { kind: 'text' }>;
  const spans: Array<{ start: number; end: number; feature: (text: string) => Feature }> = [];
  let ignored = 0;
  const list = Array.isArray(facets) ? facets : [];
  for (const facet of list.slice(0, MAX_FACETS)) {
    const index = isObj(facet) && isObj(facet.index) ? facet.index : undefined;
    const start = index?.byteStart;
    const end = index?.byteEnd;
    const features = isObj(facet) && Array.isArray(facet.features) ? facet.features : [];
    const feature = features.map(facetFeature).find((f) => f !== undefined);
    if (
      typeof start !== 'number' ||
      typeof end !== 'number' ||
      !Number.isInteger(start) ||
      !Number.isInteger(end) ||
      start < 0 ||
      end <= start ||
      end > bytes.length ||
      !feature
    ) {
      ignored++;
      continue;
    }
    spans.push({ start, end, feature });
  }
  ignored += Math.max(0, list.length - MAX_FACETS);
  spans.sort((a, b) => a.start - b.start);
  const segments: RichSegment[] = [];
  let at = 0;
  for (const span of spans) {
    if (span.start < at) {
      ignored++;
      continue;
    }
    if (span.start > at) segments.push({ kind: 'text', text: slice(at, span.start) });
    segments.push(span.feature(slice(span.start, span.end)));
    at = span.end;
  }
  if (at < bytes.length || segments.length === 0) segments.push({ kind: 'text', text: slice(at, bytes.length) });
  return { segments, ignored };
}

function facetFeature(feature: unknown): ((text: string) => Exclude<RichSegment, { kind: 'text' }>) | undefined {
  if (!isObj(feature)) return undefined;
  switch (feature.$type) {
    case 'app.bsky.richtext.facet#link': {
      const uri = str(feature.uri);
      return uri === undefined ? undefined : (text) => ({ kind: 'link', text, uri });
    }
    case 'app.bsky.richtext.facet#mention': {
      const did = str(feature.did);
      return did === undefined
        ? undefined
        : (text) => ({ kind: 'mention', text, account: { did, identity: failed('skipped') } });
    }
    case 'app.bsky.richtext.facet#tag': {
      const tag = str(feature.tag);
      return tag === undefined ? undefined : (text) => ({ kind: 'tag', text, tag });
    }
    default:
      return undefined;
  }
}

/** A profile field's value as the window shows it. */
function fieldValue(field: string, value: unknown, did: string, sent: boolean): FieldValue {
  if (typeof value === 'string') return { kind: 'text', text: value };
  if ((field === 'avatar' || field === 'banner') && isObj(value)) {
    const image = imageRef(value, did, sent);
    if (image) return { kind: 'image', image };
  }
  if (isObj(value) && typeof value.uri === 'string' && Object.keys(value).every((k) => k === 'uri' || k === 'cid')) {
    return { kind: 'text', text: value.uri }; // a strong reference (pinned post, starter pack)
  }
  let json: string;
  try {
    json = canonicalJson(value);
  } catch {
    json = String(value);
  }
  return { kind: 'other', json: json.length > MAX_JSON ? `${json.slice(0, MAX_JSON)}…` : json };
}

/** The fields that differ between two versions of a record, in a stable order ($type aside). */
export function fieldChanges(before: Obj, after: Obj, did: string): FieldChange[] {
  const order = ['displayName', 'description', 'pronouns', 'website', 'avatar', 'banner', 'pinnedPost'];
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((f) => f !== '$type')
    .sort((a, b) => {
      const ia = order.indexOf(a);
      const ib = order.indexOf(b);
      return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib) || a.localeCompare(b);
    });
  const changes: FieldChange[] = [];
  for (const field of fields) {
    const was = before[field];
    const will = after[field];
    if (was !== undefined && will !== undefined && canonicalJson(was) === canonicalJson(will)) continue;
    changes.push({
      field,
      ...(was !== undefined ? { before: fieldValue(field, was, did, false) } : {}),
      ...(will !== undefined ? { after: fieldValue(field, will, did, true) } : {}),
    });
  }
  return changes;
}

async function previewServiceAuth(intent: DisplayedIntent, ctx: PreviewContext): Promise<ServiceAuthPreview> {
  const terms = serviceAuthTerms(intent.params, ctx.now);
  const doc = await ctx.lookups.didDocument(terms.audDid);
  let services: Lookup<DidService[]>;
  if (!doc.ok) services = failed(doc.failure);
  else if (terms.serviceId) {
    const service = findService(doc.value, terms.serviceId);
    services = service ? found([service]) : failed('not-found');
  } else services = found(doc.value.services.slice(0, 5));
  return { kind: 'serviceAuth', ...terms, services };
}
