import type { Concurrent } from '../in-page/timing';
import { median, ratio, round } from '../lib/stats';
import type { BenchPhase } from './phase';

/** The median of a few identical batches of n requests. */
function aggregate(list: Concurrent[], n: number) {
  const totalMs = round(median(list.map((r) => r.totalMs)));
  const ok = Math.min(...list.map((r) => r.ok));
  const errors = list.flatMap((r) => r.errors);
  return {
    totalMsMedian: totalMs,
    totalMs: list.map((r) => round(r.totalMs)),
    okMin: ok,
    requestsPerSecond: round((n / totalMs) * 1000, 1),
    okPerSecond: round((ok / totalMs) * 1000, 1),
    errorCount: errors.length,
    errors: [...new Set(errors)].slice(0, 5),
  };
}

type Arm = ReturnType<typeof aggregate>;
type Pair = { direct: Arm; brokered: Arm; ratioTotalTime: number };

export interface ThroughputFigures {
  requests: number;
  reps: number;
  promiseAll: Pair;
  /** Named when the cap was 32; it holds whatever the extension's in-flight cap is (config.inFlightCap). */
  cappedAt32InFlight: Pair;
}

/** Section 2: n getRecord at once, all in one Promise.all and through a pool of the extension's in-flight cap. */
export const throughput: BenchPhase<ThroughputFigures> = {
  id: 'throughput',
  section: '2',
  resultKey: 'throughput',
  label: () => 'throughput (concurrent getRecord)',
  async run({ config, brokered, direct, record }) {
    const n = config.concurrent;
    const cap = config.inFlightCap;
    const { getRecord, getRecordPath } = record;
    const runs = {
      directAll: [] as Concurrent[],
      brokeredAll: [] as Concurrent[],
      directCapped: [] as Concurrent[],
      brokeredCapped: [] as Concurrent[],
    };
    const directBatches = async () => {
      await direct.page.bringToFront();
      runs.directAll.push(await direct.concurrent(getRecordPath, n, n));
      runs.directCapped.push(await direct.concurrent(getRecordPath, n, cap));
    };
    const brokeredBatches = async () => {
      await brokered.page.bringToFront();
      runs.brokeredAll.push(await brokered.concurrent('atproto_xrpc', getRecord, n, n));
      runs.brokeredCapped.push(await brokered.concurrent('atproto_xrpc', getRecord, n, cap));
    };
    // The arms take turns to go first: whichever goes second finds the PDS (and the machine) as the first left it.
    for (let rep = 0; rep < config.throughputReps; rep++) {
      if (rep % 2 === 0) {
        await directBatches();
        await brokeredBatches();
      } else {
        await brokeredBatches();
        await directBatches();
      }
    }
    const dA = aggregate(runs.directAll, n);
    const bA = aggregate(runs.brokeredAll, n);
    const dC = aggregate(runs.directCapped, n);
    const bC = aggregate(runs.brokeredCapped, n);
    const ratioRow = (d: Arm, b: Arm) => [
      'ratio brokered / direct (time)',
      ratio(b.totalMsMedian, d.totalMsMedian),
      '',
      ratio(b.okPerSecond, d.okPerSecond),
      '',
    ];
    return {
      figures: {
        requests: n,
        reps: config.throughputReps,
        promiseAll: { direct: dA, brokered: bA, ratioTotalTime: ratio(bA.totalMsMedian, dA.totalMsMedian) },
        cappedAt32InFlight: { direct: dC, brokered: bC, ratioTotalTime: ratio(bC.totalMsMedian, dC.totalMsMedian) },
      },
      table: {
        title: `Throughput: ${n} getRecord at once (median of ${config.throughputReps}; total ms, requests/s counting only answered 200s)`,
        header: ['arm', 'total ms', 'ok', 'ok req/s', 'rejected'],
        rows: [
          [`direct, Promise.all of ${n}`, dA.totalMsMedian, dA.okMin, dA.okPerSecond, dA.errorCount],
          [`brokered, Promise.all of ${n}`, bA.totalMsMedian, bA.okMin, bA.okPerSecond, bA.errorCount],
          ratioRow(dA, bA),
          [`direct, ≤${cap} in flight`, dC.totalMsMedian, dC.okMin, dC.okPerSecond, dC.errorCount],
          [`brokered, ≤${cap} in flight`, bC.totalMsMedian, bC.okMin, bC.okPerSecond, bC.errorCount],
          ratioRow(dC, bC),
        ],
        notes: [
          ...(bA.errorCount
            ? [
                `brokered Promise.all: ${bA.errorCount} of ${n * config.throughputReps} rejected: ${bA.errors.join('; ')}`,
              ]
            : []),
          `the extension allows ${cap} requests in flight per origin and ${config.rateLimit.capacity} burst / ${config.rateLimit.perSecond} per s (the bench waits for the bucket between batches)`,
        ],
      },
    };
  },
};
