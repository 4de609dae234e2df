import type { Page } from 'playwright-core';
import { inKeyringDb } from '../lib/keyring-db';
import { expectNoErrors } from '../lib/page-drivers';
import { ratioRow, SUMMARY_HEADER, type Summary, summarize, summaryRatios, summaryRow } from '../lib/stats';
import type { BenchContext, BenchPhase } from './phase';

/** The activity page with a full log may take this many times the popup's opening. */
export const ACTIVITY_TARGET_RATIO = 1.5;
/** The entries the full log is seeded with: the log's own limit (src/activity/activity-log.ts). */
export const SEEDED_ENTRIES = 10_000;
/** The reads a feed-reading site makes, in batches the rate limit allows. */
export const FEED_READS = 1_000;
const READ_BATCH = 200;
/** Counted reads reach storage within this (the log flushes them after 2 s). */
const READ_FLUSH_WAIT_MS = 3_000;

/** Each page counts as open once its content is in the document and a frame has been drawn after it. */
const READY: Record<string, string> = {
  '/popup.html': '[data-testid="account"], [data-testid="no-accounts"]',
  '/activity.html': '[data-testid="activity-entry"], [data-testid="activity-empty"]',
};

/**
 * Runs first in every extension page (an init script): notes, in ms since the page's navigation started,
 * the first frame drawn after its content appeared. Both pages are timed by the same rule.
 */
const PROBE = `(() => {
  const selector = ${JSON.stringify(READY)}[location.pathname];
  if (location.protocol !== 'chrome-extension:' || !selector) return;
  const done = () => requestAnimationFrame(() => requestAnimationFrame(() => { window.__benchReadyAt = performance.now(); }));
  const observer = new MutationObserver(() => {
    if (!document.querySelector(selector)) return;
    observer.disconnect();
    done();
  });
  observer.observe(document, { childList: true, subtree: true });
})();`;

export interface ActivityFigures {
  opens: number;
  popup: Summary;
  emptyLog: Summary;
  fullLog: Summary;
  /** The full log over the popup: the target's ratio. */
  ratio: { p50: number; p95: number; mean: number };
  /** The full log over the empty log: what 10,000 entries cost the page. */
  ratioOverEmptyLog: { p50: number; p95: number; mean: number };
  targetRatio: number;
  met: boolean;
  feedReads: { reads: number; rowsAdded: number; counted: number; met: boolean };
}

/** Adds `count` entries like the ones the broker logs (posts by 20 sites as 2 accounts); their id range. */
const seed = (db: IDBDatabase, { count, did }: { count: number; did: string }) =>
  new Promise<{ first: number; last: number }>((resolve, reject) => {
    const tx = db.transaction('activity', 'readwrite');
    const store = tx.objectStore('activity');
    const ids: number[] = [];
    const start = Date.now() - count * 60_000;
    for (let i = 0; i < count; i++) {
      const text = `Post ${i} of the seeded log: a sentence about the weather, a link and a mention or two.`;
      const record = { $type: 'app.bsky.feed.post', text, createdAt: new Date(start + i * 60_000).toISOString() };
      const body = { repo: did, collection: 'app.bsky.feed.post', record };
      const request = store.add({
        at: start + i * 60_000,
        origin: `http://site-${i % 20}.example`,
        did: i % 2 ? did : 'did:plc:benchotheraccount00000',
        method: 'atproto_xrpc',
        intent: {
          nsid: 'com.atproto.repo.createRecord',
          key: 'com.atproto.repo.createrecord',
          route: 'pds',
          httpMethod: 'POST',
          params: {},
          body: { kind: 'json', value: body, encoding: 'application/json' },
        },
        changes: [{ kind: 'create', target: 'app.bsky.feed.post', count: 1 }],
        text,
        prompted: i % 7 === 0,
        remembered: false,
        outcome: { kind: 'answered', status: 200 },
        created: [
          {
            uri: `at://${did}/app.bsky.feed.post/3kseed${i}`,
            cid: 'bafyseed',
            collection: 'app.bsky.feed.post',
            rkey: `3kseed${i}`,
          },
        ],
      });
      request.onsuccess = () => ids.push(request.result as number);
    }
    tx.oncomplete = () => resolve({ first: Math.min(...ids), last: Math.max(...ids) });
    tx.onerror = () => reject(tx.error);
  });

