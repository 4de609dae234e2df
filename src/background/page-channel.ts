import { BG_PAGE_HELLO, BG_PAGE_REQUEST, ErrorCode, LIMITS, toWire, type PageResponse } from '../protocol/page';
import type { BackgroundServices } from './services';

export interface PageSender {
  tab?: { id?: number; url?: string };
  frameId?: number;
  url?: string;
  origin?: string;
}

/** The page's origin as the browser reports it; never a value from the message. */
export function senderOrigin(sender: PageSender): string | null {
  if (sender.origin && sender.origin !== 'null') return sender.origin;
  if (!sender.url) return null;
  try {
    const origin = new URL(sender.url).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

export function isPageMessage(message: unknown): message is { kind: string } {
  const kind = (message as { kind?: unknown } | null)?.kind;
  return kind === BG_PAGE_REQUEST || kind === BG_PAGE_HELLO;
}

const registered = new Set<string>();

/** Handles one message from a content script (relay). Resolves with the answer to send back. */
export async function handlePageMessage(
  services: BackgroundServices,
  message: { kind: string },
  sender: PageSender,
): Promise<PageResponse | null> {
  const origin = senderOrigin(sender);
  const tabId = sender.tab?.id;
  if (!origin || tabId === undefined) {
    return { error: { code: ErrorCode.unauthorized, message: 'Requests must come from a web page' } };
  }
  // Remember where this origin's frames are, for events (once per worker life).
  const frameKey = `${tabId}/${sender.frameId ?? 0}/${origin}`;
  if (!registered.has(frameKey)) {
    if (registered.size > 5000) registered.clear();
    registered.add(frameKey);
    await services.events.register({ tabId, frameId: sender.frameId ?? 0, origin });
  }
  if (message.kind === BG_PAGE_HELLO) return null;
  // Where the request comes from, for its prompt: the tab, the frame, and the tab's top-level origin when it differs.
  const topOrigin = senderOrigin({ url: sender.tab?.url }) ?? undefined;
  const context = { tabId, frameId: sender.frameId, topOrigin: topOrigin !== origin ? topOrigin : undefined };
  const answer = await services.broker.handle(origin, message, context);
  // Extension messages are JSON: binary results travel as { $bytes }.
  return 'result' in answer ? { result: toWire(answer.result, 'result', LIMITS.maxResultJsonChars) } : answer;
}
