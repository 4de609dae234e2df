import { attachServiceWorker, type HeapUsage, heapUsage, type ServiceWorkerSession } from '../../e2e/support/cdp';
import { round } from '../lib/stats';
import { sleep } from '../lib/wait';
import type { BenchPhase } from './phase';

/** Calls per batch, and how many of a batch are in flight at once. */
const BATCH = 20;
const BATCH_CONCURRENCY = 4;
/** Forced collections before each reading: the first pass may leave objects that only a second one frees (weak callbacks). */
const GC_PASSES = 2;
/** A global set in the worker at the start: still there at the end means no restart in between. */
const MARKER = 'globalThis.__benchMarker';

type Checkpoint = { calls: number; usedSize: number; totalSize: number };

export interface MemoryFigures {
  calls: number;
  failedCalls: number;
  errors: string[];
  callsWallMs: number;
  sameWorkerThroughout: boolean;
  via: string;
  beforeAfterGc: HeapUsage;
  afterNoGc: HeapUsage;
  afterGc: HeapUsage;
  usedDeltaAfterGcBytes: number;
  usedDeltaPerCallBytes: number;
  checkpointsAfterGc: Checkpoint[];
  lateGrowthPerCallBytes: number;
  settleMs: number;
  afterSettleGc: HeapUsage | undefined;
  usedDeltaAfterSettleBytes: number | undefined;
}

async function markerIsSet(sw: ServiceWorkerSession): Promise<boolean> {
  const marker = await sw.send<{ result: { value?: unknown } }>('Runtime.evaluate', {
    expression: MARKER,
    returnByValue: true,
  });
  return marker.result?.value === 1;
}

const mib = (bytes: number) => round(bytes / 1024 / 1024, 2);

/**
 * Section 6: JS heap of the extension's service worker (Runtime.getHeapUsage
 * after HeapProfiler.collectGarbage) before, during and after many brokered
 * getRecord calls, and after an idle wait.
 */
