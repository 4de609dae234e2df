import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page, type Target } from 'puppeteer-core';

/**
 * Firefox driver for the e2e tests: Debian's firefox-esr over WebDriver BiDi
 * (puppeteer-core), with the built extension installed as a temporary add-on.
 *
 * What Firefox's BiDi does and does not do for extensions (firefox-esr 153):
 * - Navigating a tab to moz-extension:// is refused ("Navigation to … is not
 *   allowed in this context") unless Firefox runs with
 *   --remote-allow-system-access. With it, the navigation happens, but BiDi
 *   still sends no navigation/context events for extension pages (Mozilla bug
 *   1755014), so puppeteer's page.goto() never resolves and page.url() stays
 *   "about:blank". Scripts, typing and clicking in such a page do work.
 *   Hence openExtensionPage() navigates with wait:'none' and then polls
 *   location.href, and pageUrl() asks the page itself.
 * - Windows the extension opens itself (consent.html via windows.create) get
 *   no BiDi events at all; they are listed by browsingContext.getTree, so a
 *   poller replays the missing contextCreated/contextDestroyed events to
 *   puppeteer (see below). Windows that load web pages (the PDS sign-in) are
 *   reported normally.
 * - --remote-allow-system-access also lets us evaluate in the browser window
 *   (chrome scope), used for stopBackground() and backgroundState().
 * - The event page cannot be targeted over BiDi; background() reaches it with
 *   runtime.getBackgroundPage() from an extension tab (works in MV3 event pages).
 * - The moz-extension UUID is random per profile unless fixed with the pref
 *   extensions.webextensions.uuids, which we set.
 * - Host permissions need no extra step: with Firefox's default
 *   extensions.originControls.grantByDefault=true the manifest's host_permissions
 *   are granted at install. The content scripts are registered by the background
 *   at start (src/site-access/), so the launch waits for them.
 */

export const FIREFOX_PATH =
  process.env.FIREFOX_PATH ?? ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((p) => existsSync(p));

/** The add-on id from wxt.config.ts (browser_specific_settings.gecko.id). */
export const GECKO_ID = 'keyring@atkeyring.dev';
/** Fixed moz-extension UUID (any v4 UUID works), so tests know the extension's origin. */
export const EXTENSION_UUID = 'a7c1e0f2-5b8d-4c3e-9f6a-2d4b8e1c7a90';

export interface BackgroundHandle {
  /**
   * Runs `fn` with the event page's global scope: free identifiers in `fn`
   * (indexedDB, crypto, fetch, globalThis, …) resolve on the background
   * window (reached with runtime.getBackgroundPage() from an extension tab).
   * Like Playwright's worker.evaluate: `fn` is serialized, so no closures.
   */
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<Awaited<R>>;
}

export interface FirefoxExtensionBrowser {
  /** The puppeteer Browser (BiDi). */
  browser: Browser;
  /** The add-on id (gecko id), as returned by webExtension.install. */
  extensionId: string;
  /** The fixed moz-extension host. */
  extensionUuid: string;
  /** moz-extension://<uuid> (no trailing slash). */
  extensionOrigin: string;
  /** Opens the popup UI as a tab, where tests can click it like a person. */
  openPopup(): Promise<Page>;
  /** Opens any extension page (e.g. 'popup.html') in a new tab and waits until it has loaded. */
  openExtensionPage(path: string): Promise<Page>;
  /** Opens a web page in a new tab (and navigates it when a URL is given). */
  newPage(url?: string): Promise<Page>;
  /**
   * Waits for a tab or window opened after this call (by the extension or a
   * page) whose URL matches. Works for moz-extension pages too, whose URL
   * BiDi does not report (it is read from the page itself).
   */
  waitForPage(predicate: (url: string) => boolean, options?: { timeout?: number }): Promise<Page>;
  /** The page's real URL (page.url() lags for moz-extension pages). */
  pageUrl(page: Page): Promise<string>;
  /** Reloads a page; page.reload() never resolves for moz-extension pages. */
  reloadPage(page: Page): Promise<void>;
  /** The background event page, for test-only inspection. */
  background(): Promise<BackgroundHandle>;
  /** 'running' | 'stopped' | 'starting' | 'suspending', from Firefox's own bookkeeping. */
  backgroundState(): Promise<string>;
  /**
   * Suspends the event page as Firefox does after the idle timeout (the
   * counterpart of Chromium's ServiceWorker.stopAllWorkers). The next
   * extension event (a message, webNavigation, alarm…) starts it again.
   */
  stopBackground(): Promise<void>;
  /** Evaluates an expression in the browser window (chrome privileges), for test plumbing. */
  chromeEvaluate<T = unknown>(expression: string): Promise<T>;
  close(): Promise<void>;
}

