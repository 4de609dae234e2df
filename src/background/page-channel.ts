import type { RequestContext } from '../broker/broker';
import { tabIconRef } from '../consent/site-icon';
import {
  ErrorCode,
  isBlob,
  LIMITS,
  type PageResponse,
  PROBE_BYTES,
  RELAY_HELLO,
  RELAY_KEEPALIVE,
  RELAY_PROBE,
  RELAY_REQUEST,
  toWire,
} from '../protocol/page';
import { checkSecureOrigin, NOT_WEB, OPAQUE, type OriginVerdict, refuse } from '../protocol/secure-origin';
import type { BackgroundServices } from './services';

export { checkSecureOrigin, isLoopbackHost, type OriginVerdict } from '../protocol/secure-origin';

/** What the browser says about a message's sender (runtime.MessageSender, the parts we use). */
export interface PageSender {
  tab?: { id?: number; url?: string; favIconUrl?: string };
  frameId?: number;
  url?: string;
  /** "null" for opaque origins. Chromium and Firefox 153 ESR give it; older browsers may leave it out. */
  origin?: string;
  /** The sending document's id (Chromium; Firefox 153 ESR has it too, older Firefox may not). */
  documentId?: string;
}

/** What our relay says about its document (see RelayDocument in src/relay/relay.ts). */
export interface ReportedDocument {
  id?: string;
  origin?: string;
  /** The relay found that this channel carries bytes as they are: binary results go so too. */
  clone?: boolean;
}

const UNSURE = 'AT Keyring could not confirm which site this request comes from';
const SITE_NOT_ALLOWED: PageResponse = {
  error: {
    code: ErrorCode.unauthorized,
    message: 'AT Keyring is not available to this site',
    data: { reason: 'site-not-allowed' },
  },
};

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * The sender's origin, from the browser, confirmed by our relay; never from
 * the page's message. Two signals:
 * - the browser's sender.origin (Chromium and Firefox 153 ESR; "null" when opaque), and
 * - the origin our isolated-world relay read from its document (window.origin).
 * Either one saying "null", or the two disagreeing, is a refusal: no falling
 * back from an opaque origin to the origin of the URL (a sandboxed frame's URL
 * names a site whose rights it does not have). Where the browser gives no
 * origin (older Firefox), the URL's origin stands in for it, and the relay must agree.
 * The document's URL must be http(s) (not about:, data:, blob:, file:, ...).
 */
