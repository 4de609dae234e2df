import { IDLE_HASH, type IdleReport, type IdleRun } from '../in-page/globals';
import { round, SUMMARY_HEADER, type Summary, summarize, summaryRow } from '../lib/stats';
import { startUndrivenChromium } from '../lib/undriven-chromium';
import { WAKE_STAGES, wakeStages, workerMarks } from '../lib/wake';
import type { BenchPhase } from './phase';

export interface IdleWakeFigures {
  waits: number;
  idleMs: number;
  afterIdle: Summary;
  /** How many of the calls found the worker stopped by the browser (a worker that started after the call was sent). */
  workerWasStopped: number;
  stagesOfEach: (number | undefined)[][];
  errors: string[];
}

/**
 * Section 3b: the realistic case, in a browser no DevTools client is attached to. Playwright keeps a session
 * on every service worker, and Chromium never stops an inspected worker, so this phase closes Playwright's
 * browser (it runs last) and starts Chromium again on the same profile, opening the brokered page with an
 * idle run in its address: the page waits config.idleMs (longer than Chrome's 30 s idle timeout), makes one
 * getRecord and reports its times, config.idleWakes times. After each report the bench connects over CDP,
 * reads the worker's start time and marks (a worker that started after the call was sent had been stopped
 * by the browser), and disconnects before the next wait. Long, so BENCH_QUICK=1 skips it (idleWakes 0).
 */
export const idleWake: BenchPhase<IdleWakeFigures> = {
  id: 'idle',
  section: '3b',
  resultKey: 'idleWake',
  label: (config) => `call after ${config.idleMs / 1000} s idle (${config.idleWakes} times, no DevTools attached)`,
  async run({ config, browser, brokeredSite, profile, record }) {
    const { extensionId } = browser;
    await browser.close(); // it holds the profile, and a DevTools session on the worker
    const run: IdleRun = { idleMs: config.idleMs, calls: config.idleWakes, request: record.getRecord };
    const url = `${brokeredSite.origin}/${IDLE_HASH}${encodeURIComponent(JSON.stringify(run))}`;
    const ours = (u: string) => u.startsWith(`chrome-extension://${extensionId}/`);
    const undriven = await startUndrivenChromium(profile.dir, profile.extensions, url, ours);
    const times: number[] = [];
    const stages: (number | undefined)[][] = [];
    const errors: string[] = [];
    let stopped = 0;
    try {
      for (let i = 0; i < config.idleWakes; i++) {
        const report = (await brokeredSite.nextReport(config.idleMs + 30_000)) as IdleReport;
        if (report.error) {
          errors.push(report.error);
          continue;
        }
        times.push(report.ms);
        // Look at the worker, then let go of it: an attached client would keep it running through the next wait.
        const cdp = await undriven.connect();
        try {
          const marks = await workerMarks({ context: cdp.contexts()[0]!, extensionId });
          const fresh = marks.startedAt >= report.sentAt - 1;
          if (fresh) stopped++;
          stages.push(fresh ? wakeStages(report, marks) : []);
        } finally {
          await cdp.close();
        }
      }
    } finally {
      await undriven.stop();
    }
    const s = summarize(times);
    return {
      figures: {
        waits: config.idleWakes,
        idleMs: config.idleMs,
        afterIdle: s,
        workerWasStopped: stopped,
        stagesOfEach: stages,
        errors: errors.slice(0, 5),
      },
      table: {
        title: `A call after ${config.idleMs / 1000} s idle, no CDP stop and no DevTools client attached (${config.idleWakes} times) — ms`,
        header: SUMMARY_HEADER,
        rows: [summaryRow(`brokered getRecord after ${config.idleMs / 1000} s idle`, s)],
        notes: [
          `the browser had stopped the worker before ${stopped} of ${times.length} calls`,
          ...stages
            .filter((st) => st.length)
            .map(
              (st, i) =>
                `  woken call ${i + 1}: ${WAKE_STAGES.map((name, j) => `${name.split(' (')[0]} ${st[j] === undefined ? '–' : round(st[j]!)}`).join(', ')}`,
            ),
          ...(errors.length ? [`${errors.length} calls failed, e.g. ${errors[0]}`] : []),
        ],
      },
    };
  },
};
