import { isValidNsid, isValidRecordKey } from '@atproto/syntax';
import type { IntentBody, XrpcIntent } from '../broker/intent';
import type { KeyringDB } from '../storage/db';
import type { CallObserver, CallOutcome, CallReport } from './call-report';
import { type ChangeCount, changesOf } from './write-summary';

/** How long the log keeps an entry, and how many it keeps at most (the oldest go first). */
export const ACTIVITY_RETENTION = { days: 90, entries: 10_000 };
/** A request body larger than this (as JSON) is not kept: the entry keeps what it changed, not the content. */
export const MAX_KEPT_BODY = 8 * 1024;
/** Counted reads reach storage at most this often (the worker outlives it: Chrome stops one idle for 30 s). */
const READ_FLUSH_MS = 2_000;
/** The log is trimmed to its limits every this many new entries (and on the first one after a wake). */
const PRUNE_EVERY = 100;
const DAY_MS = 24 * 60 * 60_000;

/** A request's body as the log keeps it: file bytes by type and size, a body too large by its size only. */
export type LoggedBody =
  | Exclude<IntentBody, { kind: 'bytes' }>
  | { readonly kind: 'bytes'; readonly encoding: string; readonly size: number }
  | { readonly kind: 'omitted'; readonly size: number };
export type LoggedIntent = Omit<XrpcIntent, 'body'> & { readonly body: LoggedBody };

/** A record a logged call created, as the PDS named it: what an undo deletes, if it is still that version. */
export interface CreatedRecord {
  uri: string;
  cid: string;
  collection: string;
  rkey: string;
}

/** How a logged call ended, as the log keeps it (an answer by its status, never its body). */
export type LoggedOutcome =
  | { kind: 'answered'; status: number; error?: string }
  | Exclude<CallOutcome, { kind: 'answered' }>;

/**
 * One thing a site did as an account: a write or other procedure, a prompted call, a service token it
 * obtained; or the user's undo of a site's records (`method: 'undo'`, `undoOf` the entry undone).
 */
export interface ActivityEntry {
  /** Assigned by the store, increasing: the log's order. */
  id?: number;
  at: number;
  origin: string;
  did: string;
  method: CallReport['method'] | 'undo';
  /** The request as the broker judged and sent it. */
  intent: LoggedIntent;
  /** What it asked to change (repo writes and uploads). */
  changes?: ChangeCount[];
  /** The first record's text, as the site wrote it (shown through the site-text rules). */
  text?: string;
  prompted: boolean;
  remembered: boolean;
  outcome: LoggedOutcome;
  /** Records the call created, as the PDS answered. */
  created?: CreatedRecord[];
  /** The user undid it: when, and the log entry of the undo. */
  undone?: { at: number; entry: number };
  undoOf?: number;
}

/** Unprompted reads of one site as one account on one (local) day. */
export interface ReadCount {
  day: string;
  origin: string;
  did: string;
  count: number;
  /** Of them, how many found no answer (the PDS unreachable, a broker refusal). */
  failed: number;
}

export interface ActivityQuery {
  origin?: string;
  did?: string;
  /** Entries older than this id (the `next` of the previous page). */
  before?: number;
  limit: number;
}

export interface ActivityPage {
  entries: ActivityEntry[];
  /** Ask with `before: next` for the page after this one; absent: this was the last. */
  next?: number;
}

/** What an undo did, record by record. */
export interface UndoResult {
  entry: ActivityEntry;
  deleted: string[];
  /** Records left in place: changed since the site wrote them, already gone, or the PDS refused. */
  kept: Array<{ uri: string; reason: string }>;
}

export class ActivityError extends Error {
  constructor(
    readonly code: 'not-found' | 'nothing-to-undo' | 'already-undone',
    message: string,
  ) {
    super(message);
    this.name = 'ActivityError';
  }
}

export interface ActivityLogDeps {
  db: KeyringDB;
  /**
   * Deletes one record as `did`, only if it is still the version `swapRecord` names; the PDS's status
   * and error name. An undo never deletes a record the user or another app has changed since.
   */
  deleteRecord(
    did: string,
    record: { collection: string; rkey: string; swapRecord: string },
  ): Promise<{ status: number; error?: string }>;
  now?: () => number;
  /** The log's limits (tests use small ones). */
  retention?: { days: number; entries: number };
}

