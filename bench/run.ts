/**
 * AT Keyring benchmark: `npm run bench`.
 *
 * Builds the extension (unless BENCH_SKIP_BUILD=1), starts the local PDS, and
 * drives headless Chromium with the real extension in a fresh profile
 * (bench/setup.ts). Every brokered figure is compared with a baseline measured
 * in the same run: a page on another 127.0.0.1 origin that holds its own OAuth
 * session with @atproto/oauth-client-browser ("direct"). Runs the phases of
 * bench/phases/ in turn, prints their tables to stdout, progress to stderr, and
 * writes everything to bench/results.json.
 *
 * Knobs (env): BENCH_SKIP_BUILD=1, BENCH_QUICK=1 (smaller counts),
 * BENCH_MEMORY_CALLS, BENCH_MEMORY_SETTLE_MS, BENCH_ROUNDS, BENCH_PER_ROUND, BENCH_OUT,
 * BENCH_PHASES (comma list of phase ids, see bench/phases/index.ts; default all).
 */

import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type BenchConfig, benchConfig, DEFAULT_RESULTS_PATH, GRANT_SCOPE, ROOT } from './config';
import { cleanUpOnSignals, cleanup } from './lib/cleanup';
import { bundlePages } from './lib/page-bundles';
import { log, startedAt } from './lib/progress';
import { table } from './lib/stats';
import { compareSections, PHASES, SELECTABLE_PHASE_IDS } from './phases';
import type { BenchContext, BenchPhase, PhaseTable } from './phases/phase';
import { buildExtension, setUp } from './setup';

const OUT = process.env.BENCH_OUT ?? DEFAULT_RESULTS_PATH;
const CHOSEN = new Set((process.env.BENCH_PHASES ?? SELECTABLE_PHASE_IDS.join(',')).split(',').map((p) => p.trim()));

interface Results {
  machine: Record<string, unknown>;
  config: BenchConfig & { grantScope: string };
  failures: { phase: string; message: string }[];
  /** Each phase's figures under its resultKey. */
  [resultKey: string]: unknown;
  durationMs?: number;
  rateLimitWaitMs?: number;
}

async function main() {
  const config = benchConfig();
  const results: Results = {
    machine: {
      date: new Date().toISOString(),
      node: process.version,
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      totalMemoryMiB: Math.round(os.totalmem() / 1024 / 1024),
    },
    config: { ...config, grantScope: GRANT_SCOPE },
    failures: [],
  };

  buildExtension();
  const pages = await bundlePages(ROOT);
  results.machine.directPageBundleBytes = pages.direct.bytes;
  const session = await setUp(config, pages);
  results.machine.chromium = session.browser.context.browser()?.version();
  results.machine.headless = process.env.HEADED !== '1';

  const measured = new Map<BenchPhase<unknown>, unknown>();
  const ctx: BenchContext = {
    ...session,
    figuresOf: <F>(phase: BenchPhase<F>) => measured.get(phase) as F | undefined,
  };
  const tables: { section: string; table: PhaseTable }[] = [];
  for (const phase of PHASES) {
    const label = phase.label(config);
    if (!phase.always && !CHOSEN.has(phase.id)) {
      log(`${label}: skipped (BENCH_PHASES)`);
      continue;
    }
    log(`${label}…`);
    const started = Date.now();
    try {
      const report = await phase.run(ctx);
      measured.set(phase, report.figures);
      results[phase.resultKey] = report.figures;
      tables.push({ section: phase.section, table: report.table });
      log(`${label} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (err) {
      const message = (err as Error).stack ?? String(err);
      results.failures.push({ phase: label, message });
      log(`${label} FAILED: ${message}`);
    }
  }

  results.rateLimitWaitMs = session.tokens.waitedMs;
  results.durationMs = Date.now() - startedAt;
  await writeFile(OUT, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(report(results, tables));
  if (results.failures.length) process.exitCode = 1;
}

/** The printed report: a header line about the machine, the tables by section, a footer. */
function report(results: Results, tables: { section: string; table: PhaseTable }[]): string {
  const m = results.machine;
  const header = `AT Keyring benchmark — ${m.date} — Node ${m.node}, Chromium ${m.chromium} (${m.headless ? 'headless' : 'headed'}), ${m.cpus} CPUs (${m.cpuModel}), ${m.platform}`;
  const printed = [...tables]
    .sort((a, b) => compareSections(a.section, b.section))
    .map(({ section, table: t }) => table(`${section}. ${t.title}`, t.header, t.rows, t.notes));
  const footer = [
    `Run took ${(results.durationMs! / 1000).toFixed(1)} s (of which ${(results.rateLimitWaitMs! / 1000).toFixed(1)} s waiting for the extension's rate limit).`,
    ...(results.failures.length
      ? [`FAILED phases: ${results.failures.map((f) => f.phase).join(', ')} (see results.json)`]
      : []),
    `Results: ${path.relative(process.cwd(), OUT) || OUT}`,
  ];
  return `\n${header}\n\n${printed.join('\n\n')}\n\n${footer.join('\n')}\n`;
}

cleanUpOnSignals();
main()
  .catch((err) => {
    process.stderr.write(`[bench] failed: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanup();
    // Playwright or the PDS child may keep handles open; we are done.
    setTimeout(() => process.exit(), 500).unref();
  });
