import {
  median,
  ratioRow,
  round,
  SUMMARY_HEADER,
  type Summary,
  summarize,
  summaryRatios,
  summaryRow,
} from '../lib/stats';
import { TARGETS, verdict } from '../targets';
import type { BenchPhase } from './phase';

/** The p50 ratio brokered / direct the extension aims to stay under (issue 15's; 1.15 before it). */
export const LATENCY_TARGET_P50_RATIO = TARGETS.warmP50Ratio;

export interface LatencyFigures {
  method: string;
  direct: Summary;
  brokered: Summary;
  unauthenticatedFetch: Summary;
  ratioBrokeredOverDirect: { p50: number; p95: number; mean: number };
  p50OverheadMs: number;
  target: { p50Ratio: number; met: boolean };
  perRound: { round: number; order: string; directP50: number; brokeredP50: number }[];
  errors: string[];
  errorCount: number;
}

/** Section 1: sequential getRecord, direct and brokered in interleaved (ABBA) rounds after a warm-up. */
export const latency: BenchPhase<LatencyFigures> = {
  id: 'latency',
  section: '1',
  resultKey: 'latency',
  label: () => 'latency (sequential getRecord)',
  async run({ config, brokered, direct, record }) {
    const { getRecord, getRecordPath, getRecordUrl } = record;
    const arms = {
      direct: [] as number[],
      brokered: [] as number[],
      unauthenticated: [] as number[],
    };
    const errors: string[] = [];
    // Warm-up: connections, preflight caches, JIT, IndexedDB.
    await direct.page.bringToFront();
    errors.push(...(await direct.sequential(getRecordPath, config.warmup)).errors);
    errors.push(...(await direct.unauthenticated(getRecordUrl, config.warmup)).errors);
    await brokered.page.bringToFront();
    errors.push(...(await brokered.sequential('atproto_xrpc', getRecord, config.warmup)).errors);
    const perRound: LatencyFigures['perRound'] = [];
    for (let r = 0; r < config.rounds; r++) {
      // ABBA order across rounds, so neither arm always runs first.
      const order = r % 2 === 0 ? (['direct', 'brokered'] as const) : (['brokered', 'direct'] as const);
      const thisRound: Record<string, number[]> = {};
      for (const arm of order) {
        if (arm === 'direct') {
          await direct.page.bringToFront();
          const d = await direct.sequential(getRecordPath, config.perRound);
          const u = await direct.unauthenticated(getRecordUrl, config.perRound);
          errors.push(...d.errors, ...u.errors);
          arms.direct.push(...d.times);
          arms.unauthenticated.push(...u.times);
          thisRound.direct = d.times;
        } else {
          await brokered.page.bringToFront();
          const b = await brokered.sequential('atproto_xrpc', getRecord, config.perRound);
          errors.push(...b.errors);
          arms.brokered.push(...b.times);
          thisRound.brokered = b.times;
        }
      }
      perRound.push({
        round: r + 1,
        order: order.join('→'),
        directP50: round(median(thisRound.direct)),
        brokeredP50: round(median(thisRound.brokered)),
      });
    }
    const d = summarize(arms.direct);
    const b = summarize(arms.brokered);
    const u = summarize(arms.unauthenticated);
    const ratios = summaryRatios(b, d);
    const met = ratios.p50 <= LATENCY_TARGET_P50_RATIO;
    return {
      figures: {
        method: 'com.atproto.repo.getRecord',
        direct: d,
        brokered: b,
        unauthenticatedFetch: u,
        ratioBrokeredOverDirect: ratios,
        p50OverheadMs: round(b.p50 - d.p50),
        target: { p50Ratio: LATENCY_TARGET_P50_RATIO, met },
        perRound,
        errors: errors.slice(0, 20),
        errorCount: errors.length,
      },
      table: {
        title: `Latency: com.atproto.repo.getRecord, sequential (${config.rounds} interleaved rounds × ${config.perRound}, after ${config.warmup} warm-up) — ms, timed in the page`,
        header: SUMMARY_HEADER,
        rows: [
          summaryRow('direct (oauth-client-browser in the page)', d),
          summaryRow('brokered (window.atproto → extension)', b),
          ratioRow('ratio brokered / direct', ratios),
          summaryRow('floor: unauthenticated fetch (no DPoP)', u),
        ],
        notes: [
          `p50 overhead of brokering: ${round(b.p50 - d.p50)} ms; target p50 ratio ≤ ${LATENCY_TARGET_P50_RATIO}: ${verdict(met)}`,
          `per-round p50 (direct/brokered): ${perRound.map((p) => `${p.directP50}/${p.brokeredP50}`).join(', ')}`,
          ...(errors.length ? [`${errors.length} calls failed, e.g. ${errors[0]}`] : []),
        ],
      },
    };
  },
};
