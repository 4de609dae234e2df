import { beforeEach, describe, expect, it } from 'vitest';
import { parseXrpcIntent, serviceAuthIntent } from '../broker/intent';
import type { XrpcParams } from '../protocol/page';
import { type KeyringDB, openKeyringDB } from '../storage/db';
import { ActivityLog, type ActivityLogDeps, dayOf, MAX_KEPT_BODY } from './activity-log';
import type { CallOutcome, CallReport } from './call-report';

const SITE = 'https://site.example';
const OTHER = 'https://other.example';
const ALICE = 'did:plc:alice';
const BOB = 'did:plc:bob';
const POST = 'app.bsky.feed.post';
const DAY = 24 * 60 * 60_000;

const answered = (body: unknown, status = 200): CallOutcome => ({
  kind: 'answered',
  status,
  result: { status, headers: { 'content-type': 'application/json' }, body },
});

let db: KeyringDB;
let clock: number;
let deletes: Array<{ did: string; collection: string; rkey: string; swapRecord: string }>;
let deleteAnswer: { status: number; error?: string };
let n = 0;

function newLog(overrides: Partial<ActivityLogDeps> = {}) {
  return new ActivityLog({
    db,
    now: () => clock,
    async deleteRecord(did, record) {
      deletes.push({ did, ...record });
      return deleteAnswer;
    },
    ...overrides,
  });
}

function report(call: XrpcParams, overrides: Partial<CallReport> = {}): CallReport {
  return {
    at: clock,
    origin: SITE,
    did: ALICE,
    method: 'atproto_xrpc',
    intent: parseXrpcIntent(call),
    prompted: false,
    remembered: false,
    outcome: answered({}),
    ...overrides,
  };
}

const createPost = (text: string, repo = ALICE): XrpcParams => ({
  nsid: 'com.atproto.repo.createRecord',
  body: { repo, collection: POST, record: { $type: POST, text, createdAt: '2026-01-01T00:00:00Z' } },
});
const created = (rkey: string, did = ALICE) =>
  answered({ uri: `at://${did}/${POST}/${rkey}`, cid: `bafy${rkey}`, commit: { cid: 'c', rev: 'r' } });
const getRecord: XrpcParams = {
  nsid: 'com.atproto.repo.getRecord',
  params: { repo: ALICE, collection: POST, rkey: 'x' },
};

beforeEach(async () => {
  db = await openKeyringDB(`activity-${++n}`);
  clock = Date.parse('2026-12-07T12:00:00Z');
  deletes = [];
  deleteAnswer = { status: 200 };
});