export interface FirefoxLaunchOptions {
  /** Extra Firefox prefs. */
  prefs?: Record<string, string | number | boolean>;
  /** Defaults to true unless HEADED=1. */
  headless?: boolean;
  /**
   * Pipes Firefox's stdout/stderr to this process, with console output of
   * pages and of the event page (console.log/error in the extension) on
   * stdout. Defaults to FIREFOX_LOGS=1.
   */
  logs?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts firefox-esr with a persistent profile and installs the built
 * extension (.output/firefox-mv3) as a temporary add-on. Temporary add-ons are
 * gone after Firefox quits; a later launch with the same profile installs it
 * again, under the same fixed UUID, and finds its IndexedDB/storage intact.
 */
export async function launchFirefoxWithExtension(
  extensionPath: string,
  profileDir: string,
  options: FirefoxLaunchOptions = {},
): Promise<FirefoxExtensionBrowser> {
  if (!FIREFOX_PATH) throw new Error('Firefox not found: apt-get install firefox-esr, or set FIREFOX_PATH');
  const logs = options.logs ?? process.env.FIREFOX_LOGS === '1';
  const browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: FIREFOX_PATH,
    headless: options.headless ?? process.env.HEADED !== '1',
    dumpio: logs,
    userDataDir: profileDir,
    // Needed to load moz-extension:// pages in tabs and to evaluate in chrome scope.
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: EXTENSION_UUID }),
      // A temporary add-on is gone after a restart and must be installed again. Its data
      // (keyed by the fixed UUID) survived a restart in our runs even without these two
      // prefs; they make sure an uninstall never wipes it.
      'extensions.webextensions.keepStorageOnUninstall': true,
      'extensions.webextensions.keepUuidOnUninstall': true,
      ...(logs ? { 'devtools.console.stdout.content': true, 'devtools.console.stdout.chrome': true } : {}),
      ...options.prefs,
    },
  });
  let extensionId: string;
  try {
    extensionId = await browser.installExtension(extensionPath);
  } catch (err) {
    await browser.close();
    throw err;
  }
  const extensionOrigin = `moz-extension://${EXTENSION_UUID}`;
  // Raw BiDi access (puppeteer's public API has no chrome scope or wait:'none' navigation).
  const connection = (browser as unknown as { connection: unknown }).connection as {
    send(method: string, params: object): Promise<{ result: any }>;
  };

  const chromeEvaluate = async <T>(expression: string): Promise<T> => {
    const { result: tree } = await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome', maxDepth: 0 });
    const window =
      tree.contexts.find((c: any) => c.url === 'chrome://browser/content/browser.xhtml') ?? tree.contexts[0];
    const { result } = await connection.send('script.evaluate', {
      expression,
      target: { context: window.context },
      awaitPromise: true,
      resultOwnership: 'none',
    });
    if (result.type !== 'success')
      throw new Error(`chrome evaluate failed: ${result.exceptionDetails?.text ?? JSON.stringify(result)}`);
    return result.result.value as T;
  };

  const pageUrl = async (page: Page): Promise<string> => {
    const reported = page.url();
    if (reported !== 'about:blank') return reported;
    try {
      return await page.evaluate(() => location.href);
    } catch {
      return reported;
    }
  };

  /** Waits until the page shows `url` (ignoring hash) and has loaded. */
  const waitLoaded = async (page: Page, url: string, timeout = 15_000) => {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      try {
        const [href, state] = await page.evaluate(() => [location.href, document.readyState]);
        if (href.split('#')[0] === url.split('#')[0] && state === 'complete') return;
      } catch {
        // The document is being replaced; ask again.
      }
      await sleep(50);
    }
    throw new Error(`Timed out loading ${url}`);
  };

  // New tabs go next to the first tab, in the main window: puppeteer's
  // newPage() would put them in whatever window has focus, such as a consent
  // or sign-in popup the extension just opened.
  const home = (await browser.pages())[0];
  const frameId = (page: Page) => (page.mainFrame() as unknown as { _id: string })._id;
  const newTab = async (): Promise<Page> => {
    if (!home || home.isClosed()) return browser.newPage();
    const userContext = (browser.defaultBrowserContext() as unknown as { userContext: any }).userContext;
    const created = await userContext.createBrowsingContext('tab', {
      referenceContext: (home.mainFrame() as unknown as { browsingContext: unknown }).browsingContext,
    });
    const page = (await browser.pages()).find((p) => frameId(p) === created.id);
    if (!page) throw new Error('The new tab has no puppeteer page');
    return page;
  };

  const openExtensionPage = async (path: string) => {
    const url = `${extensionOrigin}/${path.replace(/^\//, '')}`;
    const page = await newTab();
    // wait:'none': BiDi never reports navigations in extension pages.
    await connection.send('browsingContext.navigate', { context: frameId(page), url, wait: 'none' });
    await waitLoaded(page, url);
    return page;
  };

  // BiDi sends no context events for extension pages, so windows the
  // extension opens itself (consent.html via windows.create) never become
  // puppeteer pages, and closing an extension tab is never reported. Firefox
  // does list them in browsingContext.getTree (and runs scripts in them), so
  // poll the tree and replay the missing events to puppeteer's session.
  const connectionEvents = connection as unknown as {
    on(event: string, listener: (info: any) => void): void;
    emit(event: string, info: unknown): void;
  };
  const known = new Map<string, { url: string; extension: boolean }>();
  connectionEvents.on('browsingContext.contextCreated', (info) => {
    if (!info.parent) known.set(info.context, { url: info.url, extension: false });
  });
  connectionEvents.on('browsingContext.contextDestroyed', (info) => known.delete(info.context));
  let polling = false;
  const poll = async () => {
    if (polling || !browser.connected) return;
    polling = true;
    try {
      const { result } = await connection.send('browsingContext.getTree', { maxDepth: 0 });
      const live = new Set<string>();
      for (const info of result.contexts) {
        live.add(info.context);
        const isExtension = String(info.url).startsWith(`${extensionOrigin}/`);
        const seen = known.get(info.context);
        if (!seen) {
          if (!isExtension) continue; // a web page whose own event is on its way
          known.set(info.context, { url: info.url, extension: true });
          connectionEvents.emit('browsingContext.contextCreated', { ...info, parent: null, children: null });
        } else if (seen.url !== info.url) {
          seen.url = info.url;
          seen.extension ||= isExtension;
          if (isExtension)
            connectionEvents.emit('browsingContext.historyUpdated', {
              context: info.context,
              timestamp: Date.now(),
              url: info.url,
            });
        }
      }
      for (const [id, seen] of known) {
        if (live.has(id) || !seen.extension) continue;
        known.delete(id);
        connectionEvents.emit('browsingContext.contextDestroyed', {
          context: id,
          url: seen.url,
          parent: null,
          children: [],
          userContext: 'default',
          originalOpener: null,
          clientWindow: '',
        });
      }
    } catch {
      // Closing, or a context went away mid-call: the next round catches up.
    } finally {
      polling = false;
    }
  };
  const poller = setInterval(() => void poll(), 100);
  poller.unref();
  browser.once('disconnected', () => clearInterval(poller));

  let inspector: Promise<Page> | undefined;

  const backgroundState = () =>
    chromeEvaluate<string>(`WebExtensionPolicy.getByID(${JSON.stringify(extensionId)}).extension.backgroundState`);

  const driver: FirefoxExtensionBrowser = {
    browser,
    extensionId,
    extensionUuid: EXTENSION_UUID,
    extensionOrigin,
    openPopup: () => openExtensionPage('popup.html'),
    openExtensionPage,
    async newPage(url?: string) {
      const page = await newTab();
      if (url) await page.goto(url);
      return page;
    },
    async waitForPage(predicate, { timeout = 15_000 } = {}) {
      return new Promise<Page>((resolve, reject) => {
        let done = false;
        const finish = (err: Error | null, page?: Page) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          browser.off('targetcreated', onTarget);
          if (err) reject(err);
          else resolve(page!);
        };
        const timer = setTimeout(
          () => finish(new Error(`No new page matching ${predicate} within ${timeout} ms`)),
          timeout,
        );
        const onTarget = async (target: Target) => {
          if (target.type() !== 'page') return;
          const page = await target.page();
          if (!page) return;
          // The URL comes later (first about:blank), and for extension pages only from the page itself.
          while (!done && !page.isClosed()) {
            const url = await pageUrl(page);
            if (url !== 'about:blank' && predicate(url)) return finish(null, page);
            await sleep(50);
          }
        };
        browser.on('targetcreated', onTarget);
      });
    },
    pageUrl,
    async reloadPage(page) {
      const url = await pageUrl(page);
      if (!url.startsWith(`${extensionOrigin}/`)) {
        await page.reload();
        return;
      }
      await page.evaluate(() => ((window as any).__reloading = true));
      await connection.send('browsingContext.reload', { context: frameId(page), wait: 'none' });
      // Wait for the new document (the marker is gone) to finish loading.
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const fresh = await page
          .evaluate(() => !(window as any).__reloading && document.readyState === 'complete')
          .catch(() => false);
        if (fresh) return;
        await sleep(50);
      }
      throw new Error(`Timed out reloading ${url}`);
    },
    async background() {
      inspector ??= openExtensionPage('popup.html');
      const page = await inspector;
      return {
        evaluate: (fn, arg) =>
          page.evaluate(
            // Sloppy-mode wrapper so `with` can put the background window first in scope.
            new Function(
              'arg',
              `return browser.runtime.getBackgroundPage().then(function (bg) { with (bg) { return (${fn.toString()})(arg); } });`,
            ) as any,
            arg,
          ) as any,
      };
    },
    backgroundState,
    async stopBackground() {
      await chromeEvaluate(`(async () => {
        const extension = WebExtensionPolicy.getByID(${JSON.stringify(extensionId)}).extension;
        // A starting page cannot be terminated yet: let it finish first.
        for (let i = 0; i < 200 && !['running', 'stopped'].includes(extension.backgroundState); i++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        if (extension.backgroundState !== 'running') return extension.backgroundState;
        const stopped = new Promise((resolve) => extension.once('shutdown-background-script', resolve));
        await extension.terminateBackground({ ignoreDevToolsAttached: true, disableResetIdleForTest: true });
        await stopped;
        return extension.backgroundState;
      })()`);
      const deadline = Date.now() + 10_000;
      while ((await backgroundState()) !== 'stopped') {
        if (Date.now() > deadline) throw new Error(`The event page did not stop (state ${await backgroundState()})`);
        await sleep(50);
      }
    },
    chromeEvaluate,
    async close() {
      clearInterval(poller);
      await browser.close();
    },
  };
  // The background registers the content scripts when it starts (src/site-access/): wait for them, bounded
  // (a profile in "only sites I allow" mode with no site allowed registers none).
  const background = await driver.background();
  for (let i = 0; i < 100; i++) {
    const registered = await background
      .evaluate(() =>
        (globalThis as any).browser.scripting.getRegisteredContentScripts().then((l: unknown[]) => l.length),
      )
      .catch(() => 0);
    if (registered) break;
    await sleep(50);
  }
  return driver;
}
