import { attachServiceWorker, type ServiceWorkerSession } from '../../e2e/support/cdp';
import { ErrorCode } from '../../sdk/src/contract';
import { PAGE_GLOBALS } from '../in-page/globals';
import type { InstrumentStats } from '../in-page/instrument';
import { expectNoErrors } from '../lib/page-drivers';
import { round, type Summary, summarize } from '../lib/stats';
import type { BenchPhase } from './phase';

/** Resource Timing entries of this method are the fetches to the PDS. */
const FETCH_MATCH = 'com.atproto.repo.getRecord';

type PerCall = ReturnType<typeof perCall>;

export interface BreakdownFigures {
  calls: number;
  messagingRoundTrip: Summary;
  accountsCall: Summary;
  unauthenticatedFetchFromBrokeredPage: Summary;
  brokeredGetRecordInstrumented: Summary;
  directGetRecordInstrumented: Summary;
  serviceWorkerFetchResourceTiming: Summary;
  directPageFetchResourceTiming: Summary;
  brokeredOutsideFetchP50Ms: number;
  directOutsideFetchP50Ms: number;
  perCall: { serviceWorker: PerCall; directPage: PerCall };
  cdpVia: string;
  note: string;
}

/** Counts per call of one instrumented batch of n calls. */
function perCall(st: InstrumentStats, n: number) {
  return {
    idbTransactions: round(st.transactions / n, 2),
    idbRequests: round(st.requests / n, 2),
    idbRequestMs: round(st.requestMs / n, 2),
    idbTransactionsByStore: Object.fromEntries(Object.entries(st.byStore).map(([k, v]) => [k, round(v / n, 2)])),
    webCryptoSign: round(st.sign / n, 2),
    webCryptoSignMs: round(st.signMs / n, 2),
    webCryptoDigest: round(st.digest / n, 2),
    webLocks: round(st.locks / n, 2),
    fetches: round(st.fetchMs.length / n, 2),
  };
}

const pick = (s: Summary) => [s.p50, s.p95, s.mean];

/** Evaluates an expression in the service worker and returns its value. */
async function evaluateIn<T>(sw: ServiceWorkerSession, expression: string): Promise<T> {
  const { result } = await sw.send<{ result: { value?: T } }>('Runtime.evaluate', {
    expression,
    returnByValue: true,
    awaitPromise: true,
  });
  return result.value as T;
}

/**
 * Section 1b: where the brokered time goes. Probes that stop at each layer,
 * then one batch of getRecord with counters in the service worker (installed
 * over CDP, removed afterwards) and in the direct page.
 */
export const breakdown: BenchPhase<BreakdownFigures> = {
  id: 'breakdown',
  section: '1b',
  resultKey: 'breakdown',
  label: () => 'breakdown (probes and instrumentation)',
  async run({ config, browser, brokered, direct, record, pages }) {
    const n = config.breakdownCalls;
    const { getRecord, getRecordPath, getRecordUrl } = record;
    await brokered.page.bringToFront();
    // Messaging round trip with no storage or network: an unknown method is
    // answered (4200) right after the envelope check and the rate limiter.
    const roundTrip = await brokered.sequential('atproto_nope', undefined, n, ErrorCode.unsupportedMethod);
    // + IndexedDB: grants of the origin and the account list.
    const accounts = await brokered.sequential('atproto_accounts', undefined, n);
    // A public read of the PDS from the brokered page itself (no extension).
    const unauth = await brokered.fetchLoop(getRecordUrl, n);

    // The same getRecord with counters in the service worker: IndexedDB
    // transactions and requests, WebCrypto calls, and the worker's own fetch
    // duration from Resource Timing.
    const sw = await attachServiceWorker(browser.context, browser.extensionId);
    const instrumentIn = `globalThis.${PAGE_GLOBALS.instrument}`;
    await evaluateIn(sw, `${pages.instrument.code};${instrumentIn}.start()`);
    const b = await brokered.sequential('atproto_xrpc', getRecord, n);
    const swStats = await evaluateIn<InstrumentStats>(sw, `${instrumentIn}.finish(${JSON.stringify(FETCH_MATCH)}, 0)`);
    await sw.detach();

    // And in the direct page.
    await direct.page.bringToFront();
    await direct.startInstrument(pages.instrument.code);
    const d = await direct.sequential(getRecordPath, n);
    const pageStats = await direct.finishInstrument(FETCH_MATCH);

    for (const [what, r] of Object.entries({ roundTrip, accounts, unauth, b, d })) expectNoErrors(what, r);
    const bs = summarize(b.times);
    const ds = summarize(d.times);
    const swFetch = summarize(swStats.fetchMs);
    const pageFetch = summarize(pageStats.fetchMs);
    const pc = { sw: perCall(swStats, n), page: perCall(pageStats, n) };
    const stores = (x: PerCall) =>
      Object.entries(x.idbTransactionsByStore)
        .map(([k, v]) => `${k}×${v}`)
        .join(', ');
    const counted = (x: PerCall) =>
      `${x.idbTransactions} IndexedDB transactions / ${x.idbRequests} requests (${x.idbRequestMs} ms summed wait), ${x.webCryptoSign} signs (${x.webCryptoSignMs} ms), ${x.webCryptoDigest} digests, ${x.webLocks} lock requests, ${x.fetches} fetches`;
    return {
      figures: {
        calls: n,
        messagingRoundTrip: summarize(roundTrip.times),
        accountsCall: summarize(accounts.times),
        unauthenticatedFetchFromBrokeredPage: summarize(unauth.times),
        brokeredGetRecordInstrumented: bs,
        directGetRecordInstrumented: ds,
        serviceWorkerFetchResourceTiming: swFetch,
        directPageFetchResourceTiming: pageFetch,
        brokeredOutsideFetchP50Ms: round(bs.p50 - swFetch.p50),
        directOutsideFetchP50Ms: round(ds.p50 - pageFetch.p50),
        perCall: { serviceWorker: pc.sw, directPage: pc.page },
        cdpVia: sw.via,
        note: 'Counters wrap IDBDatabase.transaction, IDBObjectStore/IDBIndex requests, SubtleCrypto.sign/digest and LockManager.request by prototype patching for this batch only; fetch durations are Resource Timing entries.',
      },
      table: {
        title: `Where the time goes (${n} calls each, instrumented; ms unless counted)`,
        header: ['measurement', 'p50', 'p95', 'mean'],
        rows: [
          [
            `brokered: page → relay → background → page, unknown method (${ErrorCode.unsupportedMethod})`,
            ...pick(summarize(roundTrip.times)),
          ],
          ['brokered: atproto_accounts (adds IndexedDB reads)', ...pick(summarize(accounts.times))],
          ['brokered getRecord, instrumented', ...pick(bs)],
          ['  of which the service worker fetch (Resource Timing)', ...pick(swFetch)],
          ['  outside that fetch (messaging, broker, session, DPoP proof)', round(bs.p50 - swFetch.p50), '', ''],
          ['direct getRecord, instrumented', ...pick(ds)],
          ['  of which the page fetch (Resource Timing)', ...pick(pageFetch)],
          ['  outside that fetch (session read, DPoP proof)', round(ds.p50 - pageFetch.p50), '', ''],
          ['unauthenticated fetch from the brokered page', ...pick(summarize(unauth.times))],
        ],
        notes: [
          `per call, background: ${counted(pc.sw)}`,
          `  transactions by store: ${stores(pc.sw)}`,
          `per call, direct page: ${counted(pc.page)}`,
          `  transactions by store: ${stores(pc.page)}`,
        ],
      },
    };
  },
};
