/**
 * Chromium with no DevTools client attached (bench section 3b). Playwright attaches a session to every
 * service worker it sees, and Chromium never stops an inspected worker, so the idle case needs a browser
 * Playwright does not drive: this one is started on the bench's profile, after Playwright's browser closed,
 * with a debugging port that nothing uses until the bench connects to look at the worker, and disconnects.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM_PATH, chromiumArgs } from '../../e2e/support/chromium';

export interface UndrivenChromium {
  /** The browser process's id (for reading what its processes use, bench/lib/process-usage.ts). */
  pid: number;
  /** Connects over CDP (attached to the worker and the pages until the Browser is closed, which disconnects). */
  connect(): Promise<Browser>;
  stop(): Promise<void>;
}

/**
 * Starts Chromium headless on `userDataDir` with `extensions` loaded, then opens `url` in its tab once the
 * extension has registered its content scripts again (Chromium reloads an unpacked extension at each start,
 * which clears them; the worker registers them as it starts), and disconnects.
 */
export async function startUndrivenChromium(
  userDataDir: string,
  extensions: string[],
  url: string,
  isOurWorker: (url: string) => boolean,
): Promise<UndrivenChromium> {
  if (!CHROMIUM_PATH) throw new Error('Chromium not found: apt-get install chromium, or set CHROMIUM_PATH');
  const child: ChildProcess = spawn(
    CHROMIUM_PATH,
    [
      '--headless',
      `--user-data-dir=${userDataDir}`,
      '--remote-debugging-address=127.0.0.1',
      '--remote-debugging-port=0',
      ...chromiumArgs(extensions.join(',')),
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Only the process started here, by its id.
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killed = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 5_000))]);
    if (!killed) child.kill('SIGKILL');
    await exited;
  };
  try {
    const endpoint = await devToolsEndpoint(child);
    await openWhenReady(endpoint, url, isOurWorker);
    return { pid: child.pid ?? Number.NaN, connect: () => chromium.connectOverCDP(endpoint), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The browser's DevTools address, as it prints it at start. */
function devToolsEndpoint(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`Chromium printed no DevTools address: ${seen.slice(-500)}`)),
      20_000,
    );
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      seen = (seen + chunk).slice(-4000); // read to the end: a full pipe would stall the browser
      const found = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited (${code}): ${seen.slice(-500)}`));
    });
  });
}

/** Waits for the worker to register the content scripts, opens `url`, waits for the provider, disconnects. */
async function openWhenReady(endpoint: string, url: string, isOurWorker: (url: string) => boolean): Promise<void> {
  const browser = await chromium.connectOverCDP(endpoint);
  try {
    const context = browser.contexts()[0]!;
    const worker =
      context.serviceWorkers().find((w) => isOurWorker(w.url())) ??
      (await context.waitForEvent('serviceworker', { predicate: (w) => isOurWorker(w.url()), timeout: 15_000 }));
    await worker.evaluate(async () => {
      const scripting = (globalThis as any).chrome.scripting;
      for (let i = 0; i < 200 && !(await scripting.getRegisteredContentScripts()).length; i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    await page.waitForFunction(() => 'atproto' in window, undefined, { timeout: 15_000 });
  } finally {
    await browser.close();
  }
}
