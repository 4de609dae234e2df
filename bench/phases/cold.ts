import { ratio, round, SUMMARY_HEADER, type Summary, summarize, summaryRow } from '../lib/stats';
import { sleep, withTimeout } from '../lib/wait';
import { floorPing, type TimedCall, timedBrokeredCall, WAKE_STAGES, wakeStages, workerMarks } from '../lib/wake';
import { TARGETS, verdict } from '../targets';
import type { BenchPhase } from './phase';

export interface ColdWakeFigures {
  wakes: number;
  /** The empty extension's wake: a message to its stopped worker and back, through its content script. */
  floor: Summary;
  cold: Summary;
  warmRightAfter: Summary;
  ratioColdOverWarm: { p50: number };
  /** floor p50 + coldWarmMultiple × warm p50: what the cold p50 must stay under. */
  targetP50Ms: number;
  met: boolean;
  /** Where a cold call's time goes, p50 of each stage (ms); stages are split at the worker's keyring:* marks. */
  stagesP50: Record<string, number | undefined>;
  stopMsMedian: number;
  /**
   * Wakes left out and made again: the worker had started before the call was sent (a keep-alive message
   * from one of the bench's connected pages woke it first, src/relay/keep-alive.ts), so the call was not cold.
   */
  startedBeforeTheCall: number;
  errorCount: number;
  errors: string[];
}

/** Stops every service worker (ServiceWorker.stopAllWorkers) until ours reports 'stopped'; the ms it took. */
async function stopWorkers(stop: () => Promise<void>): Promise<number> {
  const s0 = Date.now();
  await withTimeout('stopping the service workers', 20_000, stop());
  return Date.now() - s0;
}

/**
 * Section 3: the floor and the cold call, alternating. Each wake stops every worker, times a message to the
 * floor extension's stopped worker (bench/floor-extension: an empty worker, the same page → content script →
 * worker path), stops them again, then times the brokered getRecord that wakes AT Keyring's worker and the
 * call after it, and reads the marks the woken worker set to split the cold call into stages.
 */
export const coldWake: BenchPhase<ColdWakeFigures> = {
  id: 'cold',
  section: '3',
  resultKey: 'coldWake',
  label: () => 'cold wake (service worker stopped)',
  async run(ctx) {
    const { config, browser, brokered, tokens, record } = ctx;
    await brokered.page.bringToFront();
    const floor: number[] = [];
    const cold: number[] = [];
    const warm: number[] = [];
    const stages: (number | undefined)[][] = [];
    const stopMs: number[] = [];
    const errors: string[] = [];
    const keep = (c: TimedCall, into: number[]) => (c.error ? errors.push(c.error) : into.push(c.ms));
    let startedBeforeTheCall = 0;
    for (let i = 0, attempts = 0; i < config.coldWakes && attempts < 2 * config.coldWakes; i++, attempts++) {
      stopMs.push(await stopWorkers(() => browser.stopBackground()));
      await sleep(100);
      keep(await floorPing(brokered), floor);
      stopMs.push(await stopWorkers(() => browser.stopBackground()));
      tokens.reset(); // a new worker has a new, full bucket
      await sleep(100);
      const c = await timedBrokeredCall(brokered, tokens, record.getRecord);
      const marks = await workerMarks(browser);
      if (!c.error && marks.startedAt < c.sentAt - 1) {
        startedBeforeTheCall++;
        i--; // not a cold call: this wake is made again
        continue;
      }
      keep(c, cold);
      if (!c.error) stages.push(wakeStages(c, marks));
      keep(await timedBrokeredCall(brokered, tokens, record.getRecord), warm);
    }
    const fs = summarize(floor);
    const cs = summarize(cold);
    const ws = summarize(warm);
    const targetP50Ms = round(fs.p50 + TARGETS.coldWarmMultiple * ws.p50);
    const met = cs.p50 <= targetP50Ms;
    const stagesP50 = Object.fromEntries(
      WAKE_STAGES.map((name, i) => {
        const values = stages.map((s) => s[i]).filter((v): v is number => v !== undefined);
        return [name, values.length ? summarize(values).p50 : undefined];
      }),
    );
    const medianStop = round(summarize(stopMs).p50);
    return {
      figures: {
        wakes: config.coldWakes,
        floor: fs,
        cold: cs,
        warmRightAfter: ws,
        ratioColdOverWarm: { p50: ratio(cs.p50, ws.p50) },
        targetP50Ms,
        met,
        stagesP50,
        stopMsMedian: medianStop,
        startedBeforeTheCall,
        errorCount: errors.length,
        errors: errors.slice(0, 5),
      },
      table: {
        title: `Cold wake: the first call to a stopped worker (ServiceWorker.stopAllWorkers), ${config.coldWakes} times each — ms`,
        header: SUMMARY_HEADER,
        rows: [
          summaryRow('floor: an empty extension worker answering one message', fs),
          summaryRow('cold: brokered getRecord that wakes the worker', cs),
          summaryRow('warm: the next brokered call', ws),
          ...WAKE_STAGES.map((name) => [`  cold, p50 of: ${name}`, '', stagesP50[name] ?? '–', '', '', '', '']),
        ],
        notes: [
          `target: cold p50 ≤ floor p50 + ${TARGETS.coldWarmMultiple} × warm p50 = ${targetP50Ms} ms: ${verdict(met)} (${cs.p50} ms)`,
          'stages from the page’s epoch clock and the woken worker’s marks (performance.mark keyring:*); a stage the worker did not reach is –',
          `stopping the workers took ${medianStop} ms (median, not included)`,
          `${startedBeforeTheCall} wakes left out and made again: a keep-alive message of a connected page had started the worker before the call was sent`,
          ...(errors.length ? [`${errors.length} calls failed, e.g. ${errors[0]}`] : []),
        ],
      },
    };
  },
};
