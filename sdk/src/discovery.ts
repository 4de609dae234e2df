/**
 * Provider discovery, EIP-6963 style: the page dispatches
 * `atproto:requestProvider` and every installed provider answers with an
 * `atproto:announceProvider` event carrying `{ info, provider }`. Several
 * extensions can coexist; `window.atproto` is only a fallback because the
 * first extension to load wins that global.
 */
import {
  ANNOUNCE_EVENT,
  type AtprotoProvider,
  type ProviderDetail,
  type ProviderInfo,
  REQUEST_EVENT,
} from './contract.js';
import { ProviderNotFoundError } from './errors.js';

export { ANNOUNCE_EVENT, ATKEYRING_RDNS, REQUEST_EVENT } from './contract.js';

/** Providers announce synchronously when asked, so a short wait only catches late injectors. */
export const DEFAULT_DISCOVERY_TIMEOUT_MS = 300;

/** The part of `window` discovery uses (an EventTarget in tests). */
export type DiscoveryWindow = EventTarget & { atproto?: unknown };

export interface DiscoveryOptions {
  /** How long to collect announcements. Default {@link DEFAULT_DISCOVERY_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Defaults to the global `window`. */
  window?: DiscoveryWindow;
}

export interface FindProviderOptions extends DiscoveryOptions {
  /** Preferred provider(s) by rdns, best first, e.g. {@link ATKEYRING_RDNS}. Other providers are still used if none of these answers. */
  rdns?: string | readonly string[];
  /** Picks among all announced providers (e.g. shows a chooser); return undefined to cancel. Waits the full timeout. */
  choose?: (providers: ProviderDetail[]) => ProviderDetail | undefined | Promise<ProviderDetail | undefined>;
  /** Use `window.atproto` when nothing announces. Default true. */
  fallbackToGlobal?: boolean;
}

/** A found provider; `info` is absent when it came from the `window.atproto` fallback. */
export interface FoundProvider {
  provider: AtprotoProvider;
  info?: ProviderInfo;
}

function defaultWindow(): DiscoveryWindow | undefined {
  return typeof window === 'undefined' ? undefined : (window as unknown as DiscoveryWindow);
}

function isProvider(value: unknown): value is AtprotoProvider {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return typeof p.request === 'function' && typeof p.on === 'function' && typeof p.removeListener === 'function';
}

/** Announcements come from any script on the page, so check the shape before trusting it. */
function asDetail(event: Event): ProviderDetail | undefined {
  const detail = (event as CustomEvent<unknown>).detail as { info?: unknown; provider?: unknown } | null | undefined;
  if (typeof detail !== 'object' || detail === null) return undefined;
  const info = detail.info as Record<string, unknown> | null | undefined;
  if (typeof info !== 'object' || info === null) return undefined;
  const { uuid, name, icon, rdns } = info;
  if (
    typeof uuid !== 'string' ||
    !uuid ||
    typeof name !== 'string' ||
    typeof icon !== 'string' ||
    typeof rdns !== 'string'
  ) {
    return undefined;
  }
  if (!isProvider(detail.provider)) return undefined;
  const copy: ProviderInfo = { uuid, name, icon, rdns };
  // 1.1 fields: kept when well-formed, dropped (as from a v1 provider) when not.
  const { contractVersion, capabilities } = info;
  if (typeof contractVersion === 'string' && contractVersion.length <= 32) copy.contractVersion = contractVersion;
  if (Array.isArray(capabilities) && capabilities.length <= 256 && capabilities.every((c) => typeof c === 'string')) {
    copy.capabilities = Object.freeze([...(capabilities as string[])]);
  }
  return { info: Object.freeze(copy), provider: detail.provider };
}

/**
 * Whether an announced provider says it supports a capability (see
 * CAPABILITIES). False for a v1 provider, which announces none, and for a
 * provider found through the `window.atproto` fallback (no `info`).
 */
export function supportsCapability(info: ProviderInfo | undefined, capability: string): boolean {
  return info?.capabilities?.includes(capability) ?? false;
}

/**
 * Listens for announcements (deduplicated by uuid), then asks providers to
 * announce. Announcements made during the request arrive before this returns.
 */
function watch(win: DiscoveryWindow, onProvider: (detail: ProviderDetail) => void): () => void {
  const seen = new Set<string>();
  const listener = (event: Event) => {
    const detail = asDetail(event);
    if (!detail || seen.has(detail.info.uuid)) return;
    seen.add(detail.info.uuid);
    onProvider(detail);
  };
  win.addEventListener(ANNOUNCE_EVENT, listener);
  win.dispatchEvent(new Event(REQUEST_EVENT));
  return () => win.removeEventListener(ANNOUNCE_EVENT, listener);
}

/** Collects every provider that announces itself within `timeoutMs`. */
export function discoverProviders(options: DiscoveryOptions = {}): Promise<ProviderDetail[]> {
  const win = options.window ?? defaultWindow();
  if (!win) return Promise.resolve([]);
  const found: ProviderDetail[] = [];
  const stop = watch(win, (detail) => found.push(detail));
  return new Promise((resolve) => {
    setTimeout(() => {
      stop();
      resolve(found);
    }, options.timeoutMs ?? DEFAULT_DISCOVERY_TIMEOUT_MS);
  });
}

function globalProvider(win: DiscoveryWindow | undefined): FoundProvider | undefined {
  const candidate = win?.atproto;
  return isProvider(candidate) ? { provider: candidate } : undefined;
}

/**
 * Finds one provider: the `choose` callback's pick if given; else the first
 * announced provider matching `rdns` (resolving as soon as one answers); else
 * the first announced provider; else `window.atproto`. Throws
 * {@link ProviderNotFoundError} when there is none.
 */
export async function findProvider(options: FindProviderOptions = {}): Promise<FoundProvider> {
  const win = options.window ?? defaultWindow();
  const fallback = (): FoundProvider => {
    const global = options.fallbackToGlobal === false ? undefined : globalProvider(win);
    if (global) return global;
    throw new ProviderNotFoundError();
  };
  if (!win) return fallback();

  if (options.choose) {
    const all = await discoverProviders({ ...options, window: win });
    if (all.length === 0) return fallback();
    const picked = await options.choose(all);
    if (!picked) throw new ProviderNotFoundError('No provider was chosen');
    return picked;
  }

  const preferred = typeof options.rdns === 'string' ? [options.rdns] : [...(options.rdns ?? [])];
  const pick = (list: ProviderDetail[]): ProviderDetail | undefined => {
    for (const rdns of preferred) {
      const match = list.find((d) => d.info.rdns === rdns);
      if (match) return match;
    }
    return preferred.length === 0 ? list[0] : undefined;
  };

  return new Promise<FoundProvider>((resolve, reject) => {
    const found: ProviderDetail[] = [];
    let settled = false;
    let syncRound = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (result: FoundProvider | undefined) => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      stop();
      if (result) resolve(result);
      else {
        try {
          resolve(fallback());
        } catch (e) {
          reject(e);
        }
      }
    };
    const stop = watch(win, (detail) => {
      found.push(detail);
      // During the synchronous round wait for everyone, so a preferred provider can still win.
      if (!syncRound) {
        const match = pick([detail]);
        if (match) finish(match);
      }
    });
    syncRound = false;
    const now = pick(found);
    if (now) return finish(now);
    timer = setTimeout(() => finish(pick(found) ?? found[0]), options.timeoutMs ?? DEFAULT_DISCOVERY_TIMEOUT_MS);
  });
}
