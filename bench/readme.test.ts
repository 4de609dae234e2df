/**
 * bench/README.md quotes the code: its counts, the extension's limits, the
 * phases and the files. This test reads it and fails when a figure there is
 * not the code's (as happened when the rate limits changed and the README
 * kept the old ones).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../sdk/src/contract';
import { CONSENT_WINDOW_SIZE } from '../src/background/consent-window';
import { RATE_LIMIT } from '../src/broker/rate-limit';
import { type BenchConfig, benchConfig, DEFAULT_RESULTS_PATH, GRANT_SCOPE, ROOT } from './config';
import { GZIP_LEVEL } from './lib/bundle-sizes';
import { BENCH_HOST } from './lib/site-server';
import { ACTIVITY_TARGET_RATIO, FEED_READS, SEEDED_ENTRIES } from './phases/activity';
import { TRANSPORT_CALLS } from './phases/blob';
import { compareSections, PHASES, SELECTABLE_PHASE_IDS } from './phases/index';
import { LATENCY_TARGET_P50_RATIO } from './phases/latency';
import { PAINT_TARGET_RATIO } from './phases/paint';
import { POPUP_ACCOUNTS, POPUP_SITES, POPUP_TARGET_RATIO } from './phases/popup';
import { TARGETS } from './targets';

const README = readFileSync(path.join(ROOT, 'bench/README.md'), 'utf8');
const FULL = benchConfig({});
const QUICK = benchConfig({ BENCH_QUICK: '1' });
const MIB = 1024 * 1024;

/** The rows of the Markdown table whose header row starts with `| first |`, as trimmed cells. */
function tableRows(first: string): string[][] {
  const lines = README.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${first} |`));
  if (start < 0) throw new Error(`no table starting with "${first}" in bench/README.md`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
  }
  return rows;
}

const unquote = (cell: string) => cell.replace(/^`|`$/g, '');

/** Every number the code gives the README to quote, as the README may spell it. */
function numbersFromCode(): Set<string> {
  const values: number[] = [
    ...PHASES.map((p) => Number.parseInt(p.section, 10)),
    ...[FULL, QUICK].flatMap((c) => Object.values(c).filter((v): v is number => typeof v === 'number')),
    ...Object.values(RATE_LIMIT),
    FULL.blobBytes / MIB,
    FULL.memorySettleMs / 1000,
    ...Object.values(ErrorCode).map(Math.abs),
    LATENCY_TARGET_P50_RATIO,
    PAINT_TARGET_RATIO,
    ACTIVITY_TARGET_RATIO,
    SEEDED_ENTRIES,
    FEED_READS,
    POPUP_ACCOUNTS,
    POPUP_SITES,
    POPUP_TARGET_RATIO,
    CONSENT_WINDOW_SIZE.width,
    CONSENT_WINDOW_SIZE.height,
    TRANSPORT_CALLS,
    GZIP_LEVEL,
    ...Object.values(TARGETS),
    TARGETS.heapTolerance * 100,
    FULL.blobLargeBytes / MIB,
    FULL.idleMs / 1000,
  ];
  const spelled = values.flatMap((v) => [String(v), v.toLocaleString('en-US')]);
  const playwright = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).devDependencies[
    'playwright-core'
  ] as string;
  return new Set([...spelled, BENCH_HOST, playwright.split('.').slice(0, 2).join('.')]);
}

describe('bench/README.md', () => {
  it('quotes the rate limits of src/broker/rate-limit.ts', () => {
    expect(README).toContain(
      `a burst of ${RATE_LIMIT.capacity} requests per origin, then ${RATE_LIMIT.refillPerSecond}/s, with ${RATE_LIMIT.maxInFlight} in flight`,
    );
    expect(README).toContain(`a pool of ${FULL.inFlightCap} in flight (the extension's per-origin cap)`);
  });

  it('lists every phase with its section and id, in the order the report prints them', () => {
    const rows = tableRows('section').map(([section, id]) => ({ section, id: unquote(id) }));
    const phases = [...PHASES]
      .sort((a, b) => compareSections(a.section, b.section))
      .map((p) => ({ section: p.section, id: p.id }));
    expect(rows).toEqual(phases);
    for (const p of PHASES) expect(existsSync(path.join(ROOT, 'bench/phases', `${p.id}.ts`)), p.id).toBe(true);
  });

  it('names the BENCH_PHASES ids the bench accepts', () => {
    expect(README).toContain(`BENCH_PHASES=${SELECTABLE_PHASE_IDS.join(',')}`);
  });

  it("quotes bench/config.ts's counts, by default and with BENCH_QUICK=1", () => {
    const rows = tableRows('count');
    for (const [cell, full, quick] of rows) {
      const key = unquote(cell) as keyof BenchConfig;
      expect([Number(full), Number(quick)], key).toEqual([FULL[key], QUICK[key]]);
    }
    // Every count is in the table but the two the sections quote (checked below).
    const listed = rows.map(([cell]) => unquote(cell));
    const counts = Object.keys(FULL).filter((k) => typeof FULL[k as keyof BenchConfig] === 'number');
    expect(counts.filter((k) => !listed.includes(k))).toEqual(['inFlightCap', 'blobBytes']);
    for (const [name, value] of Object.entries(TARGETS)) expect(README, name).toContain(String(value));
  });

  it('quotes the figures of the sections as the code has them', () => {
    const phases = Object.fromEntries(tableRows('section').map(([, id, what]) => [unquote(id), what]));
    expect(phases.latency).toContain(`target p50 ratio of ${LATENCY_TARGET_P50_RATIO}`);
    expect(phases.breakdown).toContain(`refused with ${ErrorCode.unsupportedMethod}`);
    expect(phases.throughput).toContain(`${FULL.concurrent} getRecord at once: \`Promise.all\` of ${FULL.concurrent}`);
    expect(phases.blob).toContain(`${FULL.blobBytes / MIB} MiB random-bytes`);
    expect(phases.blob).toContain(`up to ${TRANSPORT_CALLS} calls refused there with ${ErrorCode.unauthorized}`);
    expect(phases.bundles).toContain(`gzip -${GZIP_LEVEL}`);
    expect(phases.memory).toContain(
      `after ${FULL.memoryCalls.toLocaleString('en-US')} brokered calls, and after ${FULL.memorySettleMs / 1000} s idle`,
    );
    expect(phases.paint).toContain(`at most ${PAINT_TARGET_RATIO} × the empty one`);
    expect(phases.activity).toContain(`${FEED_READS.toLocaleString('en-US')} brokered getRecord`);
    expect(phases.activity).toContain(`${FULL.pageOpens} times each per turn`);
    expect(phases.activity).toContain(`${SEEDED_ENTRIES.toLocaleString('en-US')} entries seeded`);
    expect(phases.activity).toContain(`at most ${ACTIVITY_TARGET_RATIO} × the popup's`);
    expect(phases.popup).toContain(`with ${POPUP_ACCOUNTS} accounts`);
    expect(phases.popup).toContain(`and ${POPUP_SITES} connected sites`);
    expect(phases.popup).toContain(`${FULL.pageOpens} times each`);
    expect(phases.popup).toContain(`at most ${POPUP_TARGET_RATIO} × the empty one's`);
    expect(phases.paint).toContain(`${CONSENT_WINDOW_SIZE.width} × ${CONSENT_WINDOW_SIZE.height} popup windows`);
    expect(README).toContain(`scope \`${GRANT_SCOPE}\``);
  });

  it('has no number the code does not have', () => {
    const known = numbersFromCode();
    // Numbers standing alone: not inside a name such as chrome-mv3, e2e or section 1b.
    const quoted = README.match(/(?<![\w.])\d+(?:[.,]\d+)*(?!\w)/g) ?? [];
    expect(quoted.filter((n) => !known.has(n))).toEqual([]);
  });

  it('names only files that exist', () => {
    const named = [...README.matchAll(/`((?:bench|e2e|src)\/[\w./-]*)`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    const written = path.relative(ROOT, DEFAULT_RESULTS_PATH);
    expect(named.filter((file) => file !== written && !existsSync(path.join(ROOT, file)))).toEqual([]);
  });
});
