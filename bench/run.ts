/**
 * AT Keyring benchmark: `npm run bench`.
 *
 * Builds the extension (unless BENCH_SKIP_BUILD=1), starts the local PDS, and
 * drives headless Chromium with the real extension in a fresh profile. Every
 * brokered figure is compared with a baseline measured in the same run: a page
 * on another 127.0.0.1 origin that holds its own OAuth session with
 * @atproto/oauth-client-browser ("direct"). Prints tables to stdout, progress to
 * stderr, and writes everything to bench/results.json.
 *
 * Knobs (env): BENCH_SKIP_BUILD=1, BENCH_QUICK=1 (smaller counts),
 * BENCH_MEMORY_CALLS, BENCH_MEMORY_SETTLE_MS, BENCH_ROUNDS, BENCH_PER_ROUND, BENCH_OUT,
 * BENCH_PHASES (comma list of latency, breakdown, throughput, blob, cold, memory; default all).
 */

import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { type ExtensionBrowser, launchWithExtension } from '../e2e/support/chromium';
import { configureNetwork, signIn } from '../e2e/support/keyring';
import { PDS_BUTTONS, PDS_PASSWORD_INPUT } from '../e2e/support/pds-pages';
import { type PdsInfo, startPdsProcess } from '../e2e/support/pds-process';
import { nextConsentWindow, request } from '../e2e/support/site';
import { RATE_LIMIT } from '../src/broker/rate-limit';
import { type BundleReport, bundleSizes } from './lib/bundle-sizes';
import { bundleDirectPage } from './lib/direct-bundle';
import { startBenchSite } from './lib/site-server';
import { median, ratio, round, type Summary, summarize, table } from './lib/stats';
import { attachServiceWorker, type HeapUsage, heapUsage } from './lib/sw-cdp';

const ROOT = path.resolve(import.meta.dirname, '..');
const EXTENSION_DIR = path.join(ROOT, '.output/chrome-mv3');
const OUT = process.env.BENCH_OUT ?? path.join(ROOT, 'bench/results.json');
const QUICK = process.env.BENCH_QUICK === '1';
const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);

const ALL_PHASES = ['latency', 'breakdown', 'throughput', 'blob', 'cold', 'memory'] as const;
const PHASES = new Set((process.env.BENCH_PHASES ?? ALL_PHASES.join(',')).split(',').map((p) => p.trim()));

const CONFIG = {
  warmup: QUICK ? 5 : 20,
  rounds: num('BENCH_ROUNDS', QUICK ? 2 : 4),
  perRound: num('BENCH_PER_ROUND', QUICK ? 20 : 50),
  concurrent: 50,
  /** The extension's per-origin in-flight cap. */
  inFlightCap: RATE_LIMIT.maxInFlight,
  throughputReps: QUICK ? 1 : 3,
  coldWakes: QUICK ? 3 : 10,
  blobBytes: 1024 * 1024,
  blobCount: QUICK ? 3 : 10,
  blobEncoding: 'application/octet-stream',
  breakdownCalls: QUICK ? 10 : 40,
  memoryCalls: num('BENCH_MEMORY_CALLS', QUICK ? 200 : 1000),
  /** Idle wait before a last heap reading (longer than the 30 s XRPC timeout signals); 0 skips it. */
  memorySettleMs: num('BENCH_MEMORY_SETTLE_MS', QUICK ? 0 : 31_000),
  /** The extension's per-origin token bucket. */
  rateLimit: { capacity: RATE_LIMIT.capacity, perSecond: RATE_LIMIT.refillPerSecond },
};
const GRANT_SCOPE = 'atproto repo:app.bsky.feed.post?action=create blob:*/*';
const COLLECTION = 'app.bsky.feed.post';

// ---- plumbing ------------------------------------------------------------------

const t0 = Date.now();
const log = (msg: string) =>
  process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cleanups: { name: string; fn: () => Promise<unknown> }[] = [];
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length) {
      const { name, fn } = cleanups.pop()!;
      try {
        await Promise.race([fn(), sleep(20_000).then(() => Promise.reject(new Error('timed out')))]);
      } catch (err) {
        process.stderr.write(`[bench] cleanup of ${name} failed: ${(err as Error).message}\n`);
      }
    }
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`[bench] ${signal}: cleaning up\n`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function withTimeout<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms)),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Mirrors the extension's per-origin token bucket so that timed batches never
 * hit its rate limit (-32005): waits, outside any timed region, until the
 * bucket has refilled enough. Conservative: a worker restart, which resets
 * the real bucket, is only counted when we cause it.
 */
class TokenModel {
  private tokens: number;
  private at = Date.now();
  waitedMs = 0;
  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
  ) {
    this.tokens = capacity;
  }
  private refill() {
    const now = Date.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
  }
  async take(n: number) {
    if (n > this.capacity) throw new Error(`cannot take ${n} tokens at once`);
    this.refill();
    if (this.tokens < n) {
      const wait = Math.ceil(((n - this.tokens) / this.perSecond) * 1000) + 150;
      this.waitedMs += wait;
      await sleep(wait);
      this.refill();
    }
    this.tokens -= n;
  }
  reset() {
    this.tokens = this.capacity;
    this.at = Date.now();
  }
}
const tokens = new TokenModel(CONFIG.rateLimit.capacity, CONFIG.rateLimit.perSecond);

// ---- in-page helpers ---------------------------------------------------------------

interface Timed {
  times: number[];
  errors: string[];
  sample?: any;
}
interface Concurrent {
  totalMs: number;
  ok: number;
  errors: string[];
}