/** The local calendar day of a time: what "reads today" means to the person looking. */
export function dayOf(at: number): string {
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * The activity log (a call report observer). A write reaches storage before the page has its answer, so
 * nothing a site did is missing from the log; a read is only counted, in memory, and the counts are
 * flushed within seconds: a feed reader's thousands of reads add no rows and cost no storage each.
 */
export class ActivityLog {
  readonly #now: () => number;
  readonly #retention: { days: number; entries: number };
  readonly #pendingReads = new Map<string, ReadCount>();
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #sincePrune = PRUNE_EVERY;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ActivityLogDeps) {
    this.#now = deps.now ?? Date.now;
    this.#retention = deps.retention ?? ACTIVITY_RETENTION;
  }

  readonly observe: CallObserver = (report) => {
    if (isCountedRead(report)) {
      this.#countRead(report);
      return;
    }
    return this.#serial(() => this.#append(entryOf(report)));
  };

  /** Writes the counted reads now (before a listing, and in tests). */
  flush(): Promise<void> {
    return this.#serial(() => this.#flushReads());
  }

  async list(query: ActivityQuery): Promise<ActivityPage> {
    await this.#settled();
    const limit = Math.max(1, Math.min(query.limit, 200));
    const before = query.before ?? Number.MAX_SAFE_INTEGER;
    const tx = this.deps.db.transaction('activity');
    const source =
      query.origin !== undefined
        ? tx.store
            .index('origin')
            .openCursor(IDBKeyRange.bound([query.origin, 0], [query.origin, before], false, true), 'prev')
        : query.did !== undefined
          ? tx.store
              .index('did')
              .openCursor(IDBKeyRange.bound([query.did, 0], [query.did, before], false, true), 'prev')
          : tx.store.openCursor(IDBKeyRange.upperBound(before, true), 'prev');
    const entries: ActivityEntry[] = [];
    let next: number | undefined;
    for (let cursor = await source; cursor; cursor = await cursor.continue()) {
      const entry = cursor.value;
      // Both filters: walk one site's entries and keep the account's.
      if (query.origin !== undefined && query.did !== undefined && entry.did !== query.did) continue;
      if (entries.length === limit) {
        next = entries.at(-1)!.id;
        break;
      }
      entries.push(entry);
    }
    return { entries, ...(next === undefined ? {} : { next }) };
  }

  /** Counted reads, newest day first, of one site, one account, or all. */
  async reads(filter: { origin?: string; did?: string } = {}): Promise<ReadCount[]> {
    await this.flush();
    const store = this.deps.db.transaction('readCounts').store;
    const rows =
      filter.origin !== undefined
        ? await store.index('origin').getAll(filter.origin)
        : filter.did !== undefined
          ? await store.index('did').getAll(filter.did)
          : await store.getAll();
    return rows
      .filter((row) => filter.did === undefined || row.did === filter.did)
      .sort((a, b) => b.day.localeCompare(a.day) || a.origin.localeCompare(b.origin) || a.did.localeCompare(b.did));
  }

  /** The sites and accounts the log has entries of (for its filters). */
  async facets(): Promise<{ origins: string[]; dids: string[] }> {
    await this.#settled();
    const tx = this.deps.db.transaction(['activity', 'readCounts']);
    const distinct = async (index: 'origin' | 'did') => {
      const found = new Set<string>();
      // One step per distinct value: skip past each value's entries.
      let cursor = await tx.objectStore('activity').index(index).openKeyCursor();
      while (cursor) {
        const value = cursor.key[0];
        found.add(value);
        cursor = await cursor.continue([value, Number.POSITIVE_INFINITY]);
      }
      for (const row of await tx.objectStore('readCounts').getAll()) found.add(row[index]);
      return [...found].sort();
    };
    return { origins: await distinct('origin'), dids: await distinct('did') };
  }

  /** Everything the log holds, for the user to keep (JSON). */
  async export(): Promise<{ exportedAt: string; entries: ActivityEntry[]; reads: ReadCount[] }> {
    await this.flush();
    const entries = await this.deps.db.getAll('activity');
    const reads = await this.deps.db.getAll('readCounts');
    return { exportedAt: new Date(this.#now()).toISOString(), entries, reads };
  }

  /**
   * Deletes the records a logged call created, each only if it is still the version the site wrote; the log
   * records the undo. The caller has shown the user those records and had the undo confirmed.
   */
  undo(id: number): Promise<UndoResult> {
    return this.#serial(async () => {
      const entry = await this.deps.db.get('activity', id);
      if (!entry) throw new ActivityError('not-found', 'No such activity entry');
      if (entry.undone) throw new ActivityError('already-undone', 'This was undone already');
      if (!entry.created?.length) throw new ActivityError('nothing-to-undo', 'This created no records to delete');
      const deleted: string[] = [];
      const kept: UndoResult['kept'] = [];
      for (const record of entry.created) {
        try {
          const answer = await this.deps.deleteRecord(entry.did, {
            collection: record.collection,
            rkey: record.rkey,
            swapRecord: record.cid,
          });
          if (answer.status >= 200 && answer.status < 300) deleted.push(record.uri);
          else kept.push({ uri: record.uri, reason: answer.error ?? `HTTP ${answer.status}` });
        } catch (err) {
          kept.push({ uri: record.uri, reason: (err as Error).message || 'unreachable' });
        }
      }
      const at = this.#now();
      const undo: ActivityEntry = {
        at,
        origin: entry.origin,
        did: entry.did,
        method: 'undo',
        intent: undoIntent(entry.did, entry.created),
        changes: [...new Set(entry.created.map((r) => r.collection))].map((collection) => ({
          kind: 'delete' as const,
          target: collection,
          count: entry.created!.filter((r) => r.collection === collection && deleted.includes(r.uri)).length,
        })),
        prompted: true,
        remembered: false,
        outcome: kept.length
          ? { kind: 'failed', code: 0, reason: kept.map((k) => k.reason).join(', ') }
          : { kind: 'answered', status: 200 },
        undoOf: id,
      };
      const undoId = await this.#store(undo);
      // An entry counts as undone once nothing it created is left: a partial undo can be tried again.
      const remaining = entry.created.filter((r) => !deleted.includes(r.uri));
      const updated: ActivityEntry = remaining.length
        ? { ...entry, created: remaining }
        : { ...entry, undone: { at, entry: undoId } };
      await this.deps.db.put('activity', updated);
      return { entry: updated, deleted, kept };
    });
  }

  /** Once every entry observed so far is stored (the broker does not wait for that: readers do). */
  #settled(): Promise<void> {
    return this.#serial(async () => {});
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => {});
    return run;
  }

  #countRead(report: CallReport): void {
    const day = dayOf(report.at);
    const key = `${day}\n${report.origin}\n${report.did}`;
    const row = this.#pendingReads.get(key) ?? { day, origin: report.origin, did: report.did, count: 0, failed: 0 };
    row.count++;
    if (report.outcome.kind === 'failed') row.failed++;
    this.#pendingReads.set(key, row);
    this.#flushTimer ??= setTimeout(() => {
      this.#flushTimer = undefined;
      void this.flush().catch((err) => console.error('AT Keyring: counting reads failed', err));
    }, READ_FLUSH_MS);
  }

  async #flushReads(): Promise<void> {
    if (this.#pendingReads.size === 0) return;
    const rows = [...this.#pendingReads.values()];
    this.#pendingReads.clear();
    const tx = this.deps.db.transaction('readCounts', 'readwrite');
    await Promise.all(
      rows.map(async (row) => {
        const stored = await tx.store.get([row.day, row.origin, row.did]);
        await tx.store.put(
          stored ? { ...stored, count: stored.count + row.count, failed: stored.failed + row.failed } : row,
        );
      }),
    );
    await tx.done;
  }

  async #append(entry: ActivityEntry): Promise<void> {
    await this.#store(entry);
  }

  async #store(entry: ActivityEntry): Promise<number> {
    const id = await this.deps.db.add('activity', entry);
    if (++this.#sincePrune >= PRUNE_EVERY) {
      this.#sincePrune = 0;
      await this.#prune();
    }
    return id;
  }

  /** Keeps the log within its limits: nothing older than the retention days, no more than its entries. */
  async #prune(): Promise<void> {
    const cutoff = this.#now() - this.#retention.days * DAY_MS;
    const tx = this.deps.db.transaction(['activity', 'readCounts'], 'readwrite');
    const activity = tx.objectStore('activity');
    for (let c = await activity.index('at').openCursor(IDBKeyRange.upperBound(cutoff, true)); c; c = await c.continue())
      await c.delete();
    let excess = (await activity.count()) - this.#retention.entries;
    for (let c = await activity.openCursor(); c && excess > 0; c = await c.continue(), excess--) await c.delete();
    const oldestDay = dayOf(cutoff);
    const reads = tx.objectStore('readCounts');
    for (let c = await reads.openCursor(IDBKeyRange.upperBound([oldestDay], true)); c; c = await c.continue())
      await c.delete();
    await tx.done;
  }
}

