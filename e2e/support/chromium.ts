import { existsSync } from 'node:fs';
import { type BrowserContext, chromium, type Page, type Worker } from 'playwright-core';

export const CHROMIUM_PATH =
  process.env.CHROMIUM_PATH ?? ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  /** The extension's background service worker (restarted on demand). */
  serviceWorker(): Promise<Worker>;
  /** Opens the popup UI as a tab, where tests can click it like a person. */
  openPopup(): Promise<Page>;
  /** Stops every service worker, as Chrome does to an idle extension. */
  stopServiceWorkers(): Promise<void>;
  /** JS heap in use by the extension's service worker, in bytes (after a GC when asked). */
  serviceWorkerHeap(opts?: { gc?: boolean }): Promise<number>;
  close(): Promise<void>;
}

/**
 * Starts Debian's Chromium with the built extension loaded in a persistent
 * profile. `extraArgs` are appended to the command line (e.g. --host-resolver-rules).
 */
export async function launchWithExtension(
  extensionPath: string,
  userDataDir: string,
  extraArgs: string[] = [],
): Promise<ExtensionBrowser> {
  if (!CHROMIUM_PATH) throw new Error('Chromium not found: apt-get install chromium, or set CHROMIUM_PATH');
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: process.env.HEADED !== '1',
    args: [
      `--disable-extensions-except=${extensionPath}`,
      `--load-extension=${extensionPath}`,
      '--no-sandbox',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-gpu',
      ...extraArgs,
    ],
  });
  const serviceWorker = async () => {
    const existing = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
    return existing ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  };
  const extensionId = new URL((await serviceWorker()).url()).host;
  return {
    context,
    extensionId,
    serviceWorker,
    async openPopup() {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/popup.html`);
      return page;
    },
    async stopServiceWorkers() {
      const page = context.pages()[0] ?? (await context.newPage());
      const cdp = await context.newCDPSession(page);
      // Resolves once Chromium reports our worker stopped (Playwright keeps
      // the same Worker handle, which reaches the new instance after a wake-up).
      const stopped = new Promise<void>((resolve) => {
        cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
          const ours = versions.filter((v) => v.scriptURL.startsWith(`chrome-extension://${extensionId}/`));
          if (ours.length && ours.every((v) => v.runningStatus === 'stopped')) resolve();
        });
      });
      await cdp.send('ServiceWorker.enable');
      await cdp.send('ServiceWorker.stopAllWorkers');
      await stopped;
      await cdp.detach();
    },
    async serviceWorkerHeap({ gc = true } = {}) {
      const page = context.pages()[0] ?? (await context.newPage());
      const cdp = await context.newCDPSession(page);
      try {
        const { targetInfos } = await cdp.send('Target.getTargets');
        const target = targetInfos.find(
          (t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${extensionId}/`),
        );
        if (!target) throw new Error('The extension service worker is not running');
        // Playwright's CDP sessions are not flat: talk to the worker through the target domain.
        const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
        let nextId = 1;
        const send = (method: string, params: object = {}) =>
          new Promise<any>((resolve, reject) => {
            const id = nextId++;
            const onMessage = (event: { sessionId?: string; message: string }) => {
              const reply = JSON.parse(event.message);
              if (event.sessionId !== sessionId || reply.id !== id) return;
              cdp.off('Target.receivedMessageFromTarget', onMessage);
              if (reply.error) reject(new Error(reply.error.message));
              else resolve(reply.result);
            };
            cdp.on('Target.receivedMessageFromTarget', onMessage);
            void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
          });
        if (gc) await send('HeapProfiler.collectGarbage');
        const { usedSize } = await send('Runtime.getHeapUsage');
        await cdp.send('Target.detachFromTarget', { sessionId });
        return usedSize as number;
      } finally {
        await cdp.detach();
      }
    },
    close: () => context.close(),
  };
}
