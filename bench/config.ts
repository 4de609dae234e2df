/**
 * What the benchmark measures and how much: counts, sizes and the extension's
 * limits it paces itself by. bench/README.md quotes these figures; bench/readme.test.ts
 * checks that it quotes them right.
 */
import path from 'node:path';
import { RATE_LIMIT } from '../src/broker/rate-limit';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const EXTENSION_DIR = path.join(ROOT, '.output/chrome-mv3');
/** The empty extension loaded beside ours: the floor of a cold call (section 3). */
export const FLOOR_EXTENSION_DIR = path.join(ROOT, 'bench/floor-extension');
/** Where results.json goes unless BENCH_OUT says otherwise (git-ignored). */
export const DEFAULT_RESULTS_PATH = path.join(ROOT, 'bench/results.json');

/** The grant the brokered site is connected with. */
export const GRANT_SCOPE = 'atproto repo:app.bsky.feed.post?action=create blob:*/*';
/** Where the one record every getRecord reads is created. */
export const COLLECTION = 'app.bsky.feed.post';

export interface BenchConfig {
  warmup: number;
  rounds: number;
  perRound: number;
  concurrent: number;
  /** The extension's per-origin in-flight cap. */
  inFlightCap: number;
  throughputReps: number;
  coldWakes: number;
  /** Calls after a long idle with no CDP stop (section 3b); 0 skips it. */
  idleWakes: number;
  /** How long each of those waits (ms), past Chrome's 30 s idle timeout. */
  idleMs: number;
  blobBytes: number;
  blobCount: number;
  /** The large upload's size (section 4 also uploads this, blobLargeCount times each). */
  blobLargeBytes: number;
  blobLargeCount: number;
  blobEncoding: string;
  breakdownCalls: number;
  memoryCalls: number;
  /** Idle wait before a last heap reading (longer than the 30 s XRPC timeout signals); 0 skips it. */
  memorySettleMs: number;
  /** Windows of each kind (empty page, consent window) whose first paint section 7 times. */
  paintWindows: number;
  /** Opens of each page that sections 7b (popup, activity page, per state of the log) and 7c (two popups) time. */
  pageOpens: number;
  /** The extension's per-origin token bucket. */
  rateLimit: { capacity: number; perSecond: number };
}

/** The counts for a run: BENCH_QUICK=1 makes them smaller; BENCH_ROUNDS etc. set single ones. */
export function benchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const quick = env.BENCH_QUICK === '1';
  const num = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
  return {
    warmup: quick ? 5 : 20,
    rounds: num('BENCH_ROUNDS', quick ? 2 : 4),
    perRound: num('BENCH_PER_ROUND', quick ? 20 : 50),
    concurrent: 50,
    inFlightCap: RATE_LIMIT.maxInFlight,
    throughputReps: quick ? 1 : 7,
    coldWakes: quick ? 3 : 10,
    idleWakes: num('BENCH_IDLE_WAKES', quick ? 0 : 3),
    idleMs: num('BENCH_IDLE_MS', 60_000),
    blobBytes: 1024 * 1024,
    blobCount: quick ? 3 : 10,
    blobLargeBytes: 10 * 1024 * 1024,
    blobLargeCount: quick ? 1 : 7,
    blobEncoding: 'application/octet-stream',
    breakdownCalls: quick ? 10 : 40,
    memoryCalls: num('BENCH_MEMORY_CALLS', quick ? 200 : 1000),
    memorySettleMs: num('BENCH_MEMORY_SETTLE_MS', quick ? 0 : 31_000),
    paintWindows: num('BENCH_PAINT_WINDOWS', quick ? 3 : 10),
    pageOpens: num('BENCH_PAGE_OPENS', quick ? 3 : 10),
    rateLimit: { capacity: RATE_LIMIT.capacity, perSecond: RATE_LIMIT.refillPerSecond },
  };
}
