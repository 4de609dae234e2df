/**
 * Timing a wake: one call made from the brokered page with its epoch times, the floor extension's ping, and
 * the marks AT Keyring's worker sets as it starts (performance.mark('keyring:…'), see bench/phases/cold.ts).
 */
import { attachServiceWorker } from '../../e2e/support/cdp';
import type { ExtensionBrowser } from '../../e2e/support/chromium';
import type { XrpcRequest } from '../../sdk/src/contract';
import type { BrokeredPage } from './page-drivers';
import type { TokenModel } from './token-model';

/** A call timed in the page: epoch ms at send and at answer, and the error if it failed. */
export interface TimedCall {
  sentAt: number;
  answeredAt: number;
  ms: number;
  error?: string;
}

/** One brokered getRecord from the page, with epoch times (to set against the worker's). */
export async function timedBrokeredCall(
  brokered: BrokeredPage,
  tokens: TokenModel,
  request: XrpcRequest,
): Promise<TimedCall> {
  await tokens.take(1);
  return brokered.page.evaluate(async (params) => {
    const provider = (window as unknown as { atproto: { request(r: unknown): Promise<{ status: number }> } }).atproto;
    const now = () => performance.timeOrigin + performance.now();
    const sentAt = now();
    let error: string | undefined;
    try {
      const result = await provider.request({ method: 'atproto_xrpc', params });
      if (result.status !== 200) error = `status ${result.status}`;
    } catch (e) {
      error = String((e as Error)?.message ?? e);
    }
    const answeredAt = now();
    return { sentAt, answeredAt, ms: answeredAt - sentAt, ...(error ? { error } : {}) };
  }, request);
}

/** One message to the floor extension's worker through its content script, timed in the page. */
export function floorPing(brokered: BrokeredPage): Promise<TimedCall> {
  return brokered.page.evaluate(
    () =>
      new Promise<TimedCall>((resolve) => {
        const ping = Math.random();
        const sentAt = performance.timeOrigin + performance.now();
        const onReply = (event: MessageEvent) => {
          if (event.source !== window || event.data?.floorPong !== ping) return;
          window.removeEventListener('message', onReply);
          const answeredAt = performance.timeOrigin + performance.now();
          resolve({
            sentAt,
            answeredAt,
            ms: answeredAt - sentAt,
            ...(event.data.error ? { error: event.data.error } : {}),
          });
        };
        window.addEventListener('message', onReply);
        window.postMessage({ floorPing: ping }, '*');
      }),
  );
}

/** The worker's start (epoch ms) and its keyring:* marks (ms after that start). */
export interface WorkerMarks {
  startedAt: number;
  marks: Record<string, number>;
}

export async function workerMarks(browser: Pick<ExtensionBrowser, 'context' | 'extensionId'>): Promise<WorkerMarks> {
  const sw = await attachServiceWorker(browser.context, browser.extensionId);
  try {
    const { result } = await sw.send<{ result: { value?: WorkerMarks } }>('Runtime.evaluate', {
      expression: `({ startedAt: performance.timeOrigin, marks: Object.fromEntries(performance.getEntriesByType('mark')
        .filter((m) => m.name.startsWith('keyring:')).map((m) => [m.name.slice(8), m.startTime])) })`,
      returnByValue: true,
    });
    return result.value ?? { startedAt: NaN, marks: {} };
  } finally {
    await sw.detach();
  }
}

/** The stages of a cold call, in ms, from the page's send to its answer. */
export const WAKE_STAGES = [
  'worker start (page send → worker script starts)',
  'script evaluation (→ background main runs)',
  'IndexedDB open',
  'services built',
  'OAuth client construction (only when a call needs the OAuth library)',
  'session restore (read from the store)',
  'the call itself (fetch, DPoP, answer to the page)',
] as const;

/**
 * Splits one cold call at the worker's marks; undefined where a mark is missing (a stage the wake did not go
 * through, e.g. no OAuth client built): the next stage then runs from the last mark before it.
 */
export function wakeStages(call: TimedCall, w: WorkerMarks): (number | undefined)[] {
  const at = (name: string) => (w.marks[name] === undefined ? undefined : w.startedAt + w.marks[name]);
  const points = [
    call.sentAt,
    w.startedAt,
    at('evaluated'),
    at('db-open'),
    at('services'),
    at('oauth-client'),
    at('session-restored'),
    call.answeredAt,
  ];
  let last = points[0];
  return points.slice(1).map((p) => {
    if (p === undefined || last === undefined) return undefined;
    const stage = p - last;
    last = p;
    return stage;
  });
}
