/**
 * The brokered site's page: a blank page on its own 127.0.0.1 origin whose
 * calls go through `window.atproto` (the extension's provider). Bundled by
 * bench/lib/page-bundles.ts like the direct page, and driven through
 * `window.__brokered` (bench/lib/page-drivers.ts); all timings are taken
 * here, in the page, with performance.now().
 */
import type { AtprotoProvider, XrpcResult } from '../../sdk/src/contract';
import { IDLE_HASH, type IdleReport, type IdleRun, PAGE_GLOBALS } from './globals';
import { type Attempt, failed, pool, randomBytes, sequence, succeeded, timed, unauthenticatedFetches } from './timing';

const provider = () => (window as unknown as { atproto: AtprotoProvider }).atproto;

const describe = (e: unknown) => {
  const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
  return typeof code === 'number' ? `${code} ${message}` : String(e);
};

/**
 * One window.atproto request. With `expectCode`, succeeds only when the
 * request is refused with that code; an atproto_xrpc call succeeds only on status 200.
 */
const call = (method: string, params: unknown, expectCode?: number): Promise<Attempt> =>
  timed(async () => {
    let result: unknown;
    try {
      result = await provider().request({ method, params });
    } catch (e) {
      const code = (e as { code?: unknown } | undefined)?.code;
      return expectCode !== undefined && code === expectCode ? succeeded({ code }) : failed(describe(e));
    }
    if (expectCode !== undefined) return failed(`expected error ${expectCode}, got a result`);
    const xrpc = result as XrpcResult | undefined;
    if (method === 'atproto_xrpc' && xrpc?.status !== 200)
      return failed(`status ${xrpc?.status}: ${JSON.stringify(xrpc?.body).slice(0, 200)}`);
    return succeeded(result);
  });

const api = {
  /** n requests one after another. */
  sequential(method: string, params: unknown, n: number, expectCode?: number) {
    return sequence(n, () => call(method, params, expectCode));
  },

  /** n requests with at most `concurrency` in flight; total wall time. */
  concurrent(method: string, params: unknown, n: number, concurrency: number) {
    return pool(n, concurrency, () => call(method, params));
  },

  /**
   * Uploads `count` blobs of `size` fresh random bytes each, one at a time: a Uint8Array body, or (`asBlob`) a
   * Blob made before the clock starts, as a site passing the File a person picked would.
   */
  uploads(size: number, count: number, encoding: string, asBlob = false) {
    return sequence(count, () => {
      const bytes = randomBytes(size);
      return call('atproto_xrpc', {
        nsid: 'com.atproto.repo.uploadBlob',
        body: asBlob ? new Blob([bytes]) : bytes,
        encoding,
      });
    });
  },

  /**
   * Carries `size` random bytes to the background and back without touching
   * the PDS: account management is refused (`refusedWith`) after the body is decoded.
   */
  transport(size: number, n: number, refusedWith: number) {
    return sequence(n, () =>
      call(
        'atproto_xrpc',
        { nsid: 'com.atproto.server.deleteAccount', body: randomBytes(size), encoding: 'application/octet-stream' },
        refusedWith,
      ),
    );
  },

  /** Unauthenticated fetch from this page (no extension involved). */
  fetchLoop(url: string, n: number) {
    return unauthenticatedFetches(url, n, (res) => res.arrayBuffer());
  },
};

export type BrokeredPageApi = typeof api;

(window as unknown as Record<typeof PAGE_GLOBALS.brokered, BrokeredPageApi>)[PAGE_GLOBALS.brokered] = api;

/**
 * Opened with `#idle=<IdleRun as JSON>` in a browser no DevTools client is attached to: waits `idleMs`, makes
 * one brokered call, POSTs its times to /report, `calls` times. The bench reads each report and looks at
 * the worker between calls.
 */
async function idleRun(run: IdleRun) {
  const now = () => performance.timeOrigin + performance.now();
  for (let waited = 0; !provider() && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  for (let i = 0; i < run.calls; i++) {
    await new Promise((r) => setTimeout(r, run.idleMs));
    const sentAt = now();
    const attempt = await call('atproto_xrpc', run.request);
    const answeredAt = now();
    const report: IdleReport = {
      sentAt,
      answeredAt,
      ms: answeredAt - sentAt,
      ...(attempt.ok ? {} : { error: attempt.error }),
    };
    await fetch('/report', { method: 'POST', body: JSON.stringify(report) }).catch(() => {});
  }
}

if (location.hash.startsWith(IDLE_HASH))
  void idleRun(JSON.parse(decodeURIComponent(location.hash.slice(IDLE_HASH.length))));