export const memory: BenchPhase<MemoryFigures> = {
  id: 'memory',
  section: '6',
  resultKey: 'memory',
  label: (config) => `background memory (${config.memoryCalls} calls)`,
  async run({ config, browser, brokered, record }) {
    const calls = config.memoryCalls;
    await brokered.page.bringToFront();
    // Make sure the worker runs (the cold-wake phase may have left it stopped).
    await brokered.sequential('atproto_accounts', undefined, 1);
    let via = '';
    let sameWorker = true;
    /** Attaches to the worker, checks it is the one we marked, runs fn, detaches. */
    const withWorker = async <T>(fn: (sw: ServiceWorkerSession) => Promise<T>, mark = false): Promise<T> => {
      const sw = await attachServiceWorker(browser.context, browser.extensionId);
      via = sw.via;
      try {
        if (mark) await sw.send('Runtime.evaluate', { expression: `${MARKER} = 1` });
        if (!(await markerIsSet(sw))) sameWorker = false;
        return await fn(sw);
      } finally {
        await sw.detach();
      }
    };
    const before = await withWorker((sw) => heapUsage(sw, GC_PASSES), true);
    const checkpoints: Checkpoint[] = [{ calls: 0, usedSize: before.usedSize, totalSize: before.totalSize }];
    const every = Math.max(1, Math.round(calls / 4));

    let done = 0;
    const errors: string[] = [];
    const started = Date.now();
    let callsMs = 0;
    let last: { afterNoGc: HeapUsage; afterGc: HeapUsage; afterSettle?: HeapUsage } | undefined;
    while (done < calls) {
      const n = Math.min(BATCH, calls - done, every - (done % every));
      const r = await brokered.concurrent('atproto_xrpc', record.getRecord, n, BATCH_CONCURRENCY);
      errors.push(...r.errors);
      done += n;
      if (done === calls) {
        callsMs = Date.now() - started;
        last = await withWorker(async (sw) => {
          const afterNoGc = await heapUsage(sw, 0);
          const afterGc = await heapUsage(sw, GC_PASSES);
          checkpoints.push({ calls: done, usedSize: afterGc.usedSize, totalSize: afterGc.totalSize });
          // Per-call objects can stay reachable for a while after the call
          // (e.g. the 30 s timeout signals of each XRPC call and session read):
          // wait idle, and look again. The attached DevTools session keeps the
          // worker from being stopped meanwhile.
          let afterSettle: HeapUsage | undefined;
          if (config.memorySettleMs > 0) {
            await sleep(config.memorySettleMs);
            afterSettle = await heapUsage(sw, GC_PASSES);
            if (!(await markerIsSet(sw))) sameWorker = false;
          }
          return { afterNoGc, afterGc, afterSettle };
        });
      } else if (done % every === 0) {
        const u = await withWorker((sw) => heapUsage(sw, GC_PASSES));
        checkpoints.push({ calls: done, usedSize: u.usedSize, totalSize: u.totalSize });
      }
    }
    const { afterNoGc, afterGc, afterSettle } = last!;
    const half = checkpoints.find((c) => c.calls >= calls / 2) ?? checkpoints[0];
    const lateGrowthPerCall = round((afterGc.usedSize - half.usedSize) / Math.max(1, calls - half.calls), 1);
    const settleS = config.memorySettleMs / 1000;
    const row = (name: string, u: HeapUsage) => [
      name,
      mib(u.usedSize),
      mib(u.totalSize),
      mib(u.embedderHeapUsedSize ?? NaN),
    ];
    return {
      figures: {
        calls,
        failedCalls: errors.length,
        errors: [...new Set(errors)].slice(0, 5),
        callsWallMs: callsMs,
        sameWorkerThroughout: sameWorker,
        via: `${via}: Target.attachToTarget(flatten:false) + Target.sendMessageToTarget → HeapProfiler.collectGarbage (×${GC_PASSES}), Runtime.getHeapUsage`,
        beforeAfterGc: before,
        afterNoGc,
        afterGc,
        usedDeltaAfterGcBytes: afterGc.usedSize - before.usedSize,
        usedDeltaPerCallBytes: round((afterGc.usedSize - before.usedSize) / calls, 1),
        checkpointsAfterGc: checkpoints,
        lateGrowthPerCallBytes: lateGrowthPerCall,
        settleMs: config.memorySettleMs,
        afterSettleGc: afterSettle,
        usedDeltaAfterSettleBytes: afterSettle ? afterSettle.usedSize - before.usedSize : undefined,
      },
      table: {
        title: `Background (service worker) JS heap around ${calls} brokered getRecord calls (Runtime.getHeapUsage; MiB)`,
        header: ['moment', 'used', 'total', 'embedder'],
        rows: [
          row('before (after forced GC)', before),
          ...checkpoints
            .slice(1, -1)
            .map((c) => [`after ${c.calls} calls + forced GC`, mib(c.usedSize), mib(c.totalSize), '']),
          row(`after ${calls} calls (no GC)`, afterNoGc),
          row(`after ${calls} calls + forced GC`, afterGc),
          ...(afterSettle ? [row(`after ${settleS} s idle + forced GC`, afterSettle)] : []),
        ],
        notes: [
          `retained after GC: ${round((afterGc.usedSize - before.usedSize) / 1024, 1)} KiB (${round((afterGc.usedSize - before.usedSize) / calls, 1)} B per call)` +
            (afterSettle
              ? `; after ${settleS} s idle: ${round((afterSettle.usedSize - before.usedSize) / 1024, 1)} KiB`
              : '') +
            `; growth over the last ${calls - half.calls} calls: ${lateGrowthPerCall} B per call`,
          `same worker throughout: ${sameWorker ? 'yes' : 'NO (restarted: figures not comparable)'}; ${errors.length} calls failed; calls took ${(callsMs / 1000).toFixed(1)} s (paced by the rate limit); via ${via}`,
        ],
      },
    };
  },
};
