import {
  median,
  ratio,
  ratioRow,
  round,
  SUMMARY_HEADER,
  type Summary,
  summarize,
  summaryRatios,
  summaryRow,
} from '../lib/stats';
import { sleep, withTimeout } from '../lib/wait';
import { latency } from './latency';
import type { BenchPhase } from './phase';

export interface ColdWakeFigures {
  wakes: number;
  cold: Summary;
  warmRightAfter: Summary;
  ratioColdOverWarm: { p50: number; p95: number };
  steadyStateWarmP50: number | undefined;
  ratioColdOverSteadyStateP50: number | undefined;
  stopMsMedian: number;
  errorCount: number;
  errors: string[];
}

/**
 * Section 3: stop the extension's service worker (ServiceWorker.stopAllWorkers,
 * until its runningStatus is 'stopped'), then time the brokered getRecord that
 * wakes it and the call after it.
 */
export const coldWake: BenchPhase<ColdWakeFigures> = {
  id: 'cold',
  section: '3',
  resultKey: 'coldWake',
  label: () => 'cold wake (service worker stopped)',
  async run(ctx) {
    const { config, browser, brokered, tokens, record } = ctx;
    await brokered.page.bringToFront();
    const cold: number[] = [];
    const warm: number[] = [];
    const stopMs: number[] = [];
    const errors: string[] = [];
    for (let i = 0; i < config.coldWakes; i++) {
      const s0 = Date.now();
      await withTimeout('stopping the service worker', 20_000, browser.stopBackground());
      stopMs.push(Date.now() - s0);
      tokens.reset(); // a new worker has a new, full bucket
      await sleep(100);
      const c = await brokered.sequential('atproto_xrpc', record.getRecord, 1);
      const w = await brokered.sequential('atproto_xrpc', record.getRecord, 1);
      cold.push(...c.times);
      warm.push(...w.times);
      errors.push(...c.errors, ...w.errors);
    }
    const cs = summarize(cold);
    const ws = summarize(warm);
    const ratios = summaryRatios(cs, ws);
    const steady = ctx.figuresOf(latency)?.brokered.p50;
    return {
      figures: {
        wakes: config.coldWakes,
        cold: cs,
        warmRightAfter: ws,
        ratioColdOverWarm: { p50: ratios.p50, p95: ratios.p95 },
        steadyStateWarmP50: steady,
        ratioColdOverSteadyStateP50: steady ? ratio(cs.p50, steady) : undefined,
        stopMsMedian: round(median(stopMs)),
        errorCount: errors.length,
        errors: errors.slice(0, 5),
      },
      table: {
        title: `Cold wake: brokered getRecord right after ServiceWorker.stopAllWorkers (runningStatus 'stopped'), ${config.coldWakes} times — ms`,
        header: SUMMARY_HEADER,
        rows: [
          summaryRow('cold (first call wakes the worker)', cs),
          summaryRow('warm (the next call)', ws),
          ratioRow('ratio cold / warm', ratios),
        ],
        notes: [
          ...(steady
            ? [
                `cold p50 / steady-state brokered p50 (section ${latency.section}, ${steady} ms): ${ratio(cs.p50, steady)}`,
              ]
            : []),
          `stopping the worker took ${round(median(stopMs))} ms (median, not included)`,
          ...(errors.length ? [`${errors.length} calls failed, e.g. ${errors[0]}`] : []),
        ],
      },
    };
  },
};
