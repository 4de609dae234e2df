/** Provider doubles for the SDK's tests. */

import {
  asProviderError,
  connectParams,
  fromWire,
  LIMITS,
  serviceAuthParams,
  toWire,
  WINDOW_EVENT,
  WINDOW_REPLY,
  WINDOW_REQUEST,
  xrpcParams,
} from '../../src/protocol/page';
import { createProvider } from '../../src/provider/provider';
import type { AtprotoProvider, ProviderEventName } from '../src/types';

export interface RecordedRequest {
  method: string;
  params?: any;
}

export type Handler = (method: string, params: any) => unknown | Promise<unknown>;

/** A provider double: records requests, answers through a handler, emits events on demand. */
export class FakeProvider implements AtprotoProvider {
  readonly isAtKeyring = true;
  readonly calls: RecordedRequest[] = [];
  readonly listeners = new Map<string, Set<(data: unknown) => void>>();

  constructor(public handler: Handler = () => null) {}

  async request(args: { method: string; params?: unknown }): Promise<unknown> {
    this.calls.push(args.params === undefined ? { method: args.method } : { method: args.method, params: args.params });
    return this.handler(args.method, args.params);
  }

  on(event: ProviderEventName, listener: (data: unknown) => void) {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
    return this;
  }

  removeListener(event: ProviderEventName, listener: (data: unknown) => void) {
    this.listeners.get(event)?.delete(listener);
    return this;
  }

  emit(event: ProviderEventName, data: unknown) {
    for (const l of this.listeners.get(event) ?? []) l(data);
  }

  /** The params of the last `atproto_xrpc` call. */
  lastXrpc(): any {
    return this.calls.filter((c) => c.method === 'atproto_xrpc').at(-1)?.params;
  }
}

/** A rejection as the real provider makes it: an Error with code/message/data. */
export function rpcError(code: number, message: string, data?: unknown): Error {
  return Object.assign(new Error(message), { code, ...(data !== undefined ? { data } : {}) });
}

// ---- the extension's real provider over a simulated relay ------------------

const SCHEMAS: Record<string, ((v: unknown, path?: string) => unknown) | undefined> = {
  atproto_connect: connectParams,
  atproto_xrpc: xrpcParams,
  atproto_serviceAuth: serviceAuthParams,
};

/**
 * The extension's own provider script on a fake window, with a relay that
 * does what the real relay and background do to a request before acting on
 * it: structured clone, wire encoding, and the background's schema check.
 * `handler` sees params exactly as the broker would, so SDK requests that
 * the extension would refuse fail here too (as InvalidParams, -32602).
 */
export function realProvider(handler: Handler) {
  const win = new EventTarget() as EventTarget & { postMessage(data: unknown): void };
  const calls: RecordedRequest[] = [];
  const post = (data: unknown) => {
    const event = new Event('message');
    Object.defineProperties(event, { data: { value: structuredClone(data) }, source: { value: win } });
    setTimeout(() => win.dispatchEvent(event), 0);
  };
  win.postMessage = post;
  win.addEventListener('message', (event) => {
    const data = (event as MessageEvent).data;
    if (data?.source !== WINDOW_REQUEST || data.hello) return;
    void (async () => {
      try {
        const params = data.params === undefined ? {} : fromWire(toWire(data.params));
        const checked = SCHEMAS[data.method]?.(params, 'params') ?? params;
        calls.push({ method: data.method, params: checked });
        const result = await handler(data.method, checked);
        post({
          source: WINDOW_REPLY,
          id: data.id,
          result: fromWire(toWire(result, 'result', LIMITS.maxResultJsonChars), 'result', LIMITS.maxResultJsonChars),
        });
      } catch (err: any) {
        const error =
          err?.name === 'SchemaError'
            ? { code: -32602, message: `Invalid params: ${err.message}` }
            : asProviderError({ code: err?.code, message: err?.message, data: err?.data });
        post({ source: WINDOW_REPLY, id: data.id, error });
      }
    })();
  });
  const provider = createProvider(win as unknown as Window);
  return {
    provider,
    calls,
    emit: (event: string, payload: unknown) => post({ source: WINDOW_EVENT, event, data: payload }),
    lastXrpc: (): any => calls.filter((c) => c.method === 'atproto_xrpc').at(-1)?.params,
  };
}
