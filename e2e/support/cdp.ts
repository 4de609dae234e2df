/**
 * CDP access to an extension's service worker, shared by the e2e helpers
 * (e2e/support/chromium.ts) and the benchmark (bench/).
 */
import type { BrowserContext, CDPSession } from 'playwright-core';

export interface ServiceWorkerSession {
  /** How the session was obtained (reported in the bench's results). */
  via: string;
  targetId: string;
  send<T = any>(method: string, params?: Record<string, unknown>): Promise<T>;
  on(event: string, listener: (params: any) => void): void;
  detach(): Promise<void>;
}

export interface HeapUsage {
  usedSize: number;
  totalSize: number;
  embedderHeapUsedSize?: number;
  backingStorageSize?: number;
}

/** A CDP session on a page of the context (its first tab, or a new one). */
export async function pageCdpSession(context: BrowserContext): Promise<CDPSession> {
  return context.newCDPSession(context.pages()[0] ?? (await context.newPage()));
}

/**
 * A CDP session on the extension's service worker. Playwright's
 * newCDPSession only takes pages and frames, so this attaches to the
 * worker's target from a browser-level CDP session (falling back to a page
 * session) in non-flat mode, and talks to it with Target.sendMessageToTarget /
 * Target.receivedMessageFromTarget.
 */
export function attachServiceWorker(context: BrowserContext, extensionId: string): Promise<ServiceWorkerSession> {
  return attachExtensionTarget(
    context,
    (t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${extensionId}/`),
    'the extension service worker',
  );
}

/**
 * A CDP session on any target Playwright does not hand out (the service worker, the toolbar button's popup),
 * found by `match` among Target.getTargets.
 */
export async function attachExtensionTarget(
  context: BrowserContext,
  match: (target: { type: string; url: string }) => boolean,
  what: string,
): Promise<ServiceWorkerSession> {
  const attempts: { via: string; open: () => Promise<CDPSession> }[] = [];
  const browser = context.browser();
  if (browser)
    attempts.push({ via: 'browser CDP session (newBrowserCDPSession)', open: () => browser.newBrowserCDPSession() });
  attempts.push({ via: 'page CDP session (context.newCDPSession)', open: () => pageCdpSession(context) });
  const failures: string[] = [];
  for (const { via, open } of attempts) {
    let cdp: CDPSession | undefined;
    try {
      cdp = await open();
      return await attachWith(cdp, via, match, what);
    } catch (err) {
      failures.push(`${via}: ${(err as Error).message}`);
      await cdp?.detach().catch(() => {});
    }
  }
  throw new Error(`Could not attach to ${what}:\n  ${failures.join('\n  ')}`);
}

async function attachWith(
  cdp: CDPSession,
  via: string,
  match: (target: { type: string; url: string }) => boolean,
  what: string,
): Promise<ServiceWorkerSession> {
  const { targetInfos } = await cdp.send('Target.getTargets');
  const target = targetInfos.find(match);
  if (!target) throw new Error(`${what} is not running`);
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
  let nextId = 0;
  const pending = new Map<number, { resolve(v: any): void; reject(e: Error): void }>();
  const listeners = new Map<string, ((params: any) => void)[]>();
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message);
    if (typeof message.id === 'number') {
      const entry = pending.get(message.id);
      if (!entry) return;
      pending.delete(message.id);
      if (message.error) entry.reject(new Error(`${message.error.message} (${message.error.code})`));
      else entry.resolve(message.result);
    } else if (message.method) {
      for (const listener of listeners.get(message.method) ?? []) listener(message.params);
    }
  });
  cdp.on('Target.detachedFromTarget', (event) => {
    if (event.sessionId !== sessionId) return;
    for (const entry of pending.values()) entry.reject(new Error(`${what}: session detached`));
    pending.clear();
  });
  return {
    via,
    targetId: target.targetId,
    send(method, params = {}) {
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${method}: no answer from ${what}`));
        }, 30_000);
        pending.set(id, {
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        cdp
          .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) })
          .catch((err) => {
            pending.delete(id);
            clearTimeout(timer);
            reject(err);
          });
      });
    },
    on(event, listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
    },
    async detach() {
      await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => {});
      await cdp.detach().catch(() => {});
    },
  };
}

/** JS heap of the worker, read after `gcPasses` forced garbage collections (0: as it is). */
export async function heapUsage(sw: ServiceWorkerSession, gcPasses: number): Promise<HeapUsage> {
  for (let i = 0; i < gcPasses; i++) await sw.send('HeapProfiler.collectGarbage');
  return sw.send<HeapUsage>('Runtime.getHeapUsage');
}