describe('the activity log', () => {
  it('logs a write within the grant with what it changed, its text and the record it created', async () => {
    const log = newLog();
    await log.observe(report(createPost('hello world'), { outcome: created('3kabc') }));
    const { entries, next } = await log.list({ limit: 50 });
    expect(next).toBeUndefined();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      origin: SITE,
      did: ALICE,
      method: 'atproto_xrpc',
      prompted: false,
      text: 'hello world',
      changes: [{ kind: 'create', target: POST, count: 1 }],
      outcome: { kind: 'answered', status: 200 },
      created: [{ uri: `at://${ALICE}/${POST}/3kabc`, cid: 'bafy3kabc', collection: POST, rkey: '3kabc' }],
    });
    // The answer's body is not kept, only its status.
    expect(JSON.stringify(entries[0])).not.toContain('commit');
  });

  it('counts 1,000 unprompted reads in one row per day, site and account, and logs none of them', async () => {
    const log = newLog();
    for (let i = 0; i < 1000; i++) await log.observe(report(getRecord));
    await log.observe(report(getRecord, { origin: OTHER }));
    await log.observe(report(getRecord, { outcome: { kind: 'failed', code: -32603, reason: 'network' } }));
    expect(await db.count('activity')).toBe(0);
    await log.flush();
    expect(await db.count('readCounts')).toBe(2);
    expect(await log.reads({ origin: SITE })).toEqual([
      { day: dayOf(clock), origin: SITE, did: ALICE, count: 1001, failed: 1 },
    ]);
    // Counts add up across flushes and days.
    await log.observe(report(getRecord));
    clock += DAY;
    await log.observe(report(getRecord, { at: clock }));
    const reads = await log.reads({ origin: SITE, did: ALICE });
    expect(reads.map((r) => [r.day, r.count])).toEqual([
      [dayOf(clock), 1],
      [dayOf(clock - DAY), 1002],
    ]);
  });

  it('logs a prompted read, a refused write and a service token', async () => {
    const log = newLog();
    await log.observe(report(getRecord, { prompted: true }));
    await log.observe(report(createPost('no'), { prompted: true, outcome: { kind: 'rejected', reason: 'denied' } }));
    await log.observe(
      report(getRecord, {
        method: 'atproto_serviceAuth',
        intent: serviceAuthIntent({ aud: 'did:web:video.example', lxm: 'app.bsky.video.getUploadLimits' }),
        outcome: answered({ token: 'secret-token' }),
      }),
    );
    const { entries } = await log.list({ limit: 10 });
    expect(entries.map((e) => [e.method, e.intent.nsid, e.outcome.kind])).toEqual([
      ['atproto_serviceAuth', 'com.atproto.server.getServiceAuth', 'answered'],
      ['atproto_xrpc', 'com.atproto.repo.createRecord', 'rejected'],
      ['atproto_xrpc', 'com.atproto.repo.getRecord', 'answered'],
    ]);
    expect(entries[0]!.intent.params).toMatchObject({ aud: 'did:web:video.example' });
    // The token a site obtained never reaches the log.
    expect(JSON.stringify(entries)).not.toContain('secret-token');
  });

  it('pages newest first, per site, per account and both', async () => {
    const log = newLog();
    for (let i = 0; i < 7; i++) {
      const origin = i % 2 ? OTHER : SITE;
      const did = i < 4 ? ALICE : BOB;
      await log.observe(report(createPost(`post ${i}`, did), { origin, did }));
    }
    const texts = (page: { entries: { text?: string }[] }) => page.entries.map((e) => e.text);
    const first = await log.list({ limit: 3 });
    expect(texts(first)).toEqual(['post 6', 'post 5', 'post 4']);
    const second = await log.list({ limit: 3, before: first.next! });
    expect(texts(second)).toEqual(['post 3', 'post 2', 'post 1']);
    expect(texts(await log.list({ limit: 3, before: second.next! }))).toEqual(['post 0']);
    expect(texts(await log.list({ limit: 10, origin: SITE }))).toEqual(['post 6', 'post 4', 'post 2', 'post 0']);
    expect(texts(await log.list({ limit: 10, did: BOB }))).toEqual(['post 6', 'post 5', 'post 4']);
    expect(texts(await log.list({ limit: 10, origin: OTHER, did: ALICE }))).toEqual(['post 3', 'post 1']);
    const perSite = await log.list({ limit: 2, origin: SITE });
    expect(texts(await log.list({ limit: 2, origin: SITE, before: perSite.next! }))).toEqual(['post 2', 'post 0']);
    expect(await log.facets()).toEqual({ origins: [OTHER, SITE].sort(), dids: [ALICE, BOB].sort() });
  });

  it('keeps at most its entries and nothing older than its days', async () => {
    const log = newLog({ retention: { days: 90, entries: 150 } });
    clock -= 100 * DAY;
    await log.observe(report(createPost('very old')));
    clock += 100 * DAY;
    for (let i = 0; i < 250; i++) await log.observe(report(createPost(`post ${i}`)));
    const { entries } = await log.list({ limit: 200 });
    // Trimmed every 100 entries: never more than the limit plus one batch, and the oldest went first.
    expect(entries.length).toBeLessThanOrEqual(250);
    expect(entries.map((e) => e.text)).not.toContain('very old');
    expect(entries[0]!.text).toBe('post 249');
    const count = await db.count('activity');
    expect(count).toBeLessThanOrEqual(150 + 100);
    const all = await db.getAll('activity');
    expect(all[0]!.text).toBe(`post ${250 - count}`);
  });

  it('keeps a large body by its size only, and an upload by its type and size', async () => {
    const log = newLog();
    await log.observe(report(createPost('x'.repeat(MAX_KEPT_BODY + 1))));
    await log.observe(
      report({ nsid: 'com.atproto.repo.uploadBlob', body: new Uint8Array(5000), encoding: 'image/png' }),
    );
    const [upload, big] = (await log.list({ limit: 2 })).entries;
    expect(upload!.intent.body).toEqual({ kind: 'bytes', encoding: 'image/png', size: 5000 });
    expect(upload!.changes).toEqual([{ kind: 'upload', target: 'image/png', count: 1 }]);
    expect(big!.intent.body).toMatchObject({ kind: 'omitted' });
    expect(big!.text!.length).toBe(MAX_KEPT_BODY);
  });

  it('takes as created only records of the account’s own repository that the PDS named', async () => {
    const log = newLog();
    await log.observe(report(createPost('a'), { outcome: created('3kabc', BOB) }));
    await log.observe(report(createPost('b'), { outcome: answered({ uri: `at://${ALICE}/${POST}/a/b`, cid: 'x' }) }));
    await log.observe(report(createPost('c'), { outcome: answered({ uri: `at://${ALICE}/${POST}/x`, cid: 5 }) }));
    await log.observe(report(createPost('d'), { outcome: answered({ error: 'InvalidRequest' }, 400) }));
    const { entries } = await log.list({ limit: 10 });
    expect(entries.map((e) => e.created)).toEqual([undefined, undefined, undefined, undefined]);
    expect(entries[0]!.outcome).toEqual({ kind: 'answered', status: 400, error: 'InvalidRequest' });
    await expect(log.undo(entries[1]!.id!)).rejects.toMatchObject({ code: 'nothing-to-undo' });
  });

  it('undoes a created record only if unchanged (swapRecord), logs the undo, and refuses a second one', async () => {
    const log = newLog();
    await log.observe(report(createPost('oops'), { outcome: created('3kabc') }));
    const [entry] = (await log.list({ limit: 1 })).entries;
    const result = await log.undo(entry!.id!);
    expect(deletes).toEqual([{ did: ALICE, collection: POST, rkey: '3kabc', swapRecord: 'bafy3kabc' }]);
    expect(result.deleted).toEqual([`at://${ALICE}/${POST}/3kabc`]);
    const { entries } = await log.list({ limit: 10 });
    expect(entries[0]).toMatchObject({ method: 'undo', undoOf: entry!.id, origin: SITE, outcome: { status: 200 } });
    expect(entries[1]!.undone).toEqual({ at: clock, entry: entries[0]!.id });
    await expect(log.undo(entry!.id!)).rejects.toMatchObject({ code: 'already-undone' });
    await expect(log.undo(9999)).rejects.toMatchObject({ code: 'not-found' });
    expect(deletes).toHaveLength(1);
  });

  it('leaves a record changed since in place, and the entry can be tried again', async () => {
    const log = newLog();
    await log.observe(
      report(
        {
          nsid: 'com.atproto.repo.applyWrites',
          body: {
            repo: ALICE,
            writes: [
              { $type: 'com.atproto.repo.applyWrites#create', collection: POST, value: { text: 'one' } },
              { $type: 'com.atproto.repo.applyWrites#create', collection: POST, value: { text: 'two' } },
            ],
          },
        },
        {
          outcome: answered({
            results: [
              { $type: 'com.atproto.repo.applyWrites#createResult', uri: `at://${ALICE}/${POST}/a1`, cid: 'c1' },
              { $type: 'com.atproto.repo.applyWrites#createResult', uri: `at://${ALICE}/${POST}/a2`, cid: 'c2' },
            ],
          }),
        },
      ),
    );
    const [entry] = (await log.list({ limit: 1 })).entries;
    expect(entry!.created?.map((r) => r.rkey)).toEqual(['a1', 'a2']);
    let calls = 0;
    const log2 = newLog({
      async deleteRecord(_did, record) {
        calls++;
        return record.rkey === 'a2' ? { status: 400, error: 'InvalidSwap' } : { status: 200 };
      },
    });
    const result = await log2.undo(entry!.id!);
    expect(calls).toBe(2);
    expect(result.deleted).toEqual([`at://${ALICE}/${POST}/a1`]);
    expect(result.kept).toEqual([{ uri: `at://${ALICE}/${POST}/a2`, reason: 'InvalidSwap' }]);
    expect(result.entry.undone).toBeUndefined();
    expect(result.entry.created?.map((r) => r.rkey)).toEqual(['a2']);
    const undo = (await log2.list({ limit: 1 })).entries[0]!;
    expect(undo.outcome).toMatchObject({ kind: 'failed', reason: 'InvalidSwap' });
  });

  describe('what Undo may delete (attacks on the answer a call gets)', () => {
    const important = `at://${ALICE}/${POST}/3kimportant2`;
    const namesImportant = answered({ uri: important, cid: 'bafyimportant' });
    const undoable = async (log: ActivityLog) => (await log.list({ limit: 1 })).entries[0]!.created;

    it('takes no record from a proxied procedure that answers with the name of one of the user’s records', async () => {
      const log = newLog();
      const call = {
        nsid: 'com.example.feed.publish',
        body: { repo: ALICE, collection: POST },
        proxy: 'did:web:evil.example#svc',
      };
      await log.observe(report(call, { outcome: namesImportant }));
      expect(await undoable(log)).toBeUndefined();
      // Even named like a repo write's answer, under another method nothing is taken.
      await log.observe(
        report(
          {
            nsid: 'com.atproto.repo.putRecord',
            body: { repo: ALICE, collection: POST, rkey: '3kimportant2', record: { text: 'x' } },
          },
          { outcome: namesImportant },
        ),
      );
      expect(await undoable(log)).toBeUndefined();
    });

    it('takes only the collection and rkey the request asked to create', async () => {
      const log = newLog();
      const like = {
        nsid: 'com.atproto.repo.createRecord',
        body: { repo: ALICE, collection: 'app.bsky.feed.like', record: {} },
      };
      await log.observe(report(like, { outcome: namesImportant }));
      expect(await undoable(log)).toBeUndefined();
      const named = {
        nsid: 'com.atproto.repo.createRecord',
        body: { repo: ALICE, collection: POST, rkey: '3knamed22222', record: {} },
      };
      await log.observe(report(named, { outcome: namesImportant }));
      expect(await undoable(log)).toBeUndefined();
      await log.observe(report(named, { outcome: answered({ uri: `at://${ALICE}/${POST}/3knamed22222`, cid: 'c' }) }));
      expect((await undoable(log))?.map((r) => r.rkey)).toEqual(['3knamed22222']);
    });

    it('pairs applyWrites results with the writes by position: a delete’s slot answered as a create is ignored', async () => {
      const log = newLog();
      const writes = {
        nsid: 'com.atproto.repo.applyWrites',
        body: {
          repo: ALICE,
          writes: [
            { $type: 'com.atproto.repo.applyWrites#delete', collection: POST, rkey: '3kgone222222' },
            { $type: 'com.atproto.repo.applyWrites#create', collection: POST, value: { text: 'new' } },
          ],
        },
      };
      const result = (uri: string, cid: string) => ({ $type: 'com.atproto.repo.applyWrites#createResult', uri, cid });
      await log.observe(
        report(writes, {
          outcome: answered({
            results: [result(important, 'bafyimportant'), result(`at://${ALICE}/${POST}/3knew2222222`, 'c2')],
          }),
        }),
      );
      expect((await undoable(log))?.map((r) => r.uri)).toEqual([`at://${ALICE}/${POST}/3knew2222222`]);
    });
  });
});
