import type { Json, XrpcIntent } from '../broker/intent';
import { REPO_WRITES, WRITE_TYPES } from '../broker/intent';
import { siteTextSegments } from '../ui/consent/site-text';
import type { CallReport } from './call-report';

/** What one kind of change did: created/updated/deleted records of a collection, or uploaded files of a type. */
export type ChangeKind = 'create' | 'update' | 'delete' | 'upload';

/** One line of a summary: how many changes of one kind, to one collection (an upload: the file's type). */
export interface ChangeCount {
  kind: ChangeKind;
  /** The collection's NSID, or an upload's declared MIME type. */
  target: string;
  count: number;
}

/** A write a site made on the user's behalf and the PDS accepted. */
export interface WriteSummary {
  origin: string;
  did: string;
  at: number;
  changes: ChangeCount[];
  /** The first record's `text` field, if it has one, as site text (not yet made safe to show). */
  text?: string;
}

const SINGLE_WRITE_KINDS: Record<string, ChangeKind> = {
  'com.atproto.repo.createRecord': 'create',
  'com.atproto.repo.putRecord': 'update',
  'com.atproto.repo.deleteRecord': 'delete',
};
const UPLOAD = 'com.atproto.repo.uploadBlob';

type JsonObject = { [key: string]: Json };
const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const stringField = (value: Json | undefined, key: string): string | undefined => {
  const field = isObject(value) ? value[key] : undefined;
  return typeof field === 'string' ? field : undefined;
};

/**
 * The write a report describes, or undefined when it is no write that happened: a read, a service token,
 * a rejected or failed call, or a PDS answer other than 2xx (the PDS did not apply it).
 */
export function writeOf(report: CallReport): WriteSummary | undefined {
  const { outcome } = report;
  if (report.method !== 'atproto_xrpc' || outcome.kind !== 'answered') return undefined;
  if (outcome.status < 200 || outcome.status > 299) return undefined;
  const changes = changesOf(report.intent);
  return changes && { origin: report.origin, did: report.did, at: report.at, ...changes };
}

/** What a request asks to change (whatever became of it), or undefined when it is no repo write or upload. */
export function changesOf(intent: XrpcIntent): Pick<WriteSummary, 'changes' | 'text'> | undefined {
  if (intent.nsid === UPLOAD) {
    const type = intent.body.kind === 'none' ? 'application/octet-stream' : intent.body.encoding;
    return { changes: [{ kind: 'upload', target: type, count: 1 }] };
  }
  if (!REPO_WRITES.has(intent.nsid) || intent.body.kind !== 'json') return undefined;
  const body = intent.body.value;
  const single = SINGLE_WRITE_KINDS[intent.nsid];
  if (single) {
    const text = stringField(isObject(body) ? body.record : undefined, 'text');
    const changes = [{ kind: single, target: stringField(body, 'collection') ?? '', count: 1 }];
    return { changes, ...(text === undefined ? {} : { text }) };
  }
  // applyWrites: the broker refused any body that does not name each write's type and collection.
  const writes = isObject(body) && Array.isArray(body.writes) ? body.writes : [];
  const changes: ChangeCount[] = [];
  let text: string | undefined;
  for (const write of writes) {
    const kind = WRITE_TYPES[stringField(write, '$type') as keyof typeof WRITE_TYPES];
    if (!kind) continue;
    addChanges(changes, [{ kind, target: stringField(write, 'collection') ?? '', count: 1 }]);
    text ??= stringField(isObject(write) ? write.value : undefined, 'text');
  }
  return { changes, ...(text === undefined ? {} : { text }) };
}

/** Adds counts into a list of counts, merging lines of the same kind and target (in place). */
export function addChanges(into: ChangeCount[], more: readonly ChangeCount[]): void {
  for (const change of more) {
    const same = into.find((c) => c.kind === change.kind && c.target === change.target);
    if (same) same.count += change.count;
    else into.push({ ...change });
  }
}

export const changeTotal = (changes: readonly ChangeCount[]): number => changes.reduce((n, c) => n + c.count, 0);

/** Longest site text a notification quotes (characters). */
export const SNIPPET_MAX = 80;

/**
 * Site text as a notification may quote it: notifications are plain text, but a site's text must not
 * reorder or hide what AT Keyring writes around it, nor fill the notification. Invisible, direction-changing
 * and control characters are dropped (a notification has no way to show them as markers), line breaks and
 * runs of spaces become one space, and the text is cut at {@link SNIPPET_MAX} characters with an ellipsis.
 */
export function plainSnippet(text: string, max: number = SNIPPET_MAX): string {
  let shown = '';
  let cut = false;
  for (const segment of siteTextSegments(text, max)) {
    if (segment.kind === 'text') shown += segment.text;
    else if (segment.kind === 'cut') cut = true;
  }
  const collapsed = shown.replace(/\s+/gu, ' ').trim();
  return cut ? `${collapsed}…` : collapsed;
}