const removeRange = (db: IDBDatabase, { first, last }: { first: number; last: number }) =>
  new Promise<void>((resolve, reject) => {
    const tx = db.transaction('activity', 'readwrite');
    tx.objectStore('activity').delete(IDBKeyRange.bound(first, last));
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });

/** The log's rows, and the reads counted for an origin. */
const counts = (db: IDBDatabase, origin: string) =>
  new Promise<{ rows: number; reads: number }>((resolve, reject) => {
    const tx = db.transaction(['activity', 'readCounts']);
    const rows = tx.objectStore('activity').count();
    const reads = tx.objectStore('readCounts').index('origin').getAll(origin);
    tx.oncomplete = () =>
      resolve({
        rows: rows.result,
        reads: (reads.result as { count: number }[]).reduce((n, r) => n + r.count, 0),
      });
    tx.onerror = () => reject(tx.error);
  });

/** Opens an extension page in a tab; ms from its navigation to the first frame with its content. */
async function openTimed(ctx: BenchContext, path: string): Promise<number> {
  const page = await ctx.browser.context.newPage();
  try {
    await page.goto(`chrome-extension://${ctx.browser.extensionId}${path}`);
    const handle = await page.waitForFunction(() => (window as { __benchReadyAt?: number }).__benchReadyAt, null, {
      timeout: 15_000,
    });
    return (await handle.jsonValue()) as number;
  } finally {
    await page.close();
  }
}

/** Round trips of the privileged operations the activity page makes, from an extension page (ms each). */
function opTimes(page: Page, op: string, params: Record<string, unknown>, n: number): Promise<number[]> {
  return page.evaluate(
    async ({ op, params, n }) => {
      const chrome = (globalThis as unknown as { chrome: any }).chrome;
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const start = performance.now();
        const answer = await chrome.runtime.sendMessage({ op, ...params });
        if (!answer?.ok) throw new Error(`${op}: ${JSON.stringify(answer)}`);
        times.push(performance.now() - start);
      }
      return times;
    },
    { op, params, n },
  );
}

const LIST_FIRST_PAGE = { limit: 50 };

/** Times each page `opens` times, interleaved (one of each per turn, after one untimed turn). */
async function timeOpens(ctx: BenchContext, paths: string[], opens: number): Promise<number[][]> {
  for (const path of paths) await openTimed(ctx, path);
  const times = paths.map(() => [] as number[]);
  for (let i = 0; i < opens; i++) for (const [k, path] of paths.entries()) times[k]!.push(await openTimed(ctx, path));
  return times;
}

/**
 * Section 7b: the activity page opening on a log of 10,000 entries against the popup opening, both as
 * tabs of the same browser in one run; and a feed-reading site's 1,000 reads, which add no rows to the log.
 */
