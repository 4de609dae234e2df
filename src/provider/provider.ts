/**
 * The website-facing provider (runs in the page's main world). It holds no
 * secrets: it turns `request()` calls into window messages for the relay and
 * relay messages back into promise settlements and events.
 */
import {
  ANNOUNCE_EVENT,
  ErrorCode,
  type ProviderEventName,
  type ProviderInfo,
  REQUEST_EVENT,
} from '../protocol/contract';
// Not ../protocol/page: the main world gets no validators.
import {
  asProviderError,
  PROVIDER_INFO,
  ProviderRpcError,
  WINDOW_EVENT,
  WINDOW_REPLY,
  WINDOW_REQUEST,
} from '../protocol/messages';

export type { ProviderEventName, ProviderInfo };
export type Listener = (data: unknown) => void;

export interface AtprotoProvider {
  readonly isAtKeyring: true;
  request(args: { method: string; params?: unknown }): Promise<unknown>;
  on(event: ProviderEventName, listener: Listener): AtprotoProvider;
  removeListener(event: ProviderEventName, listener: Listener): AtprotoProvider;
}

/** Longest a request may stay unanswered before the provider gives up (prompts included). */
export const PROVIDER_TIMEOUT_MS = 11 * 60_000;

export function createProvider(win: Window, timeoutMs = PROVIDER_TIMEOUT_MS): AtprotoProvider {
  const pending = new Map<
    string,
    { resolve(v: unknown): void; reject(e: Error): void; timer: ReturnType<typeof setTimeout> }
  >();
  const listeners = new Map<string, Set<Listener>>();
  let saidHello = false;

  win.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== win) return;
    const data = event.data as {
      source?: unknown;
      id?: unknown;
      result?: unknown;
      error?: unknown;
      event?: unknown;
      data?: unknown;
    };
    if (data?.source === WINDOW_REPLY && typeof data.id === 'string') {
      const entry = pending.get(data.id);
      if (!entry) return;
      pending.delete(data.id);
      clearTimeout(entry.timer);
      if (data.error !== undefined) {
        const e = asProviderError(data.error);
        entry.reject(new ProviderRpcError(e.code, e.message, e.data));
      } else {
        entry.resolve(data.result);
      }
    } else if (data?.source === WINDOW_EVENT && typeof data.event === 'string') {
      for (const listener of listeners.get(data.event) ?? []) {
        try {
          listener(data.data);
        } catch (err) {
          console.error(err);
        }
      }
    }
  });

  const provider: AtprotoProvider = {
    isAtKeyring: true,
    request(args) {
      if (typeof args !== 'object' || args === null || typeof (args as { method?: unknown }).method !== 'string') {
        return Promise.reject(new ProviderRpcError(ErrorCode.invalidParams, 'request() takes { method, params }'));
      }
      const id = crypto.randomUUID();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new ProviderRpcError(ErrorCode.internal, 'AT Keyring did not answer in time', { reason: 'timeout' }));
        }, timeoutMs);
        pending.set(id, { resolve, reject, timer });
        try {
          win.postMessage({ source: WINDOW_REQUEST, id, method: args.method, params: args.params }, '*');
        } catch {
          pending.delete(id);
          clearTimeout(timer);
          reject(new ProviderRpcError(ErrorCode.invalidParams, 'params cannot be sent (functions, DOM objects…)'));
        }
      });
    },
    on(event, listener) {
      if (typeof listener !== 'function') return provider;
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      // Ask the extension to deliver events to this frame.
      if (!saidHello) {
        saidHello = true;
        win.postMessage({ source: WINDOW_REQUEST, hello: true }, '*');
      }
      return provider;
    },
    removeListener(event, listener) {
      listeners.get(event)?.delete(listener);
      return provider;
    },
  };
  return Object.freeze(provider);
}

/**
 * Announces the provider (EIP-6963 style) now and whenever a page asks, and
 * sets window.atproto. The announced `info` carries the contract version and
 * capabilities (PROVIDER_INFO); it and the event detail are frozen.
 */
export function installProvider(win: Window & { atproto?: unknown }): AtprotoProvider {
  const provider = createProvider(win);
  const info: ProviderInfo = Object.freeze({ uuid: crypto.randomUUID(), ...PROVIDER_INFO });
  const announce = () =>
    win.dispatchEvent(new CustomEvent(ANNOUNCE_EVENT, { detail: Object.freeze({ info, provider }) }));
  win.addEventListener(REQUEST_EVENT, announce);
  if (!('atproto' in win)) {
    Object.defineProperty(win, 'atproto', { value: provider, configurable: true, enumerable: false, writable: false });
  }
  announce();
  return provider;
}