/** A read that no one was asked about: counted, not logged (a prompted read is logged: the user saw it). */
function isCountedRead(report: CallReport): boolean {
  return report.method === 'atproto_xrpc' && report.intent.httpMethod === 'GET' && !report.prompted;
}

function entryOf(report: CallReport): ActivityEntry {
  const changes = changesOf(report.intent);
  const created = report.outcome.kind === 'answered' ? createdRecords(report, report.outcome) : [];
  return {
    at: report.at,
    origin: report.origin,
    did: report.did,
    method: report.method,
    intent: loggedIntent(report.intent),
    ...(changes ? { changes: changes.changes } : {}),
    ...(changes?.text !== undefined ? { text: changes.text.slice(0, MAX_KEPT_BODY) } : {}),
    prompted: report.prompted,
    remembered: report.remembered,
    outcome: loggedOutcome(report.outcome),
    ...(created.length ? { created } : {}),
  };
}

function loggedOutcome(outcome: CallOutcome): LoggedOutcome {
  if (outcome.kind !== 'answered') return outcome;
  const body = outcome.result.body as { error?: unknown } | null;
  const error = outcome.status >= 400 && typeof body?.error === 'string' ? body.error.slice(0, 100) : undefined;
  return { kind: 'answered', status: outcome.status, ...(error ? { error } : {}) };
}

