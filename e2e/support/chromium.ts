import { existsSync } from 'node:fs';
import { type BrowserContext, type CDPSession, chromium, type Page, type Worker } from 'playwright-core';
import { attachExtensionTarget, attachServiceWorker, heapUsage, pageCdpSession } from './cdp';

export const CHROMIUM_PATH =
  process.env.CHROMIUM_PATH ?? ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  /** The extension's background service worker (restarted on demand). */
  background(): Promise<Worker>;
  /** Opens the popup UI as a tab, where tests can click it like a person. */
  openPopup(): Promise<Page>;
  /**
   * Opens the toolbar button's popup over the current tab (action.openPopup), which Playwright does not list
   * as a page; `evaluate` runs an expression in it as a user's click would (CDP's userGesture).
   */
  openActionPopup(): Promise<{ evaluate<T>(expression: string): Promise<T>; close(): Promise<void> }>;
  /** Stops every service worker, as Chrome does to an idle extension. */
  stopBackground(): Promise<void>;
  /** Counts, from now on, each time the browser starts the extension's worker (CDP's ServiceWorker domain). */
  watchBackgroundStarts(): Promise<{ starts(): number; stop(): Promise<void> }>;
  /** JS heap in use by the extension's service worker, in bytes (after a GC when asked). */
  serviceWorkerHeap(opts?: { gc?: boolean }): Promise<number>;
  close(): Promise<void>;
}

/** The command line every launch here gives Chromium: `extensions`, comma-separated paths, loaded unpacked. */
export function chromiumArgs(extensions: string, extraArgs: string[] = []): string[] {
  return [
    `--disable-extensions-except=${extensions}`,
    `--load-extension=${extensions}`,
    '--no-sandbox',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-gpu',
    ...extraArgs,
  ];
}

/**
 * Starts Debian's Chromium with the built extension loaded in a persistent
 * profile. `extraArgs` are appended to the command line (e.g. --host-resolver-rules);
 * `alsoLoad` are other unpacked extensions loaded beside it (the bench's floor).
 */
export async function launchWithExtension(
  extensionPath: string,
  userDataDir: string,
  extraArgs: string[] = [],
  alsoLoad: string[] = [],
  /** Environment variables added for the browser (LANGUAGE picks its UI language on Linux). */
  env: Record<string, string> = {},
): Promise<ExtensionBrowser> {
  const extensions = [extensionPath, ...alsoLoad].join(',');
  if (!CHROMIUM_PATH) throw new Error('Chromium not found: apt-get install chromium, or set CHROMIUM_PATH');
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: process.env.HEADED !== '1',
    ...(Object.keys(env).length ? { env: { ...process.env, ...env } as Record<string, string> } : {}),
    args: chromiumArgs(extensions, extraArgs),
  });
  // Ours is the worker named as the build names it (other extensions loaded beside it have other names).
  const ours = (w: Worker) => w.url().startsWith('chrome-extension://') && w.url().endsWith('/background.js');
  const serviceWorker = async () =>
    context.serviceWorkers().find(ours) ??
    (await context.waitForEvent('serviceworker', { predicate: ours, timeout: 15_000 }));
  const extensionId = new URL((await serviceWorker()).url()).host;
  await waitForContentScripts(await serviceWorker());
  return {
    context,
    extensionId,
    background: serviceWorker,
    async openPopup() {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/popup.html`);
      return page;
    },
    async openActionPopup() {
      const worker = await serviceWorker();
      await worker.evaluate(() => (globalThis as any).chrome.action.openPopup());
      const popupUrl = `chrome-extension://${extensionId}/popup.html`;
      let session: Awaited<ReturnType<typeof attachExtensionTarget>> | undefined;
      for (let i = 0; i < 100 && !session; i++) {
        session = await attachExtensionTarget(
          context,
          (t) => t.type === 'page' && t.url === popupUrl,
          'the popup',
        ).catch(() => undefined);
        if (!session) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (!session) throw new Error('The toolbar popup did not open');
      const popup = session;
      return {
        async evaluate<T>(expression: string) {
          const { result, exceptionDetails } = await popup.send('Runtime.evaluate', {
            expression,
            awaitPromise: true,
            returnByValue: true,
            userGesture: true,
          });
          if (exceptionDetails) throw new Error(`popup evaluate failed: ${exceptionDetails.text}`);
          return result.value as T;
        },
        close: () => popup.detach(),
      };
    },
    async stopBackground() {
      const cdp = await pageCdpSession(context);
      // Resolves once Chromium reports our worker stopped (Playwright keeps
      // the same Worker handle, which reaches the new instance after a wake-up).
      const stopped = new Promise<void>((resolve) => {
        onWorkerVersions(cdp, extensionId, (ours) => {
          if (ours.length && ours.every((v) => v.runningStatus === 'stopped')) resolve();
        });
      });
      await cdp.send('ServiceWorker.enable');
      await cdp.send('ServiceWorker.stopAllWorkers');
      await stopped;
      await cdp.detach();
    },
    async watchBackgroundStarts() {
      const cdp = await pageCdpSession(context);
      let starts = 0;
      let running = new Set<string>();
      onWorkerVersions(cdp, extensionId, (ours) => {
        const now = new Set(
          ours.filter((v) => v.runningStatus === 'starting' || v.runningStatus === 'running').map((v) => v.versionId),
        );
        // A version counts once per start: from not running to starting or running.
        for (const id of now) if (!running.has(id)) starts++;
        running = now;
      });
      await cdp.send('ServiceWorker.enable');
      return { starts: () => starts, stop: () => cdp.detach() };
    },
    async serviceWorkerHeap({ gc = true } = {}) {
      const sw = await attachServiceWorker(context, extensionId);
      try {
        return (await heapUsage(sw, gc ? 1 : 0)).usedSize;
      } finally {
        await sw.detach();
      }
    },
    close: () => context.close(),
  };
}

/** What CDP's ServiceWorker domain reports of a worker version (the fields read here). */
interface WorkerVersion {
  versionId: string;
  scriptURL: string;
  runningStatus: string;
}

/** Calls `listener` with the extension's worker versions each time CDP's ServiceWorker domain reports them. */
function onWorkerVersions(cdp: CDPSession, extensionId: string, listener: (versions: WorkerVersion[]) => void): void {
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) =>
    listener(versions.filter((v) => v.scriptURL.startsWith(`chrome-extension://${extensionId}/`))),
  );
}

/**
 * The content scripts are registered by the background when it starts (src/site-access/), not declared in the
 * manifest: wait until they are there before a test opens a site. Bounded and silent, since a profile in
 * "only sites I allow" mode with no site allowed registers none.
 */
async function waitForContentScripts(worker: Worker) {
  await worker
    .evaluate(async () => {
      for (let i = 0; i < 100; i++) {
        if ((await (globalThis as any).chrome.scripting.getRegisteredContentScripts()).length) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })
    .catch(() => {});
}
