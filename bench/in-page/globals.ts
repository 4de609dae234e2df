/**
 * The window globals through which Playwright (Node) and the bench's page
 * code meet. Both sides import these names; Node imports only types from the
 * page modules themselves, which run only in the browser.
 */
export const PAGE_GLOBALS = {
  /** The direct page's settings, written into its HTML by bench/lib/bench-sites.ts. */
  directConfig: '__BENCH_CONFIG',
  direct: '__direct',
  brokered: '__brokered',
  /** Counters installed into a page or the service worker by bench/in-page/instrument.ts. */
  instrument: '__benchInstrument',
} as const;

/** What the brokered page does when opened with IDLE_HASH (bench section 3b): no driver is attached to it. */
export interface IdleRun {
  idleMs: number;
  calls: number;
  request: unknown;
}

/** One call of an idle run, in epoch ms, as the page POSTs it to /report. */
export interface IdleReport {
  sentAt: number;
  answeredAt: number;
  ms: number;
  error?: string;
}

/** The brokered page's address is followed by this and the IdleRun as JSON (URI-encoded). */
export const IDLE_HASH = '#idle=';
