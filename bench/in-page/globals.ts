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
