/**
 * The isolated-world relay: takes window messages from the page, validates
 * and size-checks them, forwards them to the background, and posts answers
 * and events back. The page is hostile: nothing it sends is trusted here, and
 * the background checks everything again.
 */
// The light modules only: the relay needs no validators (the background has them).
import { SchemaError } from '../protocol/basics';
import { ErrorCode, LIMITS, type ProviderErrorShape } from '../protocol/contract';
import {
  asProviderError,
  PROBE_BYTES,
  RELAY_EVENT,
  RELAY_HELLO,
  RELAY_KEEPALIVE,
  RELAY_PROBE,
  RELAY_REQUEST,
  WINDOW_EVENT,
  WINDOW_REPLY,
  WINDOW_REQUEST,
} from '../protocol/messages';
import type { PageResponse } from '../protocol/page';
import { encodeWire, fromWire, readBlobs, type WireBinary } from '../protocol/wire';
import { type KeepAliveHost, startKeepAlive } from './keep-alive';

export interface RelayPort {
  /** runtime.sendMessage to the background. */
  send(message: unknown): Promise<unknown>;
  /**
   * Subscribes to messages from the background (runtime.onMessage). The
   * listener returns the answer for the background (true: an event was
   * delivered; false: it was for another document), or undefined for none.
   */
  onMessage(listener: (message: unknown) => boolean | undefined): void;
}

/**
 * Who this relay speaks for, sent with every message to the background:
 * - id: random, made when this relay starts. A content-script instance lives
 *   exactly as long as its document, so a new document means a new id; events
 *   carry the id of the document they are for.
 * - origin: the document's origin as this isolated world sees it
 *   (window.origin: "null" for sandboxed and other opaque documents). The
 *   page cannot change what our world reads; the background compares it with
 *   what the browser says and refuses opaque or disagreeing origins.
 * - clone: set once the probe found that this channel carries bytes as they
 *   are; the background then answers with bytes too (src/protocol/wire.ts).
 */
export interface RelayDocument {
  id: string;
  origin: string | undefined;
  clone?: true;
}

/** 128 random bits as hex (crypto.randomUUID exists only in secure contexts; this runs everywhere). */
function randomDocumentId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

function documentOrigin(win: Window): string | undefined {
  try {
    const origin = (win as Window & { origin?: unknown }).origin;
    return typeof origin === 'string' ? origin : undefined;
  } catch {
    return undefined;
  }
}

/** Longest the relay waits for the background (a consent prompt may be open). */
export const RELAY_TIMEOUT_MS = 10 * 60_000;
/** Longest pause between re-sends while the background restarts. */
const MAX_BACKOFF_MS = 1000;
/** Requests one frame may have waiting; more are refused at once (the background limits too). */
export const MAX_IN_FLIGHT = 128;

/**
 * Errors that mean the worker was stopped or restarting: the request may be
 * re-sent. ("Extension context invalidated" is not one: the extension is gone.)
 */
function isTransient(err: unknown): boolean {
  const message = String((err as Error)?.message ?? err);
  return /message channel closed|Receiving end does not exist|Could not establish connection|message port closed/i.test(
    message,
  );
}

