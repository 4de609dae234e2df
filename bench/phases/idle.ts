import { round, SUMMARY_HEADER, type Summary, summarize, summaryRow } from '../lib/stats';
import { sleep } from '../lib/wait';
import { timedBrokeredCall, WAKE_STAGES, wakeStages, workerMarks } from '../lib/wake';
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
 * Section 3b: the realistic case. Nothing stops the worker: the bench leaves the brokered page alone for
 * config.idleMs (longer than Chrome's 30 s idle timeout), then times one getRecord, and tells from the
 * worker's start time whether the browser had stopped it. Long, so BENCH_QUICK=1 skips it (idleWakes 0).
 */
export const idleWake: BenchPhase<IdleWakeFigures> = {
  id: 'idle',
  section: '3b',
  resultKey: 'idleWake',
  label: (config) => `call after ${config.idleMs / 1000} s idle (${config.idleWakes} times)`,
  async run({ config, browser, brokered, tokens, record }) {
    await brokered.page.bringToFront();
    const times: number[] = [];
    const stages: (number | undefined)[][] = [];
    const errors: string[] = [];
    let stopped = 0;
    for (let i = 0; i < config.idleWakes; i++) {
      await sleep(config.idleMs);
      tokens.reset(); // the bucket is full after a minute either way
      const c = await timedBrokeredCall(brokered, tokens, record.getRecord);
      if (c.error) {
        errors.push(c.error);
        continue;
      }
      times.push(c.ms);
      const marks = await workerMarks(browser);
      const fresh = marks.startedAt >= c.sentAt - 1;
      if (fresh) stopped++;
      stages.push(fresh ? wakeStages(c, marks) : []);
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
        title: `A call after ${config.idleMs / 1000} s idle, no CDP stop (${config.idleWakes} times) — ms`,
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