export function loggedIntent(intent: XrpcIntent): LoggedIntent {
  const { body } = intent;
  if (body.kind === 'bytes')
    return { ...intent, body: { kind: 'bytes', encoding: body.encoding, size: body.data.size } };
  const size = body.kind === 'json' ? JSON.stringify(body.value).length : body.kind === 'text' ? body.text.length : 0;
  if (size > MAX_KEPT_BODY) return { ...intent, body: { kind: 'omitted', size } };
  return intent as LoggedIntent;
}

/**
 * The records a call created, as the PDS answered: only for createRecord and applyWrites run by the PDS
 * itself, and only records the request asked to create (same collection, same rkey when it named one, in
 * the account's own repository). Anything else in an answer is ignored: a site's own service, reached
 * through a proxy, could otherwise answer with the name of any of the user's records and have Undo delete it.
 */
function createdRecords(report: CallReport, outcome: Extract<CallOutcome, { kind: 'answered' }>): CreatedRecord[] {
  const { intent, did } = report;
  if (report.method !== 'atproto_xrpc' || intent.route !== 'pds' || intent.body.kind !== 'json') return [];
  if (outcome.status < 200 || outcome.status > 299) return [];
  const asked = askedCreates(intent.nsid, intent.body.value);
  if (!asked) return [];
  const body = outcome.result.body as Record<string, unknown> | null;
  if (!body || typeof body !== 'object') return [];
  // applyWrites answers one result per write, in the request's order.
  const answers: unknown[] = intent.nsid === APPLY_WRITES ? (Array.isArray(body.results) ? body.results : []) : [body];
  return asked.flatMap(({ index, collection, rkey }) => {
    const answer = answers[index] as { $type?: unknown; uri?: unknown; cid?: unknown } | undefined;
    if (intent.nsid === APPLY_WRITES && answer?.$type !== `${APPLY_WRITES}#createResult`) return [];
    const { uri, cid } = answer ?? {};
    if (typeof uri !== 'string' || typeof cid !== 'string' || cid.length > 128) return [];
    const prefix = `at://${did}/`;
    if (!uri.startsWith(prefix)) return [];
    const [answeredCollection, answeredRkey, ...rest] = uri.slice(prefix.length).split('/');
    if (rest.length || answeredCollection !== collection || !answeredRkey || !isValidRecordKey(answeredRkey)) return [];
    if (rkey !== undefined && answeredRkey !== rkey) return [];
    return [{ uri, cid, collection, rkey: answeredRkey }];
  });
}

const CREATE_RECORD = 'com.atproto.repo.createRecord';
const APPLY_WRITES = 'com.atproto.repo.applyWrites';

/** The creates a request asks for: where each is in the request, its collection, its rkey if it names one. */
function askedCreates(nsid: string, body: unknown): { index: number; collection: string; rkey?: string }[] | undefined {
  const field = (value: unknown, key: string) => {
    const v = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    return typeof v === 'string' ? v : undefined;
  };
  const create = (index: number, value: unknown) => {
    const collection = field(value, 'collection');
    if (!collection || !isValidNsid(collection)) return [];
    const rkey = field(value, 'rkey');
    return [{ index, collection, ...(rkey === undefined ? {} : { rkey }) }];
  };
  if (nsid === CREATE_RECORD) return create(0, body);
  if (nsid !== APPLY_WRITES) return undefined;
  const writes = (body as { writes?: unknown }).writes;
  if (!Array.isArray(writes)) return undefined;
  return writes.flatMap((write, index) =>
    field(write, '$type') === `${APPLY_WRITES}#create` ? create(index, write) : [],
  );
}

/** What an undo sends, as the log shows it: one deleteRecord per record (each with its swapRecord). */
function undoIntent(did: string, records: readonly CreatedRecord[]): LoggedIntent {
  return {
    nsid: 'com.atproto.repo.deleteRecord',
    key: 'com.atproto.repo.deleterecord',
    route: 'pds',
    httpMethod: 'POST',
    params: {},
    body: {
      kind: 'json',
      encoding: 'application/json',
      value: records.map((r) => ({ repo: did, collection: r.collection, rkey: r.rkey, swapRecord: r.cid })),
    },
  };
}