export function startRelay(
  win: Window,
  port: RelayPort,
  timeoutMs = RELAY_TIMEOUT_MS,
  keepAliveHost?: KeepAliveHost,
): RelayDocument {
  const doc: RelayDocument = { id: randomDocumentId(), origin: documentOrigin(win) };
  let inFlight = 0;
  // Keeps the background running while this connected site shows (./keep-alive); the background decides.
  const keepAlive = keepAliveHost
    ? startKeepAlive(keepAliveHost, async () => {
        const answer = (await port.send({ kind: RELAY_KEEPALIVE, doc })) as PageResponse | undefined;
        return !!answer && 'result' in answer && (answer.result as { keep?: unknown } | null)?.keep === true;
      })
    : undefined;
  // How this channel carries bytes and Blobs: asked once, on the first request that carries some, and kept once
  // answered.
  let asked: Promise<Channel> | undefined;
  const channel = (): Promise<Channel> => {
    asked ??= forward({
      kind: RELAY_PROBE,
      doc,
      probe: Uint8Array.from(PROBE_BYTES),
      probeBlob: new Blob([Uint8Array.from(PROBE_BYTES)]),
    }).then((answer) => {
      const said = 'result' in answer ? (answer.result as { clone?: unknown; blobs?: unknown } | null) : null;
      const found: Channel = { binary: said?.clone === true ? 'clone' : 'base64', blobs: said?.blobs === true };
      if (found.binary === 'clone') doc.clone = true;
      // An error (the background unavailable) is not an answer: ask again next time.
      else if ('error' in answer) asked = undefined;
      return found;
    });
    return asked;
  };
  const reply = (id: string, answer: { result: unknown } | { error: ProviderErrorShape }) =>
    win.postMessage({ source: WINDOW_REPLY, id, ...answer }, '*');

  win.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== win) return;
    if ((event.data as { source?: unknown } | null)?.source !== WINDOW_REQUEST) return;
    // Copy the page's value into this world first: in Firefox a content script
    // sees page objects through wrappers whose prototypes are not its own, so
    // they would fail the plain-object and binary checks.
    let data: { source?: unknown; id?: unknown; method?: unknown; params?: unknown; hello?: unknown };
    try {
      data = structuredClone(event.data);
    } catch {
      return;
    }
    if (data.hello === true) {
      void port.send({ kind: RELAY_HELLO, doc }).catch(() => {});
      return;
    }
    if (typeof data.id !== 'string' || data.id.length === 0 || data.id.length > LIMITS.maxIdLength) return;
    const id = data.id;
    if (typeof data.method !== 'string' || data.method.length > LIMITS.maxMethodLength) {
      reply(id, { error: { code: ErrorCode.invalidParams, message: 'method must be a short string' } });
      return;
    }
    // Bound the relay's own memory: the background rate-limits too.
    if (inFlight >= MAX_IN_FLIGHT) {
      reply(id, { error: { code: ErrorCode.rateLimited, message: 'Too many requests in flight' } });
      return;
    }
    let params: unknown;
    let carried = { binaryValues: 0, blobs: 0 };
    try {
      // Bytes and Blobs as they are first; re-spelt below if the channel turns out not to carry them.
      if (data.params !== undefined) {
        const encoded = encodeWire(data.params, 'params', LIMITS.maxJsonChars, 'clone', true);
        params = encoded.value;
        carried = encoded;
      }
    } catch (err) {
      reply(id, { error: invalidParams(err) });
      return;
    }
    const method = data.method;
    const raw = data.params;
    inFlight++;
    void (async (): Promise<{ result: unknown } | { error: ProviderErrorShape }> => {
      // Any binary value, an empty one too: a JSON channel would turn even an empty one into {}.
      if (carried.binaryValues > 0) {
        const found = await channel();
        if (found.binary === 'base64' || (carried.blobs > 0 && !found.blobs)) {
          try {
            const read = carried.blobs > 0 ? await readBlobs(raw) : raw;
            params = encodeWire(read, 'params', LIMITS.maxJsonChars, found.binary).value;
          } catch (err) {
            return { error: invalidParams(err) };
          }
        }
      }
      return forward({ kind: RELAY_REQUEST, id, method, params, doc });
    })()
      .then((answer) => {
        if ('result' in answer) keepAlive?.engage();
        reply(id, answer);
      })
      .finally(() => inFlight--);
  });

  async function forward(message: unknown): Promise<{ result: unknown } | { error: ProviderErrorShape }> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 1; ; attempt++) {
      let answer: PageResponse | undefined;
      try {
        answer = (await withTimeout(port.send(message), deadline - Date.now())) as PageResponse | undefined;
      } catch (err) {
        if (err instanceof TimeoutError) return timedOut();
        if (!isTransient(err)) {
          return {
            error: { code: ErrorCode.internal, message: 'AT Keyring is unavailable', data: { reason: 'unavailable' } },
          };
        }
        // The background stopped mid-request: fall through and re-send.
      }
      if (answer && 'result' in answer) return { result: fromWire(answer.result, 'result', LIMITS.maxResultJsonChars) };
      if (answer && 'error' in answer) return { error: asProviderError(answer.error) };
      // No answer (a rejected send above, or Firefox resolving with undefined
      // when its event page was suspended): send again with the same id; the
      // background answers a re-sent request from its records.
      const pause = Math.min(100 * attempt, MAX_BACKOFF_MS);
      if (Date.now() + pause >= deadline) return timedOut();
      await new Promise((r) => setTimeout(r, pause));
    }
  }

  port.onMessage((message) => {
    const m = message as { kind?: unknown; event?: unknown; data?: unknown; doc?: unknown } | null;
    if (m?.kind !== RELAY_EVENT) return undefined;
    // Addressed to the document that was in this frame before (or any other): not ours to see.
    if (m.doc !== doc.id) return false;
    if (m.event !== 'accountsChanged' && m.event !== 'disconnect') return undefined;
    win.postMessage({ source: WINDOW_EVENT, event: m.event, data: m.data }, '*');
    return true;
  });
  return doc;
}

function invalidParams(err: unknown): ProviderErrorShape {
  const message = err instanceof SchemaError ? `Invalid params: ${err.message}` : 'Invalid params';
  return { code: ErrorCode.invalidParams, message };
}

/** What the probe found this channel carries. */
interface Channel {
  binary: WireBinary;
  blobs: boolean;
}

class TimeoutError extends Error {}

function timedOut(): { error: ProviderErrorShape } {
  return {
    error: { code: ErrorCode.internal, message: 'AT Keyring did not answer in time', data: { reason: 'timeout' } },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError()), Math.max(0, ms));
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
