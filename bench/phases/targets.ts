import { round } from '../lib/stats';
import { TARGETS, type TargetResult, verdict } from '../targets';
import { blob } from './blob';
import { bundles, bundleTargets } from './bundles';
import { coldWake } from './cold';
import { latency } from './latency';
import { memory } from './memory';
import type { BenchPhase } from './phase';
import { throughput } from './throughput';

const MIB = 1024 * 1024;

/**
 * Section 8: each of issue 15's targets (bench/targets.ts) with what this run measured and MET or MISSED;
 * a target whose phase was skipped or failed says so. Runs last and always.
 */
export const targets: BenchPhase<TargetResult[]> = {
  id: 'targets',
  section: '8',
  resultKey: 'targets',
  label: () => 'targets',
  always: true,
  async run({ figuresOf }) {
    const out: TargetResult[] = [];
    const add = (what: string, target: string, measured: string | undefined, met: boolean | undefined) =>
      out.push({
        what,
        target,
        measured: measured ?? 'not measured',
        verdict: met === undefined ? 'MISSED' : verdict(met),
      });
    const b = figuresOf(bundles);
    const bt = b && bundleTargets(b);
    add(
      'background bundle, gzip',
      `≤ ${TARGETS.backgroundGzipKiB} KiB`,
      bt && `${bt.background.kib} KiB`,
      bt?.background.met,
    );
    add(
      'content scripts together, gzip',
      `≤ ${TARGETS.contentScriptsGzipKiB} KiB`,
      bt && `${bt.contentScripts.kib} KiB`,
      bt?.contentScripts.met,
    );
    const c = figuresOf(coldWake);
    add(
      'cold brokered getRecord, p50',
      `≤ floor + ${TARGETS.coldWarmMultiple} × warm`,
      c &&
        `${c.cold.p50} ms (floor ${c.floor.p50} + ${TARGETS.coldWarmMultiple} × ${c.warmRightAfter.p50} = ${c.targetP50Ms})`,
      c?.met,
    );
    const u = figuresOf(blob);
    // One line per size and body form: a Uint8Array (what the issue measured) and a Blob (contract 1.2).
    for (const f of u ? [u, u.large] : []) {
      for (const [form, r] of [
        ['Uint8Array', f.ratioBrokeredOverDirect],
        ['Blob', f.ratioBrokeredBlobOverDirectBlob],
      ] as const)
        add(
          `uploadBlob ${f.bytes / MIB} MiB, ${form} body, p50`,
          `≤ ${TARGETS.uploadP50Ratio} × direct`,
          `${r.p50} ×`,
          r.p50 <= TARGETS.uploadP50Ratio,
        );
    }
    if (!u) add('uploadBlob, p50', `≤ ${TARGETS.uploadP50Ratio} × direct`, undefined, undefined);
    const l = figuresOf(latency);
    const lr = l?.ratioBrokeredOverDirect.p50;
    add(
      'warm getRecord, p50',
      `≤ ${TARGETS.warmP50Ratio} × direct`,
      lr === undefined ? undefined : `${lr} ×`,
      lr === undefined ? undefined : lr <= TARGETS.warmP50Ratio,
    );
    const t = figuresOf(throughput)?.promiseAll.ratioTotalTime;
    add(
      '50 concurrent (Promise.all), total',
      `≤ ${TARGETS.concurrentRatio} × direct`,
      t === undefined ? undefined : `${t} ×`,
      t === undefined ? undefined : t <= TARGETS.concurrentRatio,
    );
    const m = figuresOf(memory);
    const heap = m && round(m.afterGc.usedSize / MIB, 2);
    // No regression: at most 10% above the baseline (less is better, not a miss).
    const ceiling = round(TARGETS.heapBaselineMiB * (1 + TARGETS.heapTolerance), 2);
    add(
      `background heap after ${m?.calls ?? '–'} calls + GC`,
      `≤ ${ceiling} MiB (${TARGETS.heapBaselineMiB} + ${TARGETS.heapTolerance * 100}%)`,
      heap === undefined ? undefined : `${heap} MiB`,
      heap === undefined ? undefined : heap <= ceiling,
    );
    return {
      figures: out,
      table: {
        title: 'Targets (issue 15)',
        header: ['target', 'required', 'measured', ''],
        rows: out.map((r) => [r.what, r.target, r.measured, r.verdict]),
      },
    };
  },
};