/** Installs window.__brokered in the brokered site's page: timed loops over window.atproto.request. */
function installBrokeredHelpers() {
  const w = window as any;
  const randomBytes = (size: number) => {
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)));
    return bytes;
  };
  const describe = (e: any) => (typeof e?.code === 'number' ? `${e.code} ${e.message}` : String(e));
  /** One request; resolves with [ok, elapsed ms, result or error]. */
  const one = async (method: string, params: unknown, expectCode?: number): Promise<[boolean, number, any]> => {
    const t0 = performance.now();
    try {
      const result = await w.atproto.request({ method, params });
      const ms = performance.now() - t0;
      if (expectCode !== undefined) return [false, ms, `expected error ${expectCode}, got a result`];
      if (method === 'atproto_xrpc' && result?.status !== 200)
        return [false, ms, `status ${result?.status}: ${JSON.stringify(result?.body).slice(0, 200)}`];
      return [true, ms, result];
    } catch (e: any) {
      const ms = performance.now() - t0;
      return expectCode !== undefined && e?.code === expectCode
        ? [true, ms, { code: e.code }]
        : [false, ms, describe(e)];
    }
  };
  w.__brokered = {
    async sequential(method: string, params: unknown, n: number, expectCode?: number) {
      const times: number[] = [];
      const errors: string[] = [];
      let sample: unknown;
      for (let i = 0; i < n; i++) {
        const [ok, ms, value] = await one(method, params, expectCode);
        if (ok) {
          times.push(ms);
          sample ??= value;
        } else errors.push(String(value));
      }
      return { times, errors, sample };
    },
    async concurrent(method: string, params: unknown, n: number, concurrency: number) {
      let next = 0;
      let ok = 0;
      const errors: string[] = [];
      const worker = async () => {
        while (next < n) {
          next++;
          const [good, , value] = await one(method, params);
          if (good) ok++;
          else errors.push(String(value));
        }
      };
      const t0 = performance.now();
      await Promise.all(Array.from({ length: Math.min(n, concurrency) }, worker));
      return { totalMs: performance.now() - t0, ok, errors };
    },
    async uploads(size: number, count: number, encoding: string) {
      const times: number[] = [];
      const errors: string[] = [];
      let sample: unknown;
      for (let i = 0; i < count; i++) {
        const body = randomBytes(size);
        const [ok, ms, value] = await one('atproto_xrpc', { nsid: 'com.atproto.repo.uploadBlob', body, encoding });
        if (ok) {
          times.push(ms);
          sample ??= value;
        } else errors.push(String(value));
      }
      return { times, errors, sample };
    },
    /**
     * Carries `size` random bytes to the background and back without touching
     * the PDS: account management is refused (4100) after the body is decoded.
     */
    async transport(size: number, n: number) {
      const times: number[] = [];
      const errors: string[] = [];
      for (let i = 0; i < n; i++) {
        const body = randomBytes(size);
        const [ok, ms, value] = await one(
          'atproto_xrpc',
          { nsid: 'com.atproto.server.deleteAccount', body, encoding: 'application/octet-stream' },
          4100,
        );
        if (ok) times.push(ms);
        else errors.push(String(value));
      }
      return { times, errors };
    },
    /** Unauthenticated fetch from this page (no extension involved). */
    async fetchLoop(url: string, n: number) {
      const times: number[] = [];
      const errors: string[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        try {
          const res = await fetch(url);
          await res.arrayBuffer();
          if (res.status === 200) times.push(performance.now() - t0);
          else errors.push(`status ${res.status}`);
        } catch (e) {
          errors.push(String(e));
        }
      }
      return { times, errors };
    },
  };
}

class BrokeredPage {
  constructor(readonly page: Page) {}
  async sequential(method: string, params: unknown, n: number, expectCode?: number): Promise<Timed> {
    await tokens.take(n);
    return this.page.evaluate(
      ({ method, params, n, expectCode }) => (window as any).__brokered.sequential(method, params, n, expectCode),
      {
        method,
        params,
        n,
        expectCode,
      },
    );
  }
  async concurrent(method: string, params: unknown, n: number, concurrency: number): Promise<Concurrent> {
    await tokens.take(n);
    return this.page.evaluate(
      ({ method, params, n, concurrency }) => (window as any).__brokered.concurrent(method, params, n, concurrency),
      {
        method,
        params,
        n,
        concurrency,
      },
    );
  }
  async uploads(size: number, count: number, encoding: string): Promise<Timed> {
    await tokens.take(count);
    return this.page.evaluate(
      ({ size, count, encoding }) => (window as any).__brokered.uploads(size, count, encoding),
      { size, count, encoding },
    );
  }
  async transport(size: number, n: number): Promise<Timed> {
    await tokens.take(n);
    return this.page.evaluate(({ size, n }) => (window as any).__brokered.transport(size, n), { size, n });
  }
  fetchLoop(url: string, n: number): Promise<Timed> {
    return this.page.evaluate(({ url, n }) => (window as any).__brokered.fetchLoop(url, n), { url, n });
  }
}

class DirectPage {
  constructor(readonly page: Page) {}
  sequential(path: string, n: number): Promise<Timed> {
    return this.page.evaluate(({ path, n }) => (window as any).__direct.sequential(path, n), { path, n });
  }
  unauthenticated(url: string, n: number): Promise<Timed> {
    return this.page.evaluate(({ url, n }) => (window as any).__direct.sequentialUnauthenticated(url, n), { url, n });
  }
  concurrent(path: string, n: number, concurrency: number): Promise<Concurrent> {
    return this.page.evaluate(({ path, n, concurrency }) => (window as any).__direct.concurrent(path, n, concurrency), {
      path,
      n,
      concurrency,
    });
  }
  uploads(size: number, count: number, encoding: string): Promise<Timed> {
    return this.page.evaluate(({ size, count, encoding }) => (window as any).__direct.uploads(size, count, encoding), {
      size,
      count,
      encoding,
    });
  }
}

function expectNoErrors(what: string, result: { errors: string[] }) {
  if (result.errors.length) throw new Error(`${what}: ${result.errors.length} failed, e.g. ${result.errors[0]}`);
}

// ---- set-up ------------------------------------------------------------------------

function build() {
  if (process.env.BENCH_SKIP_BUILD === '1') {
    log('BENCH_SKIP_BUILD=1: using the existing .output/chrome-mv3');
    return;
  }
  log('building the extension (wxt build -b chrome)');
  try {
    execFileSync(path.join(ROOT, 'node_modules/.bin/wxt'), ['build', '-b', 'chrome'], { cwd: ROOT, stdio: 'pipe' });
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: Buffer; stderr?: Buffer };
    process.stderr.write(`${stdout ?? ''}${stderr ?? ''}`);
    throw err;
  }
}

function directPageHtml(pds: PdsInfo): string {
  const config = JSON.stringify({ pdsUrl: pds.pdsUrl, plcUrl: pds.plcUrl }).replace(/</g, '\\u003c');
  return `<!doctype html><meta charset="utf-8"><title>bench: direct OAuth client</title>
<script>window.__BENCH_CONFIG = ${config};</script>
<script type="module" src="/direct.js"></script>
<h1>direct</h1>`;
}

