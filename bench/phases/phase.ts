/** What a benchmark phase is, and what it gets to work with. */

import type { ExtensionBrowser } from '../../e2e/support/chromium';
import type { PdsInfo } from '../../e2e/support/pds-process';
import type { XrpcRequest } from '../../sdk/src/contract';
import type { BenchConfig } from '../config';
import type { PageBundles } from '../lib/page-bundles';
import type { BrokeredPage, DirectPage } from '../lib/page-drivers';
import type { BenchSite } from '../lib/site-server';
import type { TokenModel } from '../lib/token-model';

/** A printed table: run.ts prefixes the title with the phase's section. */
export interface PhaseTable {
  title: string;
  header: string[];
  rows: unknown[][];
  notes?: string[];
}

export interface PhaseReport<F> {
  /** What goes into results.json under the phase's resultKey. */
  figures: F;
  table: PhaseTable;
}

export interface BenchPhase<F = unknown> {
  /** Its name in BENCH_PHASES. */
  id: string;
  /** Where its table stands in the report ("1", "1b", …); tables print in this order. */
  section: string;
  /** Its key in results.json. */
  resultKey: string;
  /** For progress lines and results.json's failures. */
  label(config: BenchConfig): string;
  /** Runs whatever BENCH_PHASES says (it measures the build, not the browser). */
  always?: true;
  run(ctx: BenchContext): Promise<PhaseReport<F>>;
}

/** The one record every getRecord reads, as each side asks for it. */
export interface BenchRecord {
  /** atproto_xrpc params for the brokered page. */
  getRecord: XrpcRequest;
  /** The XRPC path for the direct page's session fetch handler. */
  getRecordPath: string;
  /** The full URL, for unauthenticated fetches. */
  getRecordUrl: string;
}

export interface BenchContext {
  config: BenchConfig;
  browser: ExtensionBrowser;
  brokered: BrokeredPage;
  /** The brokered page's site (its origin; what a page no driver is attached to reports to it). */
  brokeredSite: BenchSite;
  direct: DirectPage;
  /** The mirror of the extension's rate limit that brokered batches wait on. */
  tokens: TokenModel;
  record: BenchRecord;
  /** The local PDS (its URL, its accounts). */
  pds: PdsInfo;
  pages: PageBundles;
  /** The browser profile and the unpacked extensions it was launched with (section 3b starts its own browser). */
  profile: { dir: string; extensions: string[] };
  /** What an earlier phase of this run measured (undefined when it was skipped or failed). */
  figuresOf<F>(phase: BenchPhase<F>): F | undefined;
}
