/**
 * One small driver interface over Playwright (Chromium) and puppeteer over
 * WebDriver BiDi (Firefox), so the same scenario files run in both browsers.
 * Selectors are CSS; buttons of third-party pages (the PDS) are found by text.
 *
 * These names are the e2e vocabulary: chromium.ts and firefox.ts name their
 * launchers' methods the same way (openPopup, background, stopBackground,
 * close), and suites that drive Playwright directly use clickAndClose below
 * and request (site.ts), the same actions as UiPage's.
 */
import type { Page as PlaywrightPage } from 'playwright-core';
import type { Page as PuppeteerPage } from 'puppeteer-core';
import { launchWithExtension } from './chromium';
import { type FirefoxLaunchOptions, launchFirefoxWithExtension } from './firefox';

/** An element by its data-testid (the extension's pages), or a button by its exact text (the PDS's pages). */
export type ClickTarget = { testId: string } | { button: string };

export interface UiPage {
  fill(selector: string, value: string): Promise<void>;
  click(selector: string): Promise<void>;
  /** Clicks the enabled button with this exact text. */
  clickButton(text: string): Promise<void>;
  /** Clicks something that closes this page (a consent answer, the PDS's last button), and waits for it to close. */
  clickAndClose(target: ClickTarget): Promise<void>;
  text(selector: string): Promise<string | null>;
  count(selector: string): Promise<number>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  reload(): Promise<void>;
}

/** Where a test runs code: a Playwright page or frame, or a driver's page in either browser. */
export type PageScope = Pick<UiPage, 'evaluate'>;

export interface Background {
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
}

export interface BrowserDriver {
  name: 'chromium' | 'firefox';
  openPopup(): Promise<UiPage>;
  openPage(url: string): Promise<UiPage>;
  /** Resolves with the next window or tab whose URL matches; call it before the action that opens it. */
  nextWindow(match: (url: string) => boolean): Promise<UiPage>;
  background(): Promise<Background>;
  /** Stops the background (service worker / event page) as the browser does when idle. */
  stopBackground(): Promise<void>;
  close(): Promise<void>;
}

const isClosedError = (err: Error) =>
  /has been closed|Target closed|detached|No target|no such frame|Session closed/i.test(err.message);

/** UiPage.clickAndClose for a Playwright page, for the suites that drive Playwright directly. */
export async function clickAndClose(page: PlaywrightPage, target: ClickTarget): Promise<void> {
  const closed = page.waitForEvent('close', { timeout: 20_000 });
  const locator =
    'testId' in target
      ? page.getByTestId(target.testId)
      : page.getByRole('button', { name: target.button, exact: true });
  // The page may be gone before the click returns.
  await locator.click({ noWaitAfter: true }).catch((err: Error) => {
    if (!isClosedError(err)) throw err;
  });
  await closed;
}

function playwrightPage(page: PlaywrightPage): UiPage {
  return {
    fill: (selector, value) => page.locator(selector).fill(value),
    click: (selector) => page.locator(selector).click(),
    clickButton: (text) => page.getByRole('button', { name: text, exact: true }).click(),
    clickAndClose: (target) => clickAndClose(page, target),
    text: (selector) => page.locator(selector).first().textContent({ timeout: 15_000 }),
    count: (selector) => page.locator(selector).count(),
    evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
    reload: async () => void (await page.reload()),
  };
}

function puppeteerPage(page: PuppeteerPage, reload: () => Promise<void>): UiPage {
  const buttonHandle = (text: string) =>
    page.waitForFunction(
      (text) => [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === text && !b.disabled),
      { timeout: 20_000 },
      text,
    );
  return {
    async fill(selector, value) {
      const input = await page.waitForSelector(selector, { timeout: 15_000 });
      await input!.evaluate((el) => ((el as HTMLInputElement).value = ''));
      await input!.type(value);
    },
    async click(selector) {
      await (await page.waitForSelector(selector, { timeout: 15_000 }))!.click();
    },
    async clickButton(text) {
      await ((await buttonHandle(text)).asElement() as any).click();
    },
    async clickAndClose(target) {
      const closed = new Promise<void>((resolve) => page.once('close', () => resolve()));
      // Like a person, wait for the control to be enabled (consent buttons are held off for a moment).
      const element =
        'testId' in target
          ? (
              await page.waitForFunction(
                (s) => {
                  const el = document.querySelector(s);
                  return el && !(el as HTMLButtonElement).disabled ? el : null;
                },
                { timeout: 20_000 },
                `[data-testid="${target.testId}"]`,
              )
            ).asElement()
          : (await buttonHandle(target.button)).asElement();
      await (element as any).click().catch((err: Error) => {
        if (!isClosedError(err)) throw err;
      });
      await closed;
    },
    text: async (selector) => {
      await page.waitForSelector(selector, { timeout: 15_000 });
      return page.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector);
    },
    count: (selector) => page.evaluate((s) => document.querySelectorAll(s).length, selector),
    evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
    reload,
  };
}

export async function launchChromiumDriver(extensionPath: string, profileDir: string): Promise<BrowserDriver> {
  const browser = await launchWithExtension(extensionPath, profileDir);
  return {
    name: 'chromium',
    openPopup: async () => playwrightPage(await browser.openPopup()),
    async openPage(url) {
      const page = await browser.context.newPage();
      await page.goto(url);
      return playwrightPage(page);
    },
    async nextWindow(match) {
      return playwrightPage(
        await browser.context.waitForEvent('page', { predicate: (p) => match(p.url()), timeout: 20_000 }),
      );
    },
    background: async () => {
      const worker = await browser.background();
      return { evaluate: (fn, arg) => worker.evaluate(fn as never, arg) as never };
    },
    stopBackground: () => browser.stopBackground(),
    close: () => browser.close(),
  };
}

export async function launchFirefoxDriver(
  extensionPath: string,
  profileDir: string,
  options: FirefoxLaunchOptions = {},
): Promise<BrowserDriver> {
  const fx = await launchFirefoxWithExtension(extensionPath, profileDir, options);
  const wrap = (page: PuppeteerPage) => puppeteerPage(page, () => fx.reloadPage(page));
  return {
    name: 'firefox',
    openPopup: async () => wrap(await fx.openPopup()),
    openPage: async (url) => wrap(await fx.newPage(url)),
    nextWindow: async (match) => wrap(await fx.waitForPage(match, { timeout: 20_000 })),
    background: async () => {
      const bg = await fx.background();
      return { evaluate: (fn, arg) => bg.evaluate(fn as never, arg) as never };
    },
    stopBackground: () => fx.stopBackground(),
    close: () => fx.close(),
  };
}