export const activity: BenchPhase<ActivityFigures> = {
  id: 'activity',
  section: '7b',
  resultKey: 'activityLog',
  label: (config) =>
    `activity page with ${SEEDED_ENTRIES.toLocaleString('en-US')} entries (${config.pageOpens} opens each)`,
  async run(ctx) {
    const opens = ctx.config.pageOpens;
    await ctx.browser.context.addInitScript(PROBE);
    const admin = await ctx.browser.context.newPage();
    await admin.goto(`chrome-extension://${ctx.browser.extensionId}/popup.html`);
    const did = await admin.evaluate(async () => {
      const chrome = (globalThis as unknown as { chrome: any }).chrome;
      const answer = await chrome.runtime.sendMessage({ op: 'accounts.list' });
      return answer.result.activeDid as string;
    });
    const origin = new URL(ctx.brokered.page.url()).origin;

    // A feed reader: reads through the broker, counted per day, no row each. Earlier phases' reads are
    // counted first (the log flushes counts after 2 s).
    await new Promise((resolve) => setTimeout(resolve, READ_FLUSH_WAIT_MS));
    const before = await inKeyringDb(admin, counts, origin);
    for (let done = 0; done < FEED_READS; done += READ_BATCH) {
      expectNoErrors('feed reads', await ctx.brokered.concurrent('atproto_xrpc', ctx.record.getRecord, READ_BATCH, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, READ_FLUSH_WAIT_MS));
    const after = await inKeyringDb(admin, counts, origin);
    const feedReads = {
      reads: FEED_READS,
      rowsAdded: after.rows - before.rows,
      counted: after.reads - before.reads,
      met: after.rows === before.rows && after.reads - before.reads === FEED_READS,
    };

    // The log as it is (the bench's own calls: reads, a few prompted writes), then full.
    const [popupEmpty, emptyLog] = await timeOpens(ctx, ['/popup.html', '/activity.html'], opens);
    const listEmpty = await opTimes(admin, 'activity.list', LIST_FIRST_PAGE, opens);
    const facetsEmpty = await opTimes(admin, 'activity.facets', {}, opens);
    const range = await inKeyringDb(admin, seed, { count: SEEDED_ENTRIES, did });
    let popup: number[];
    let fullLog: number[];
    let listFull: number[];
    let facetsFull: number[];
    try {
      [popup, fullLog] = await timeOpens(ctx, ['/popup.html', '/activity.html'], opens);
      listFull = await opTimes(admin, 'activity.list', LIST_FIRST_PAGE, opens);
      facetsFull = await opTimes(admin, 'activity.facets', {}, opens);
    } finally {
      await inKeyringDb(admin, removeRange, range);
      await admin.close();
    }
    const ps = summarize([...popupEmpty!, ...popup!]);
    const es = summarize(emptyLog!);
    const fs = summarize(fullLog!);
    const ratio = summaryRatios(fs, ps);
    const ratioOverEmptyLog = summaryRatios(fs, es);
    const figures: ActivityFigures = {
      opens,
      popup: ps,
      emptyLog: es,
      fullLog: fs,
      ratio,
      ratioOverEmptyLog,
      targetRatio: ACTIVITY_TARGET_RATIO,
      met: ratio.p50 <= ACTIVITY_TARGET_RATIO,
      feedReads,
    };
    const verdict = (met: boolean) => (met ? 'MET' : 'MISSED');
    return {
      figures,
      table: {
        title: `Activity page: ${SEEDED_ENTRIES.toLocaleString('en-US')} entries vs the popup, ${opens} opens of each per turn, interleaved — ms from navigation to the first frame with content`,
        header: SUMMARY_HEADER,
        rows: [
          summaryRow('popup (its account list)', ps),
          summaryRow('activity page, the log as the run left it', es),
          summaryRow(`activity page, ${SEEDED_ENTRIES.toLocaleString('en-US')} entries`, fs),
          ratioRow('ratio full log / popup', ratio),
          ratioRow('ratio full log / log as left', ratioOverEmptyLog),
          summaryRow('  activity.list (first 50), log as left', summarize(listEmpty)),
          summaryRow(
            `  activity.list (first 50), ${SEEDED_ENTRIES.toLocaleString('en-US')} entries`,
            summarize(listFull!),
          ),
          summaryRow('  activity.facets, log as left', summarize(facetsEmpty)),
          summaryRow(`  activity.facets, ${SEEDED_ENTRIES.toLocaleString('en-US')} entries`, summarize(facetsFull!)),
        ],
        notes: [
          `target: full log p50 ≤ ${ACTIVITY_TARGET_RATIO} × popup p50 — ${verdict(figures.met)} (${ratio.p50})`,
          `feed reader: ${FEED_READS.toLocaleString('en-US')} brokered getRecord added ${feedReads.rowsAdded} rows to the log and ${feedReads.counted} to the day's read count — ${verdict(feedReads.met)}`,
        ],
      },
    };
  },
};