/** Signs alice in on the direct page: the loopback client redirects this tab to the PDS and back. */
async function signInDirect(page: Page, origin: string, account: PdsInfo['accounts']['alice']): Promise<string> {
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => (window as any).__direct?.state !== 'loading', null, { timeout: 30_000 });
  const state = await page.evaluate(() => ({
    state: (window as any).__direct.state,
    error: (window as any).__direct.error,
  }));
  if (state.state !== 'ready') throw new Error(`direct page failed to start: ${state.error}`);
  await page.evaluate((handle) => (window as any).__direct.signIn(handle), account.handle);
  await page.locator(PDS_PASSWORD_INPUT).fill(account.password, { timeout: 30_000 });
  await page.getByRole('button', { name: PDS_BUTTONS.signIn }).click();
  await page.getByRole('button', { name: PDS_BUTTONS.authorize }).click({ timeout: 30_000 });
  await page.waitForURL((url) => url.origin === origin, { timeout: 30_000 });
  await page
    .waitForFunction(() => (window as any).__direct?.state !== 'loading' && (window as any).__direct?.did, null, {
      timeout: 30_000,
    })
    .catch(() => {});
  const after = await page.evaluate(() => ({
    did: (window as any).__direct.did as string | undefined,
    error: (window as any).__direct.error as string | undefined,
  }));
  if (!after.did) throw new Error(`direct sign-in did not finish: ${after.error ?? 'no session'}`);
  return after.did;
}

// ---- the benchmark ------------------------------------------------------------------

interface Results {
  machine: Record<string, unknown>;
  config: typeof CONFIG & { grantScope: string };
  latency?: Record<string, unknown>;
  breakdown?: Record<string, unknown>;
  throughput?: Record<string, unknown>;
  blobUpload?: Record<string, unknown>;
  coldWake?: Record<string, unknown>;
  memory?: Record<string, unknown>;
  bundles?: BundleReport;
  failures: { phase: string; message: string }[];
  durationMs?: number;
  rateLimitWaitMs?: number;
}

