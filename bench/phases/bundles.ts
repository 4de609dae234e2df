import path from 'node:path';
import { EXTENSION_DIR, ROOT } from '../config';
import { type BundleReport, bundleSizes, GZIP_LEVEL } from '../lib/bundle-sizes';
import { round } from '../lib/stats';
import { TARGETS, verdict } from '../targets';
import type { BenchPhase } from './phase';

const kib = (bytes: number) => round(bytes / 1024, 1);

/**
 * Section 5: raw and gzip sizes of every file of the build, grouped by
 * entrypoint (the manifest's background and content scripts, each HTML page
 * with the scripts, preloads and CSS it loads).
 */
export const bundles: BenchPhase<BundleReport> = {
  id: 'bundles',
  section: '5',
  resultKey: 'bundles',
  label: () => 'bundle sizes',
  always: true,
  async run({ pages }) {
    const b = bundleSizes(EXTENSION_DIR);
    const dir = path.relative(ROOT, EXTENSION_DIR);
    const rows: unknown[][] = [];
    for (const e of b.entrypoints) {
      rows.push([e.entrypoint, `${e.files.length} file${e.files.length === 1 ? '' : 's'}`, kib(e.raw), kib(e.gzip)]);
      for (const f of e.files) rows.push([`  ${f.file}${f.shared ? ' (shared)' : ''}`, '', kib(f.raw), kib(f.gzip)]);
    }
    rows.push([`whole ${dir}`, `${b.all.length} files`, kib(b.total.raw), kib(b.total.gzip)]);
    const { background, onDemand, contentScripts } = bundleTargets(b);
    return {
      figures: b,
      table: {
        title: `Bundle sizes (${dir}; KiB; gzip -${GZIP_LEVEL} per file)`,
        header: ['entrypoint / file', 'files', 'raw', 'gzip'],
        rows,
        notes: [
          `background ${background.kib} KiB gzip (what every start evaluates), target ≤ ${TARGETS.backgroundGzipKiB}: ${verdict(background.met)}; the OAuth kit it loads for a sign-in, a renewal or a sign-out ${onDemand.kib} KiB more; content scripts together ${contentScripts.kib} KiB gzip, target ≤ ${TARGETS.contentScriptsGzipKiB}: ${verdict(contentScripts.met)}`,
          `for comparison, the direct page's own oauth-client-browser bundle (esbuild, minified): ${kib(pages.direct.bytes)} KiB raw`,
        ],
      },
    };
  },
};

/** The background's and the content scripts' gzip size against issue 15's targets. */
export function bundleTargets(b: BundleReport) {
  const sum = (pick: (entrypoint: string) => boolean) =>
    kib(b.entrypoints.filter((e) => pick(e.entrypoint)).reduce((s, e) => s + e.gzip, 0));
  const bg = sum((e) => e === 'background');
  const cs = sum((e) => e.startsWith('content script'));
  return {
    background: { kib: bg, met: bg <= TARGETS.backgroundGzipKiB },
    onDemand: { kib: sum((e) => e.endsWith('(loaded on demand)')) },
    contentScripts: { kib: cs, met: cs <= TARGETS.contentScriptsGzipKiB },
  };
}
