import { IDLE_HASH, type IdleReport, type IdleRun } from '../in-page/globals';
import { extensionProcesses, type ProcessUsage, usageOf } from '../lib/process-usage';
import { round, SUMMARY_HEADER, type Summary, summarize, summaryRow } from '../lib/stats';
import { startUndrivenChromium } from '../lib/undriven-chromium';
import { WAKE_STAGES, wakeStages, workerMarks } from '../lib/wake';
import type { BenchPhase } from './phase';

export interface IdleWakeFigures {
  waits: number;
  idleMs: number;
  /**
   * The page's first call, after its first wait: the page had made no call, so its relay was not keeping the
   * worker, which the browser stopped as idle (ms; undefined if it failed).
   */
  firstCall: { ms: number; workerWasStopped: boolean } | undefined;
  /** The calls after it, each after a wait through which the relay kept the worker running. */
  laterCalls: Summary;
  /** How many of the later calls found the worker stopped by the browser (a worker started after the call was sent). */
  laterWorkerWasStopped: number;
  stagesOfEach: (number | undefined)[][];
  /** What keeping the worker running costs (src/relay/keep-alive.ts), over the waits between two calls. */
  keptRunning: KeptRunningCost;
  errors: string[];
}

/** Read from /proc at each call's report: the extension processes, and the browser's own process. */
export interface KeptRunningCost {
  /** How many extension processes were running at each report (ours, and any other extension's). */
  extensionProcessesAtEachReport: number[];
  /** Resident memory of the extension processes at each report, MiB (VmRSS, with pages shared with others). */
  extensionRssMiB: number[];
  /** Their own anonymous resident memory at each report, MiB (RssAnon). */
  extensionAnonMiB: number[];
  /** CPU time of the extension processes present at both ends of a wait, per minute of waiting, ms. */
  extensionCpuMsPerMinute: number[];
  /** CPU time of the browser process (which routes each message, and does everything else) per minute, ms. */
  browserCpuMsPerMinute: number[];
}

interface Sample {
  at: number;
  extensions: ProcessUsage[];
  browser: ProcessUsage | undefined;
}

function sample(browserPid: number): Sample {
  return { at: performance.now(), extensions: extensionProcesses(browserPid), browser: usageOf(browserPid) };
}

/** CPU ms per minute between two samples: of the processes in both (a process that ended took its time along). */
function cpuPerMinute(before: ProcessUsage[], after: ProcessUsage[], minutes: number): number {
  let ns = 0;
  for (const a of after) {
    const b = before.find((p) => p.pid === a.pid);
    if (b) ns += a.cpuNs - b.cpuNs;
  }
  return ns / 1e6 / minutes;
}

/**
 * Section 3b: the realistic case, in a browser no DevTools client is attached to. Playwright keeps a session
 * on every service worker, and Chromium never stops an inspected worker, so this phase closes Playwright's
 * browser (it runs last) and starts Chromium again on the same profile, opening the brokered page with an
 * idle run in its address: the page waits config.idleMs (longer than Chrome's 30 s idle timeout), makes one
 * getRecord and reports its times, config.idleWakes times. After each report the bench connects over CDP,
 * reads the worker's start time and marks (a worker that started after the call was sent had been stopped
 * by the browser), and disconnects before the next wait. The page's first call comes before its relay keeps
 * the worker (it keeps it only once a request was answered, src/relay/keep-alive.ts), the later ones after
 * waits it kept, whose cost is read from /proc. Long, so BENCH_QUICK=1 skips it (idleWakes 0).
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
    const calls: { index: number; ms: number; fresh: boolean }[] = [];
    const stages: (number | undefined)[][] = [];
    const errors: string[] = [];
    const samples: Sample[] = [];
    try {
      for (let i = 0; i < config.idleWakes; i++) {
        const report = (await brokeredSite.nextReport(config.idleMs + 30_000)) as IdleReport;
        // Before the bench connects: from the previous report to this one, the browser ran on its own.
        samples.push(sample(undriven.pid));
        if (report.error) {
          errors.push(report.error);
          continue;
        }
        // Look at the worker, then let go of it: an attached client would keep it running through the next wait.
        const cdp = await undriven.connect();
        try {
          const marks = await workerMarks({ context: cdp.contexts()[0]!, extensionId });
          const fresh = marks.startedAt >= report.sentAt - 1;
          calls.push({ index: i, ms: report.ms, fresh });
          stages.push(fresh ? wakeStages(report, marks) : []);
        } finally {
          await cdp.close();
        }
      }
    } finally {
      await undriven.stop();
    }
    // The first is the page's first call only if it did not fail (a failed one is in errors).
    const first = calls.find((c) => c.index === 0);
    const later = calls.filter((c) => c.index > 0);
    const s = summarize(later.map((c) => c.ms));
    const laterStopped = later.filter((c) => c.fresh).length;
    const keptRunning: KeptRunningCost = {
      extensionProcessesAtEachReport: samples.map((x) => x.extensions.length),
      extensionRssMiB: samples.map((x) => round(x.extensions.reduce((sum, p) => sum + p.rssKiB, 0) / 1024)),
      extensionAnonMiB: samples.map((x) => round(x.extensions.reduce((sum, p) => sum + p.anonKiB, 0) / 1024)),
      extensionCpuMsPerMinute: [],
      browserCpuMsPerMinute: [],
    };
    for (let i = 1; i < samples.length; i++) {
      const minutes = (samples[i]!.at - samples[i - 1]!.at) / 60_000;
      const [before, after] = [samples[i - 1]!, samples[i]!];
      keptRunning.extensionCpuMsPerMinute.push(round(cpuPerMinute(before.extensions, after.extensions, minutes)));
      if (before.browser && after.browser)
        keptRunning.browserCpuMsPerMinute.push(round(cpuPerMinute([before.browser], [after.browser], minutes)));
    }
    return {
      figures: {
        waits: config.idleWakes,
        idleMs: config.idleMs,
        firstCall: first && { ms: round(first.ms), workerWasStopped: first.fresh },
        laterCalls: s,
        laterWorkerWasStopped: laterStopped,
        stagesOfEach: stages,
        keptRunning,
        errors: errors.slice(0, 5),
      },
      table: {
        title: `A call after ${config.idleMs / 1000} s idle, no CDP stop and no DevTools client attached (${config.idleWakes} times) — ms`,
        header: SUMMARY_HEADER,
        rows: [
          summaryRow(`the page's first call (no keep-alive yet)`, summarize(first ? [first.ms] : [])),
          summaryRow(`later calls (the relay kept the worker)`, s),
        ],
        notes: [
          `the first call found the worker ${first ? (first.fresh ? 'stopped by the browser' : 'running') : '(failed)'}: the page had made no call before it, so its relay was not keeping the worker`,
          `the browser had stopped the worker before ${laterStopped} of ${later.length} later calls: the page is a visible tab of a connected site, whose relay keeps the worker after its first answered call (src/relay/keep-alive.ts)`,
          `the cost of keeping it, from /proc at each report: extension processes running ${keptRunning.extensionProcessesAtEachReport.join(', ')}; their own memory (RssAnon) ${keptRunning.extensionAnonMiB.join(', ')} MiB, resident with shared pages (VmRSS) ${keptRunning.extensionRssMiB.join(', ')} MiB`,
          `  CPU per minute of each wait after the first (the worker kept; each includes the call at its end): extension processes ${keptRunning.extensionCpuMsPerMinute.join(', ')} ms; the browser process (everything it does) ${keptRunning.browserCpuMsPerMinute.join(', ')} ms`,
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
