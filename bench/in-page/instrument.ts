/**
 * Counters for one batch of calls, installed in the extension's service worker
 * (over CDP Runtime.evaluate) or in the direct page: `start()` wraps the
 * IndexedDB, WebCrypto and Web Locks entry points on their prototypes and
 * clears Resource Timing; `finish(match)` restores the originals and returns
 * the counts plus the durations of fetches whose URL contains `match`.
 * Bundled as a script of its own by bench/lib/page-bundles.ts.
 */
import { PAGE_GLOBALS } from './globals';

export interface InstrumentStats {
  transactions: number;
  byStore: Record<string, number>;
  requests: number;
  requestMs: number;
  sign: number;
  signMs: number;
  digest: number;
  locks: number;
  fetchMs: number[];
}

export interface Instrument {
  start(): void;
  /** Restores the Resource Timing buffer to `restoreBufferSize` entries (the background keeps 0; 250 is the default). */
  finish(match: string, restoreBufferSize?: number): InstrumentStats;
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

const IDB_REQUEST_METHODS = [
  'get',
  'getAll',
  'getKey',
  'getAllKeys',
  'put',
  'add',
  'delete',
  'count',
  'openCursor',
  'openKeyCursor',
  'clear',
] as const;

const restores: (() => void)[] = [];
let stats: Omit<InstrumentStats, 'fetchMs'>;

/** Replaces `proto[name]` with `make(original)` until restore(). */
function wrap(proto: object | undefined, name: string, make: (orig: Method) => Method) {
  const target = proto as Record<string, unknown> | undefined;
  const orig = target?.[name];
  if (!target || typeof orig !== 'function') return;
  target[name] = make(orig as Method);
  restores.push(() => {
    target[name] = orig;
  });
}

function restore() {
  for (const r of restores.splice(0)) r();
}

function start() {
  restore();
  stats = { transactions: 0, byStore: {}, requests: 0, requestMs: 0, sign: 0, signMs: 0, digest: 0, locks: 0 };
  const counts = stats;
  wrap(
    IDBDatabase.prototype,
    'transaction',
    (orig) =>
      function (this: unknown, stores, mode, options) {
        counts.transactions++;
        const key = `${([] as unknown[]).concat(stores).join('+')}:${mode ?? 'readonly'}`;
        counts.byStore[key] = (counts.byStore[key] ?? 0) + 1;
        return orig.call(this, stores, mode, options);
      },
  );
  for (const proto of [IDBObjectStore.prototype, IDBIndex.prototype]) {
    for (const op of IDB_REQUEST_METHODS) {
      wrap(
        proto,
        op,
        (orig) =>
          function (this: unknown, ...args) {
            counts.requests++;
            const t0 = performance.now();
            const req = orig.apply(this, args) as IDBRequest;
            req.addEventListener('success', () => (counts.requestMs += performance.now() - t0), { once: true });
            return req;
          },
      );
    }
  }
  wrap(
    SubtleCrypto.prototype,
    'sign',
    (orig) =>
      async function (this: unknown, ...args) {
        counts.sign++;
        const t0 = performance.now();
        try {
          return await orig.apply(this, args);
        } finally {
          counts.signMs += performance.now() - t0;
        }
      },
  );
  /** Counts calls and passes them on. */
  const counted = (key: 'digest' | 'locks') => (orig: Method) =>
    function (this: unknown, ...args: unknown[]) {
      counts[key]++;
      return orig.apply(this, args);
    };
  wrap(SubtleCrypto.prototype, 'digest', counted('digest'));
  if (typeof LockManager !== 'undefined') wrap(LockManager.prototype, 'request', counted('locks'));
  // Room for this batch's entries, dropped again in finish(): the memory phase must not measure our buffer.
  performance.clearResourceTimings();
  performance.setResourceTimingBufferSize(1000);
}

function finish(match: string, restoreBufferSize = 250): InstrumentStats {
  restore();
  const fetchMs = performance
    .getEntriesByType('resource')
    .filter((e) => e.name.includes(match))
    .map((e) => e.duration);
  performance.clearResourceTimings();
  performance.setResourceTimingBufferSize(restoreBufferSize);
  return { ...stats, fetchMs };
}

const instrument: Instrument = { start, finish };
(globalThis as unknown as Record<typeof PAGE_GLOBALS.instrument, Instrument>)[PAGE_GLOBALS.instrument] = instrument;