export function resolveSenderOrigin(sender: PageSender, reported: ReportedDocument | undefined): OriginVerdict {
  const browserOrigin = typeof sender.origin === 'string' ? sender.origin : undefined;
  const relayOrigin = typeof reported?.origin === 'string' ? reported.origin : undefined;
  if (browserOrigin === 'null' || relayOrigin === 'null') return refuse(OPAQUE);
  if (!sender.url) return refuse(NOT_WEB);
  let url: URL;
  try {
    url = new URL(sender.url);
  } catch {
    return refuse(NOT_WEB);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return refuse(NOT_WEB);
  const urlOrigin = url.origin;
  const origin = browserOrigin ?? urlOrigin;
  if (relayOrigin === undefined || relayOrigin !== origin || urlOrigin !== origin) return refuse(UNSURE);
  return checkSecureOrigin(origin);
}

/** The relay's report on a message (a plain object with short strings), or undefined. */
function reportedDocument(message: unknown): ReportedDocument | undefined {
  const doc = (message as { doc?: unknown } | null)?.doc as
    | { id?: unknown; origin?: unknown; clone?: unknown }
    | undefined;
  if (!doc || typeof doc !== 'object') return undefined;
  const id = typeof doc.id === 'string' && /^[\w-]{1,64}$/.test(doc.id) ? doc.id : undefined;
  const origin = typeof doc.origin === 'string' && doc.origin.length <= 512 ? doc.origin : undefined;
  return { id, origin, clone: doc.clone === true };
}

/**
 * What the browser says about where the request comes from, for the broker:
 * the tab, the frame, and the tab's top-level origin when the frame is of
 * another origin (only from sender.tab.url, which the browser may withhold);
 * otherwise the tab's icon, for the consent window (see consent/site-icon.ts).
 */
export function requestContext(sender: PageSender, origin: string): RequestContext {
  const context: RequestContext = { tabId: sender.tab?.id, frameId: sender.frameId ?? 0 };
  const topOrigin = sender.tab?.url ? originOf(sender.tab.url) : null;
  if (topOrigin && topOrigin !== origin) context.topOrigin = topOrigin;
  else {
    const tabIcon = tabIconRef(sender.tab, origin);
    if (tabIcon) context.tabIcon = tabIcon;
  }
  return context;
}

export function isPageMessage(message: unknown): message is { kind: string } {
  const kind = (message as { kind?: unknown } | null)?.kind;
  return kind === RELAY_REQUEST || kind === RELAY_HELLO || kind === RELAY_PROBE || kind === RELAY_KEEPALIVE;
}

/** Whether the probe's bytes arrived as bytes (a structured-clone channel) and intact. */
export function probeArrivedAsBytes(message: unknown): boolean {
  const probe = (message as { probe?: unknown } | null)?.probe;
  return (
    probe instanceof Uint8Array &&
    probe.length === PROBE_BYTES.length &&
    PROBE_BYTES.every((byte, i) => probe[i] === byte)
  );
}

/** Whether the probe's Blob arrived as a Blob of its size (a channel that carries Blobs). */
export function probeBlobArrived(message: unknown): boolean {
  const blob = (message as { probeBlob?: unknown } | null)?.probeBlob;
  return isBlob(blob) && blob.size === PROBE_BYTES.length;
}

/** Documents registered for events in this worker's life (the registry itself is in storage.session). */
const registered = new Set<string>();

/** Handles one message from a content script (relay). Resolves with the answer to send back. */
export async function handlePageMessage(
  services: BackgroundServices,
  message: { kind: string },
  sender: PageSender,
): Promise<PageResponse | null> {
  const tabId = sender.tab?.id;
  if (tabId === undefined) {
    return { error: { code: ErrorCode.unauthorized, message: 'Requests must come from a web page' } };
  }
  const reported = reportedDocument(message);
  const verdict = resolveSenderOrigin(sender, reported);
  if (!verdict.ok) return { error: { code: ErrorCode.unauthorized, message: verdict.message } };
  const origin = verdict.origin;
  if (!reported?.id) return { error: { code: ErrorCode.unauthorized, message: UNSURE } };
  // "Only sites I allow": a script left in a page from before the switch, or a frame of another origin
  // inside an allowed page, is refused (the frame's own origin is what counts), and not registered for events.
  if (!services.siteAccess.allows(origin)) return SITE_NOT_ALLOWED;
  const frameId = sender.frameId ?? 0;
  // Remember which document is in this frame, for events (once per document and worker life).
  const documentKey = `${tabId}/${frameId}/${reported.id}/${sender.documentId ?? ''}`;
  // A request does not wait for it (two storage round trips on a woken worker's first message): the registry
  // queues it, and every event waits for that queue, so no event goes out before this document is in it.
  let registering: Promise<unknown> | undefined;
  if (!registered.has(documentKey)) {
    if (registered.size > 5000) registered.clear();
    registered.add(documentKey);
    registering = services.events
      .register({ tabId, frameId, origin, docId: reported.id, documentId: sender.documentId })
      .catch(() => registered.delete(documentKey)); // tried again with the document's next message
  }
  if (message.kind === RELAY_HELLO) {
    await registering; // the hello is only for this
    return null;
  }
  if (message.kind === RELAY_KEEPALIVE) {
    // Answering is what keeps the worker running; only a site with a grant is told to go on. Nothing is stored.
    return { result: { keep: (await services.grants.forOrigin(origin)).length > 0 } };
  }
  if (message.kind === RELAY_PROBE) {
    const clone = probeArrivedAsBytes(message);
    return { result: { clone, blobs: clone && probeBlobArrived(message) } };
  }
  // The relay's report is ours, not part of the page's request.
  const { doc: _doc, ...request } = message as { doc?: unknown };
  const answer = await services.broker.handle(origin, request, requestContext(sender, origin));
  // Binary results travel as { $bytes }: the bytes themselves where the relay found the channel carries them.
  return 'result' in answer
    ? { result: toWire(answer.result, 'result', LIMITS.maxResultJsonChars, reported.clone ? 'clone' : 'base64') }
    : answer;
}
