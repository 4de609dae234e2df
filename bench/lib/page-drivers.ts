/**
 * Node-side handles on the two bench pages: each method runs the page's own
 * function (bench/in-page/) through page.evaluate and returns what the page
 * measured. Only types cross over from the page modules.
 */
import type { Page } from 'playwright-core';
import type { BrokeredPageApi } from '../in-page/brokered';
import type { DirectPageApi } from '../in-page/direct';
import { PAGE_GLOBALS } from '../in-page/globals';
import type { Instrument, InstrumentStats } from '../in-page/instrument';
import type { Timed } from '../in-page/timing';
import type { TokenModel } from './token-model';

type MethodsOf<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T];
type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : never;
type ResultOf<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never;

/** Calls `window[global][method](...args)` in the page. */
function callInPage<T, K extends MethodsOf<T> & string>(
  page: Page,
  global: string,
  method: K,
  ...args: ArgsOf<T[K]>
): Promise<ResultOf<T[K]>> {
  return page.evaluate(
    ({ global, method, args }) => {
      const api = (window as unknown as Record<string, Record<string, (...a: unknown[]) => unknown>>)[global];
      return api[method](...args);
    },
    { global, method, args: args as unknown[] },
  ) as Promise<ResultOf<T[K]>>;
}

/** The brokered site's tab. Every batch first waits for the rate-limit mirror, outside the timed region. */
export class BrokeredPage {
  constructor(
    readonly page: Page,
    private readonly tokens: TokenModel,
  ) {}
  private call<K extends MethodsOf<BrokeredPageApi>>(method: K, ...args: ArgsOf<BrokeredPageApi[K]>) {
    return callInPage<BrokeredPageApi, K>(this.page, PAGE_GLOBALS.brokered, method, ...args);
  }
  async sequential(method: string, params: unknown, n: number, expectCode?: number) {
    await this.tokens.take(n);
    return this.call('sequential', method, params, n, expectCode);
  }
  async concurrent(method: string, params: unknown, n: number, concurrency: number) {
    await this.tokens.take(n);
    return this.call('concurrent', method, params, n, concurrency);
  }
  async uploads(size: number, count: number, encoding: string, asBlob = false) {
    await this.tokens.take(count);
    return this.call('uploads', size, count, encoding, asBlob);
  }
  async transport(size: number, n: number, refusedWith: number) {
    await this.tokens.take(n);
    return this.call('transport', size, n, refusedWith);
  }
  /** Resolves once the page's module has installed its helpers. */
  async waitUntilLoaded() {
    await this.page.waitForFunction((global) => global in window, PAGE_GLOBALS.brokered, { timeout: 30_000 });
  }
  /** Unauthenticated fetches: the extension is not involved, so no tokens. */
  fetchLoop(url: string, n: number) {
    return this.call('fetchLoop', url, n);
  }
}

/** The direct baseline's tab. */
export class DirectPage {
  constructor(readonly page: Page) {}
  private call<K extends MethodsOf<DirectPageApi>>(method: K, ...args: ArgsOf<DirectPageApi[K]>) {
    return callInPage<DirectPageApi, K>(this.page, PAGE_GLOBALS.direct, method, ...args);
  }
  sequential(path: string, n: number) {
    return this.call('sequential', path, n);
  }
  unauthenticated(url: string, n: number) {
    return this.call('sequentialUnauthenticated', url, n);
  }
  concurrent(path: string, n: number, concurrency: number) {
    return this.call('concurrent', path, n, concurrency);
  }
  uploads(size: number, count: number, encoding: string, asBlob = false) {
    return this.call('uploads', size, count, encoding, asBlob);
  }
  signIn(handle: string) {
    return this.call('signIn', handle);
  }
  /** Resolves once the OAuth client has started (and, with signedIn, holds a session). */
  async waitUntilStarted({ signedIn = false } = {}) {
    await this.page.waitForFunction(
      ({ global, signedIn }) => {
        const api = (window as unknown as Record<string, DirectPageApi | undefined>)[global];
        return api?.state !== 'loading' && (!signedIn || Boolean(api?.did));
      },
      { global: PAGE_GLOBALS.direct, signedIn },
      { timeout: 30_000 },
    );
  }
  /** The page's sign-in state (`loading` until the OAuth client has started). */
  status() {
    return this.page.evaluate((global) => {
      const { state, error, did } = (window as unknown as Record<string, DirectPageApi | undefined>)[global] ?? {};
      return { state, error, did };
    }, PAGE_GLOBALS.direct);
  }
  /** Installs the counters of bench/in-page/instrument.ts (`code`, its bundle) and starts them. */
  async startInstrument(code: string) {
    await this.page.addScriptTag({ content: code });
    await this.page.evaluate(
      (global) => (globalThis as unknown as Record<string, Instrument>)[global].start(),
      PAGE_GLOBALS.instrument,
    );
  }
  finishInstrument(match: string): Promise<InstrumentStats> {
    return this.page.evaluate(
      ({ match, global }) => (globalThis as unknown as Record<string, Instrument>)[global].finish(match),
      { match, global: PAGE_GLOBALS.instrument },
    );
  }
}

/** Throws when any call of a batch failed. */
export function expectNoErrors(what: string, result: Pick<Timed, 'errors'>) {
  if (result.errors.length) throw new Error(`${what}: ${result.errors.length} failed, e.g. ${result.errors[0]}`);
}