async function main() {
  const results: Results = {
    machine: {
      date: new Date().toISOString(),
      node: process.version,
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      totalMemoryMiB: Math.round(os.totalmem() / 1024 / 1024),
    },
    config: { ...CONFIG, grantScope: GRANT_SCOPE },
    failures: [],
  };
  const tables: string[] = [];
  const phase = async (name: string, fn: () => Promise<void>) => {
    const id = name.split(' ')[0] === 'background' ? 'memory' : name.split(' ')[0];
    if (!PHASES.has(id)) return log(`${name}: skipped (BENCH_PHASES)`);
    log(`${name}…`);
    const started = Date.now();
    try {
      await fn();
      log(`${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (err) {
      const message = (err as Error).stack ?? String(err);
      results.failures.push({ phase: name, message });
      log(`${name} FAILED: ${message}`);
    }
  };

  build();
  results.bundles = bundleSizes(EXTENSION_DIR);
  const direct = await bundleDirectPage(ROOT);
  results.machine.directPageBundleBytes = direct.bytes;

  log('starting the local PDS');
  const pds = await startPdsProcess();
  cleanups.push({ name: 'PDS', fn: () => pds.stop() });
  const { alice } = pds.info.accounts;

  const [directSite, brokeredSite] = await Promise.all([
    startBenchSite(directPageHtml(pds.info), { '/direct.js': direct.code }),
    startBenchSite('<!doctype html><meta charset="utf-8"><title>bench: brokered</title><h1>brokered</h1>'),
  ]);
  cleanups.push({ name: 'direct site', fn: () => directSite.close() });
  cleanups.push({ name: 'brokered site', fn: () => brokeredSite.close() });

  const profileDir = await mkdtemp(path.join(os.tmpdir(), 'at-keyring-bench-'));
  cleanups.push({ name: 'profile dir', fn: () => rm(profileDir, { recursive: true, force: true }) });
  log('launching Chromium with the extension');
  const browser: ExtensionBrowser = await launchWithExtension(EXTENSION_DIR, profileDir);
  cleanups.push({ name: 'browser', fn: () => browser.close() });
  results.machine.chromium = browser.context.browser()?.version();
  results.machine.headless = process.env.HEADED !== '1';

  // Brokered side: alice in the extension, the site connected with a grant.
  log('signing alice in through the extension popup');
  const popup = await browser.openPopup();
  await configureNetwork(popup, pds.info);
  await signIn(browser, popup, alice);
  await popup.close();

  const pageB = await browser.context.newPage();
  await pageB.goto(brokeredSite.origin);
  await pageB.evaluate(installBrokeredHelpers);
  const brokered = new BrokeredPage(pageB);
  log('connecting the brokered site (consent window)');
  const consentPromise = nextConsentWindow(browser.context);
  await tokens.take(1);
  const connecting = request(pageB, 'atproto_connect', { scope: GRANT_SCOPE });
  const consent = await consentPromise;
  await consent.getByTestId('consent-approve').click();
  const connected = await connecting;
  if (!connected.ok) throw new Error(`connect failed: ${JSON.stringify(connected.error)}`);
  const did: string = connected.result.did;

  await tokens.take(1);
  const created = await request(pageB, 'atproto_xrpc', {
    nsid: 'com.atproto.repo.createRecord',
    body: {
      repo: did,
      collection: COLLECTION,
      record: { $type: COLLECTION, text: 'benchmark record', createdAt: new Date().toISOString() },
    },
  });
  if (!created.ok || created.result.status !== 200) throw new Error(`createRecord failed: ${JSON.stringify(created)}`);
  const rkey = String(created.result.body.uri).split('/').pop()!;
  const query = { repo: did, collection: COLLECTION, rkey };
  const getRecord = { nsid: 'com.atproto.repo.getRecord', params: query };
  const getRecordPath = `/xrpc/com.atproto.repo.getRecord?${new URLSearchParams(query)}`;
  const getRecordUrl = new URL(getRecordPath, pds.info.pdsUrl).href;

  // Direct side: the same account, its own OAuth session in a plain page.
  log('signing alice in on the direct page (loopback client, redirect to the page)');
  const pageA = await browser.context.newPage();
  const directDid = await signInDirect(pageA, directSite.origin, alice);
  if (directDid !== did) throw new Error(`direct page signed in as ${directDid}, expected ${did}`);
  const directPage = new DirectPage(pageA);

  // Both paths read the same record.
  const checkD = await directPage.sequential(getRecordPath, 1);
  const checkB = await brokered.sequential('atproto_xrpc', getRecord, 1);
  expectNoErrors('direct getRecord', checkD);
  expectNoErrors('brokered getRecord', checkB);
  if (checkD.sample?.value?.text !== 'benchmark record' || checkB.sample?.body?.value?.text !== 'benchmark record') {
    throw new Error('getRecord did not return the benchmark record');
  }
  log(`set-up done; record at://${did}/${COLLECTION}/${rkey}`);

  // ---- 1. latency ----------------------------------------------------------------
  await phase('latency (sequential getRecord)', async () => {
    const arms = {
      direct: [] as number[],
      brokered: [] as number[],
      unauthenticated: [] as number[],
    };
    const errors: string[] = [];
    // Warm-up: connections, preflight caches, JIT, IndexedDB.
    await pageA.bringToFront();
    errors.push(...(await directPage.sequential(getRecordPath, CONFIG.warmup)).errors);
    errors.push(...(await directPage.unauthenticated(getRecordUrl, CONFIG.warmup)).errors);
    await pageB.bringToFront();
    errors.push(...(await brokered.sequential('atproto_xrpc', getRecord, CONFIG.warmup)).errors);
    const perRound: { round: number; order: string; directP50: number; brokeredP50: number }[] = [];
    for (let r = 0; r < CONFIG.rounds; r++) {
      // ABBA order across rounds, so neither arm always runs first.
      const order = r % 2 === 0 ? (['direct', 'brokered'] as const) : (['brokered', 'direct'] as const);
      const thisRound: Record<string, number[]> = {};
      for (const arm of order) {
        if (arm === 'direct') {
          await pageA.bringToFront();
          const d = await directPage.sequential(getRecordPath, CONFIG.perRound);
          const u = await directPage.unauthenticated(getRecordUrl, CONFIG.perRound);
          errors.push(...d.errors, ...u.errors);
          arms.direct.push(...d.times);
          arms.unauthenticated.push(...u.times);
          thisRound.direct = d.times;
        } else {
          await pageB.bringToFront();
          const b = await brokered.sequential('atproto_xrpc', getRecord, CONFIG.perRound);
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
    const ratios = { p50: ratio(b.p50, d.p50), p95: ratio(b.p95, d.p95), mean: ratio(b.mean, d.mean) };
    results.latency = {
      method: 'com.atproto.repo.getRecord',
      direct: d,
      brokered: b,
      unauthenticatedFetch: u,
      ratioBrokeredOverDirect: ratios,
      p50OverheadMs: round(b.p50 - d.p50),
      target: { p50Ratio: 1.15, met: ratios.p50 <= 1.15 },
      perRound,
      errors: errors.slice(0, 20),
      errorCount: errors.length,
    };
    const row = (name: string, s: Summary) => [name, s.n, s.p50, s.p95, s.mean, s.min, s.max];
    tables.push(
      table(
        `1. Latency: com.atproto.repo.getRecord, sequential (${CONFIG.rounds} interleaved rounds × ${CONFIG.perRound}, after ${CONFIG.warmup} warm-up) — ms, timed in the page`,
        ['arm', 'n', 'p50', 'p95', 'mean', 'min', 'max'],
        [
          row('direct (oauth-client-browser in the page)', d),
          row('brokered (window.atproto → extension)', b),
          ['ratio brokered / direct', '', ratios.p50, ratios.p95, ratios.mean, '', ''],
          row('floor: unauthenticated fetch (no DPoP)', u),
        ],
        [
          `p50 overhead of brokering: ${round(b.p50 - d.p50)} ms; target p50 ratio ≤ 1.15: ${ratios.p50 <= 1.15 ? 'MET' : 'NOT MET'}`,
          `per-round p50 (direct/brokered): ${perRound.map((p) => `${p.directP50}/${p.brokeredP50}`).join(', ')}`,
          ...(errors.length ? [`${errors.length} calls failed, e.g. ${errors[0]}`] : []),
        ],
      ),
    );
  });

  // ---- 1b. where the brokered time goes -------------------------------------------
  await phase('breakdown (probes and instrumentation)', async () => {
    const n = CONFIG.breakdownCalls;
    await pageB.bringToFront();
    // Messaging round trip with no storage or network: an unknown method is
    // answered (4200) right after the envelope check and the rate limiter.
    const roundTrip = await brokered.sequential('atproto_nope', undefined, n, 4200);
    // + IndexedDB: grants of the origin and the account list.
    const accounts = await brokered.sequential('atproto_accounts', undefined, n);
    // A public read of the PDS from the brokered page itself (no extension).
    const unauth = await brokered.fetchLoop(getRecordUrl, n);

    // The same getRecord with counters in the service worker (installed over
    // CDP, removed afterwards): IndexedDB transactions and requests, WebCrypto
    // calls, and the worker's own fetch duration from Resource Timing.
    const sw = await attachServiceWorker(browser.context, browser.extensionId);
    const evalSw = async (expression: string) =>
      (
        await sw.send<{ result: { value?: any }; exceptionDetails?: any }>('Runtime.evaluate', {
          expression,
          returnByValue: true,
          awaitPromise: true,
        })
      ).result.value;
    await evalSw(`(${instrument.toString()})()`);
    const b = await brokered.sequential('atproto_xrpc', getRecord, n);
    const swStats: InstrumentStats = await evalSw('globalThis.__benchInstrument.finish("com.atproto.repo.getRecord")');
    await sw.detach();

    // And in the direct page.
    await pageA.bringToFront();
    await pageA.evaluate(instrument);
    const d = await directPage.sequential(getRecordPath, n);
    const pageStats: InstrumentStats = await pageA.evaluate(() =>
      (globalThis as any).__benchInstrument.finish('com.atproto.repo.getRecord'),
    );

    for (const [what, r] of Object.entries({ roundTrip, accounts, unauth, b, d })) expectNoErrors(what, r);
    const bs = summarize(b.times);
    const ds = summarize(d.times);
    const swFetch = summarize(swStats.fetchMs);
    const pageFetch = summarize(pageStats.fetchMs);
    const perCall = (st: InstrumentStats) => ({
      idbTransactions: round(st.transactions / n, 2),
      idbRequests: round(st.requests / n, 2),
      idbRequestMs: round(st.requestMs / n, 2),
      idbTransactionsByStore: Object.fromEntries(Object.entries(st.byStore).map(([k, v]) => [k, round(v / n, 2)])),
      webCryptoSign: round(st.sign / n, 2),
      webCryptoSignMs: round(st.signMs / n, 2),
      webCryptoDigest: round(st.digest / n, 2),
      webLocks: round(st.locks / n, 2),
      fetches: round(st.fetchMs.length / n, 2),
    });
    results.breakdown = {
      calls: n,
      messagingRoundTrip: summarize(roundTrip.times),
      accountsCall: summarize(accounts.times),
      unauthenticatedFetchFromBrokeredPage: summarize(unauth.times),
      brokeredGetRecordInstrumented: bs,
      directGetRecordInstrumented: ds,
      serviceWorkerFetchResourceTiming: swFetch,
      directPageFetchResourceTiming: pageFetch,
      brokeredOutsideFetchP50Ms: round(bs.p50 - swFetch.p50),
      directOutsideFetchP50Ms: round(ds.p50 - pageFetch.p50),
      perCall: { serviceWorker: perCall(swStats), directPage: perCall(pageStats) },
      cdpVia: sw.via,
      note: 'Counters wrap IDBDatabase.transaction, IDBObjectStore/IDBIndex requests, SubtleCrypto.sign/digest and LockManager.request by prototype patching for this batch only; fetch durations are Resource Timing entries.',
    };
    const pc = { sw: perCall(swStats), page: perCall(pageStats) };
    const stores = (x: ReturnType<typeof perCall>) =>
      Object.entries(x.idbTransactionsByStore)
        .map(([k, v]) => `${k}×${v}`)
        .join(', ');
    tables.push(
      table(
        `1b. Where the time goes (${n} calls each, instrumented; ms unless counted)`,
        ['measurement', 'p50', 'p95', 'mean'],
        [
          ['brokered: page → relay → background → page, unknown method (4200)', ...pick(summarize(roundTrip.times))],
          ['brokered: atproto_accounts (adds IndexedDB reads)', ...pick(summarize(accounts.times))],
          ['brokered getRecord, instrumented', ...pick(bs)],
          ['  of which the service worker fetch (Resource Timing)', ...pick(swFetch)],
          ['  outside that fetch (messaging, broker, session, DPoP proof)', round(bs.p50 - swFetch.p50), '', ''],
          ['direct getRecord, instrumented', ...pick(ds)],
          ['  of which the page fetch (Resource Timing)', ...pick(pageFetch)],
          ['  outside that fetch (session read, DPoP proof)', round(ds.p50 - pageFetch.p50), '', ''],
          ['unauthenticated fetch from the brokered page', ...pick(summarize(unauth.times))],
        ],
        [
          `per call, background: ${pc.sw.idbTransactions} IndexedDB transactions / ${pc.sw.idbRequests} requests (${pc.sw.idbRequestMs} ms summed wait), ${pc.sw.webCryptoSign} signs (${pc.sw.webCryptoSignMs} ms), ${pc.sw.webCryptoDigest} digests, ${pc.sw.webLocks} lock requests, ${pc.sw.fetches} fetches`,
          `  transactions by store: ${stores(pc.sw)}`,
          `per call, direct page: ${pc.page.idbTransactions} IndexedDB transactions / ${pc.page.idbRequests} requests (${pc.page.idbRequestMs} ms summed wait), ${pc.page.webCryptoSign} signs (${pc.page.webCryptoSignMs} ms), ${pc.page.webCryptoDigest} digests, ${pc.page.webLocks} lock requests, ${pc.page.fetches} fetches`,
          `  transactions by store: ${stores(pc.page)}`,
        ],
      ),
    );
  });

  // ---- 2. throughput ---------------------------------------------------------------
  await phase('throughput (concurrent getRecord)', async () => {
    const n = CONFIG.concurrent;
    const runs = {
      directAll: [] as Concurrent[],
      brokeredAll: [] as Concurrent[],
      directCapped: [] as Concurrent[],
      brokeredCapped: [] as Concurrent[],
    };
    for (let rep = 0; rep < CONFIG.throughputReps; rep++) {
      await pageA.bringToFront();
      runs.directAll.push(await directPage.concurrent(getRecordPath, n, n));
      runs.directCapped.push(await directPage.concurrent(getRecordPath, n, CONFIG.inFlightCap));
      await pageB.bringToFront();
      runs.brokeredAll.push(await brokered.concurrent('atproto_xrpc', getRecord, n, n));
      runs.brokeredCapped.push(await brokered.concurrent('atproto_xrpc', getRecord, n, CONFIG.inFlightCap));
    }
    const agg = (list: Concurrent[]) => {
      const totalMs = round(median(list.map((r) => r.totalMs)));
      const ok = Math.min(...list.map((r) => r.ok));
      const errors = list.flatMap((r) => r.errors);
      return {
        totalMsMedian: totalMs,
        totalMs: list.map((r) => round(r.totalMs)),
        okMin: ok,
        requestsPerSecond: round((n / totalMs) * 1000, 1),
        okPerSecond: round((ok / totalMs) * 1000, 1),
        errorCount: errors.length,
        errors: [...new Set(errors)].slice(0, 5),
      };
    };
    const dA = agg(runs.directAll);
    const bA = agg(runs.brokeredAll);
    const dC = agg(runs.directCapped);
    const bC = agg(runs.brokeredCapped);
    results.throughput = {
      requests: n,
      reps: CONFIG.throughputReps,
      promiseAll: { direct: dA, brokered: bA, ratioTotalTime: ratio(bA.totalMsMedian, dA.totalMsMedian) },
      cappedAt32InFlight: { direct: dC, brokered: bC, ratioTotalTime: ratio(bC.totalMsMedian, dC.totalMsMedian) },
    };
    tables.push(
      table(
        `2. Throughput: ${n} getRecord at once (median of ${CONFIG.throughputReps}; total ms, requests/s counting only answered 200s)`,
        ['arm', 'total ms', 'ok', 'ok req/s', 'rejected'],
        [
          ['direct, Promise.all of 50', dA.totalMsMedian, dA.okMin, dA.okPerSecond, dA.errorCount],
          ['brokered, Promise.all of 50', bA.totalMsMedian, bA.okMin, bA.okPerSecond, bA.errorCount],
          [
            'ratio brokered / direct (time)',
            ratio(bA.totalMsMedian, dA.totalMsMedian),
            '',
            ratio(bA.okPerSecond, dA.okPerSecond),
            '',
          ],
          [`direct, ≤${CONFIG.inFlightCap} in flight`, dC.totalMsMedian, dC.okMin, dC.okPerSecond, dC.errorCount],
          [`brokered, ≤${CONFIG.inFlightCap} in flight`, bC.totalMsMedian, bC.okMin, bC.okPerSecond, bC.errorCount],
          [
            'ratio brokered / direct (time)',
            ratio(bC.totalMsMedian, dC.totalMsMedian),
            '',
            ratio(bC.okPerSecond, dC.okPerSecond),
            '',
          ],
        ],
        [
          ...(bA.errorCount
            ? [
                `brokered Promise.all: ${bA.errorCount} of ${n * CONFIG.throughputReps} rejected: ${bA.errors.join('; ')}`,
              ]
            : []),
          `the extension allows ${CONFIG.inFlightCap} requests in flight per origin and ${CONFIG.rateLimit.capacity} burst / ${CONFIG.rateLimit.perSecond} per s (the bench waits for the bucket between batches)`,
        ],
      ),
    );
  });

  // ---- 4. blob upload ---------------------------------------------------------------
  await phase('blob upload (1 MiB)', async () => {
    const size = CONFIG.blobBytes;
    const enc = CONFIG.blobEncoding;
    // One warm-up each, then interleaved one by one.
    await directPage.uploads(size, 1, enc);
    await brokered.uploads(size, 1, enc);
    const d: number[] = [];
    const b: number[] = [];
    const errors: string[] = [];
    let sample: any;
    for (let i = 0; i < CONFIG.blobCount; i++) {
      const first = i % 2 === 0 ? 'direct' : 'brokered';
      for (const arm of first === 'direct' ? ['direct', 'brokered'] : ['brokered', 'direct']) {
        if (arm === 'direct') {
          await pageA.bringToFront();
          const r = await directPage.uploads(size, 1, enc);
          d.push(...r.times);
          errors.push(...r.errors);
        } else {
          await pageB.bringToFront();
          const r = await brokered.uploads(size, 1, enc);
          b.push(...r.times);
          errors.push(...r.errors);
          sample ??= r.sample?.body?.blob;
        }
      }
    }
    await pageB.bringToFront();
    const transport = await brokered.transport(size, Math.min(5, CONFIG.blobCount));
    errors.push(...transport.errors);
    const ts = summarize(transport.times);
    const ds = summarize(d);
    const bs = summarize(b);
    results.blobUpload = {
      transportOnly: ts,
      bytes: size,
      encoding: enc,
      direct: ds,
      brokered: bs,
      ratioBrokeredOverDirect: {
        p50: ratio(bs.p50, ds.p50),
        p95: ratio(bs.p95, ds.p95),
        mean: ratio(bs.mean, ds.mean),
      },
      sampleBlob: sample,
      errorCount: errors.length,
      errors: errors.slice(0, 5),
    };
    tables.push(
      table(
        `4. Blob upload: com.atproto.repo.uploadBlob, ${size / 1024 / 1024} MiB random bytes (${enc}), ${CONFIG.blobCount} each, interleaved — ms`,
        ['arm', 'n', 'p50', 'p95', 'mean', 'min', 'max'],
        [
          ['direct (fetchHandler POST)', ds.n, ds.p50, ds.p95, ds.mean, ds.min, ds.max],
          ['brokered (Uint8Array body)', bs.n, bs.p50, bs.p95, bs.mean, bs.min, bs.max],
          [
            'ratio brokered / direct',
            '',
            ratio(bs.p50, ds.p50),
            ratio(bs.p95, ds.p95),
            ratio(bs.mean, ds.mean),
            '',
            '',
          ],
          [
            'brokered transport only (1 MiB to the background, refused there)',
            ts.n,
            ts.p50,
            ts.p95,
            ts.mean,
            ts.min,
            ts.max,
          ],
        ],
        errors.length ? [`${errors.length} uploads failed, e.g. ${errors[0]}`] : [],
      ),
    );
  });

  // ---- 3. cold wake -----------------------------------------------------------------
  await phase('cold wake (service worker stopped)', async () => {
    await pageB.bringToFront();
    const cold: number[] = [];
    const warm: number[] = [];
    const stopMs: number[] = [];
    const errors: string[] = [];
    for (let i = 0; i < CONFIG.coldWakes; i++) {
      const s0 = Date.now();
      await withTimeout('stopping the service worker', 20_000, browser.stopServiceWorkers());
      stopMs.push(Date.now() - s0);
      tokens.reset(); // a new worker has a new, full bucket
      await sleep(100);
      const c = await brokered.sequential('atproto_xrpc', getRecord, 1);
      const w = await brokered.sequential('atproto_xrpc', getRecord, 1);
      cold.push(...c.times);
      warm.push(...w.times);
      errors.push(...c.errors, ...w.errors);
    }
    const cs = summarize(cold);
    const ws = summarize(warm);
    const steady = (results.latency?.brokered as Summary | undefined)?.p50;
    results.coldWake = {
      wakes: CONFIG.coldWakes,
      cold: cs,
      warmRightAfter: ws,
      ratioColdOverWarm: { p50: ratio(cs.p50, ws.p50), p95: ratio(cs.p95, ws.p95) },
      steadyStateWarmP50: steady,
      ratioColdOverSteadyStateP50: steady ? ratio(cs.p50, steady) : undefined,
      stopMsMedian: round(median(stopMs)),
      errorCount: errors.length,
      errors: errors.slice(0, 5),
    };
    tables.push(
      table(
        `3. Cold wake: brokered getRecord right after ServiceWorker.stopAllWorkers (runningStatus 'stopped'), ${CONFIG.coldWakes} times — ms`,
        ['arm', 'n', 'p50', 'p95', 'mean', 'min', 'max'],
        [
          ['cold (first call wakes the worker)', cs.n, cs.p50, cs.p95, cs.mean, cs.min, cs.max],
          ['warm (the next call)', ws.n, ws.p50, ws.p95, ws.mean, ws.min, ws.max],
          ['ratio cold / warm', '', ratio(cs.p50, ws.p50), ratio(cs.p95, ws.p95), ratio(cs.mean, ws.mean), '', ''],
        ],
        [
          ...(steady
            ? [`cold p50 / steady-state brokered p50 (section 1, ${steady} ms): ${ratio(cs.p50, steady)}`]
            : []),
          `stopping the worker took ${round(median(stopMs))} ms (median, not included)`,
          ...(errors.length ? [`${errors.length} calls failed, e.g. ${errors[0]}`] : []),
        ],
      ),
    );
  });

  // ---- 6. memory ---------------------------------------------------------------------
  await phase(`background memory (${CONFIG.memoryCalls} calls)`, async () => {
    await pageB.bringToFront();
    // Make sure the worker runs (the cold-wake phase may have left it stopped).
    await brokered.sequential('atproto_accounts', undefined, 1);
    let via = '';
    let sameWorker = true;
    /** Attaches to the worker, checks it is the one we marked, runs fn, detaches. */
    const withWorker = async <T>(
      fn: (sw: Awaited<ReturnType<typeof attachServiceWorker>>) => Promise<T>,
      mark = false,
    ): Promise<T> => {
      const sw = await attachServiceWorker(browser.context, browser.extensionId);
      via = sw.via;
      try {
        if (mark) await sw.send('Runtime.evaluate', { expression: 'globalThis.__benchMarker = 1' });
        const marker = await sw.send<{ result: { value?: unknown } }>('Runtime.evaluate', {
          expression: 'globalThis.__benchMarker',
          returnByValue: true,
        });
        if (marker.result?.value !== 1) sameWorker = false;
        return await fn(sw);
      } finally {
        await sw.detach();
      }
    };
    const before = await withWorker((sw) => heapUsage(sw, true), true);
    const checkpoints: { calls: number; usedSize: number; totalSize: number }[] = [
      { calls: 0, usedSize: before.usedSize, totalSize: before.totalSize },
    ];
    const every = Math.max(1, Math.round(CONFIG.memoryCalls / 4));

    const chunk = 20;
    let done = 0;
    const errors: string[] = [];
    const started = Date.now();
    let callsMs = 0;
    let last: { afterNoGc: HeapUsage; afterGc: HeapUsage; afterSettle?: HeapUsage } | undefined;
    while (done < CONFIG.memoryCalls) {
      const n = Math.min(chunk, CONFIG.memoryCalls - done, every - (done % every));
      await tokens.take(n);
      const r = await pageB.evaluate(
        ({ params, n }) => (window as any).__brokered.concurrent('atproto_xrpc', params, n, 4),
        { params: getRecord, n },
      );
      errors.push(...r.errors);
      done += n;
      if (done === CONFIG.memoryCalls) {
        callsMs = Date.now() - started;
        last = await withWorker(async (sw) => {
          const afterNoGc = await heapUsage(sw, false);
          const afterGc = await heapUsage(sw, true);
          checkpoints.push({ calls: done, usedSize: afterGc.usedSize, totalSize: afterGc.totalSize });
          // Per-call objects can stay reachable for a while after the call
          // (e.g. the 30 s timeout signals of each XRPC call and session read):
          // wait idle, and look again. The attached DevTools session keeps the
          // worker from being stopped meanwhile.
          let afterSettle: HeapUsage | undefined;
          if (CONFIG.memorySettleMs > 0) {
            await sleep(CONFIG.memorySettleMs);
            afterSettle = await heapUsage(sw, true);
            const marker = await sw.send<{ result: { value?: unknown } }>('Runtime.evaluate', {
              expression: 'globalThis.__benchMarker',
              returnByValue: true,
            });
            if (marker.result?.value !== 1) sameWorker = false;
          }
          return { afterNoGc, afterGc, afterSettle };
        });
      } else if (done % every === 0) {
        const u = await withWorker((sw) => heapUsage(sw, true));
        checkpoints.push({ calls: done, usedSize: u.usedSize, totalSize: u.totalSize });
      }
    }
    const { afterNoGc, afterGc, afterSettle } = last!;
    const half = checkpoints.find((c) => c.calls >= CONFIG.memoryCalls / 2) ?? checkpoints[0];
    const lateGrowthPerCall = round(
      (afterGc.usedSize - half.usedSize) / Math.max(1, CONFIG.memoryCalls - half.calls),
      1,
    );

    const mib = (bytes: number) => round(bytes / 1024 / 1024, 2);
    results.memory = {
      calls: CONFIG.memoryCalls,
      failedCalls: errors.length,
      errors: [...new Set(errors)].slice(0, 5),
      callsWallMs: callsMs,
      sameWorkerThroughout: sameWorker,
      via: `${via}: Target.attachToTarget(flatten:false) + Target.sendMessageToTarget → HeapProfiler.collectGarbage (×2), Runtime.getHeapUsage`,
      beforeAfterGc: before,
      afterNoGc,
      afterGc,
      usedDeltaAfterGcBytes: afterGc.usedSize - before.usedSize,
      usedDeltaPerCallBytes: round((afterGc.usedSize - before.usedSize) / CONFIG.memoryCalls, 1),
      checkpointsAfterGc: checkpoints,
      lateGrowthPerCallBytes: lateGrowthPerCall,
      settleMs: CONFIG.memorySettleMs,
      afterSettleGc: afterSettle,
      usedDeltaAfterSettleBytes: afterSettle ? afterSettle.usedSize - before.usedSize : undefined,
    };
    const row = (name: string, u: HeapUsage) => [
      name,
      mib(u.usedSize),
      mib(u.totalSize),
      mib(u.embedderHeapUsedSize ?? NaN),
    ];
    tables.push(
      table(
        `6. Background (service worker) JS heap around ${CONFIG.memoryCalls} brokered getRecord calls (Runtime.getHeapUsage; MiB)`,
        ['moment', 'used', 'total', 'embedder'],
        [
          row('before (after forced GC)', before),
          ...checkpoints
            .slice(1, -1)
            .map((c) => [`after ${c.calls} calls + forced GC`, mib(c.usedSize), mib(c.totalSize), '']),
          row(`after ${CONFIG.memoryCalls} calls (no GC)`, afterNoGc),
          row(`after ${CONFIG.memoryCalls} calls + forced GC`, afterGc),
          ...(afterSettle ? [row(`after ${CONFIG.memorySettleMs / 1000} s idle + forced GC`, afterSettle)] : []),
        ],
        [
          `retained after GC: ${round((afterGc.usedSize - before.usedSize) / 1024, 1)} KiB (${round((afterGc.usedSize - before.usedSize) / CONFIG.memoryCalls, 1)} B per call)` +
            (afterSettle
              ? `; after ${CONFIG.memorySettleMs / 1000} s idle: ${round((afterSettle.usedSize - before.usedSize) / 1024, 1)} KiB`
              : '') +
            `; growth over the last ${CONFIG.memoryCalls - half.calls} calls: ${lateGrowthPerCall} B per call`,
          `same worker throughout: ${sameWorker ? 'yes' : 'NO (restarted: figures not comparable)'}; ${errors.length} calls failed; calls took ${(callsMs / 1000).toFixed(1)} s (paced by the rate limit); via ${via}`,
        ],
      ),
    );
  });

  // ---- 5. bundle sizes ----------------------------------------------------------------
  {
    const b = results.bundles!;
    const rows: unknown[][] = [];
    for (const e of b.entrypoints) {
      rows.push([
        e.entrypoint,
        `${e.files.length} file${e.files.length === 1 ? '' : 's'}`,
        round(e.raw / 1024, 1),
        round(e.gzip / 1024, 1),
      ]);
      for (const f of e.files)
        rows.push([`  ${f.file}${f.shared ? ' (shared)' : ''}`, '', round(f.raw / 1024, 1), round(f.gzip / 1024, 1)]);
    }
    rows.push([
      'whole .output/chrome-mv3',
      `${b.all.length} files`,
      round(b.total.raw / 1024, 1),
      round(b.total.gzip / 1024, 1),
    ]);
    tables.push(
      table(
        '5. Bundle sizes (.output/chrome-mv3; KiB; gzip -9 per file)',
        ['entrypoint / file', 'files', 'raw', 'gzip'],
        rows,
        [
          `for comparison, the direct page's own oauth-client-browser bundle (esbuild, minified): ${round(direct.bytes / 1024, 1)} KiB raw`,
        ],
      ),
    );
  }

  results.rateLimitWaitMs = tokens.waitedMs;
  results.durationMs = Date.now() - t0;
  const m = results.machine;
  const header = `AT Keyring benchmark — ${m.date} — Node ${m.node}, Chromium ${m.chromium} (${m.headless ? 'headless' : 'headed'}), ${m.cpus} CPUs (${m.cpuModel}), ${m.platform}`;
  const footer = [
    `Run took ${(results.durationMs / 1000).toFixed(1)} s (of which ${(tokens.waitedMs / 1000).toFixed(1)} s waiting for the extension's rate limit).`,
    ...(results.failures.length
      ? [`FAILED phases: ${results.failures.map((f) => f.phase).join(', ')} (see results.json)`]
      : []),
    `Results: ${path.relative(process.cwd(), OUT) || OUT}`,
  ];
  await writeFile(OUT, `${JSON.stringify(results, null, 2)}\n`);
  const order = (t: string) =>
    (/^(\d+)(\w?)\./.exec(t) ?? ['', '99', ''])
      .slice(1)
      .map((x, i) => (i === 0 ? x.padStart(2, '0') : x))
      .join('');
  tables.sort((a, b) => order(a).localeCompare(order(b)));
  process.stdout.write(`\n${header}\n\n${tables.join('\n\n')}\n\n${footer.join('\n')}\n`);
  if (results.failures.length) process.exitCode = 1;
}

function pick(s: Summary) {
  return [s.p50, s.p95, s.mean];
}

interface InstrumentStats {
  transactions: number;
  byStore: Record<string, number>;
  requests: number;
  requestMs: number;
  sign: number;
  signMs: number;
  digest: number;
  locks: number;
  fetchMs: number[];
}

/**
 * Runs inside the service worker (via CDP Runtime.evaluate) or a page: wraps
 * IndexedDB, WebCrypto and Web Locks entry points on their prototypes to count
 * calls, and clears Resource Timing; `finish(match)` restores the originals and
 * returns the counts plus the durations of fetches whose URL contains `match`.
 */
function instrument() {
  const g = globalThis as any;
  g.__benchInstrument?.restore();
  const stats = {
    transactions: 0,
    byStore: {} as Record<string, number>,
    requests: 0,
    requestMs: 0,
    sign: 0,
    signMs: 0,
    digest: 0,
    locks: 0,
  };
  const restores: (() => void)[] = [];
  const wrap = (proto: any, name: string, make: (orig: any) => any) => {
    const orig = proto?.[name];
    if (typeof orig !== 'function') return;
    proto[name] = make(orig);
    restores.push(() => (proto[name] = orig));
  };
  wrap(
    IDBDatabase.prototype,
    'transaction',
    (orig) =>
      function (this: any, stores: any, mode?: any, options?: any) {
        stats.transactions++;
        const key = `${[].concat(stores).join('+')}:${mode ?? 'readonly'}`;
        stats.byStore[key] = (stats.byStore[key] ?? 0) + 1;
        return orig.call(this, stores, mode, options);
      },
  );
  for (const proto of [IDBObjectStore.prototype, IDBIndex.prototype]) {
    for (const op of [
      'get',
      'getAll',
      'getKey',
      'getAllKeys',
      'put',
      'add',
      'delete',
      'count',
      'openCursor',
      'openKeyCursor',
      'clear',
    ]) {
      wrap(
        proto,
        op,
        (orig) =>
          function (this: any, ...args: any[]) {
            stats.requests++;
            const t0 = performance.now();
            const req = orig.apply(this, args);
            req.addEventListener('success', () => (stats.requestMs += performance.now() - t0), { once: true });
            return req;
          },
      );
    }
  }
  wrap(
    SubtleCrypto.prototype,
    'sign',
    (orig) =>
      async function (this: any, ...args: any[]) {
        stats.sign++;
        const t0 = performance.now();
        try {
          return await orig.apply(this, args);
        } finally {
          stats.signMs += performance.now() - t0;
        }
      },
  );
  wrap(
    SubtleCrypto.prototype,
    'digest',
    (orig) =>
      function (this: any, ...args: any[]) {
        stats.digest++;
        return orig.apply(this, args);
      },
  );
  if (typeof LockManager !== 'undefined') {
    wrap(
      LockManager.prototype,
      'request',
      (orig) =>
        function (this: any, ...args: any[]) {
          stats.locks++;
          return orig.apply(this, args);
        },
    );
  }
  performance.clearResourceTimings();
  performance.setResourceTimingBufferSize(1000);
  g.__benchInstrument = {
    restore() {
      for (const r of restores.splice(0)) r();
    },
    finish(match: string) {
      this.restore();
      const fetchMs = performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes(match))
        .map((e) => e.duration);
      return { ...stats, fetchMs };
    },
  };
}

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
