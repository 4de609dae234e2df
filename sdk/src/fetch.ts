/**
 * The provider as a fetch handler: `(url, init) => Response`, where `url` is a
 * relative XRPC path (`/xrpc/<nsid>?<query>`). Both client adapters use it:
 * `@atproto/api`'s SessionManager (./agent) and `@atcute/client`'s handler
 * (./atcute). Only `content-type`, `atproto-proxy` and
 * `atproto-accept-labelers` cross to the extension; other headers are dropped.
 * Dependency-free.
 */
import type { KeyringClient } from './client.js';
import { InternalError, InvalidParamsError } from './errors.js';
import type { QueryParams, XrpcRequest, XrpcResult } from './types.js';

/** One XRPC request from a client library → provider call → a real Response. */
export async function keyringFetch(
  client: KeyringClient,
  url: string,
  init: RequestInit = {},
  extra: Pick<XrpcRequest, 'did' | 'noPrompt'> = {},
): Promise<Response> {
  const signal = init.signal ?? undefined;
  signal?.throwIfAborted();
  // A provider with `blob-body` (contract 1.2) takes a Blob or File as it is: no copy in the page.
  const call = await toXrpcRequest(url, init, { blobs: client.supports('blob-body') });
  // Don't send a request that was aborted while its body was read.
  signal?.throwIfAborted();
  const pending = client.xrpc({ ...call, ...extra });
  const result = signal ? await abortable(pending, signal) : await pending;
  return toResponse(result);
}

// ---- request ---------------------------------------------------------------

const PARSE_BASE = 'https://relative.invalid';

/**
 * Turns fetch arguments into provider params. Throws InvalidParamsError for what XRPC cannot express.
 * With `blobs` (the provider announced `blob-body`), a binary Blob body is passed on as it is, unread.
 */
export async function toXrpcRequest(
  url: string,
  init: RequestInit = {},
  { blobs = false }: { blobs?: boolean } = {},
): Promise<XrpcRequest> {
  const parsed = new URL(url, PARSE_BASE);
  // The provider always talks to the account's own PDS; an absolute URL to
  // somewhere else would be silently re-routed, so refuse it.
  if (parsed.origin !== PARSE_BASE) throw new InvalidParamsError(`Expected a relative XRPC URL, got ${url}`);
  const match = /^\/xrpc\/([^/]+)$/.exec(parsed.pathname);
  if (!match) throw new InvalidParamsError(`Not an XRPC path: ${parsed.pathname}`);
  const nsid = decodeURIComponent(match[1]!);

  const params: QueryParams = {};
  for (const key of new Set(parsed.searchParams.keys())) {
    const values = parsed.searchParams.getAll(key);
    params[key] = values.length === 1 ? values[0]! : values;
  }

  const method = (init.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'POST') throw new InvalidParamsError(`XRPC uses GET or POST, not ${method}`);

  const headers = new Headers(init.headers);
  const encoding = headers.get('content-type') ?? undefined;
  const proxy = headers.get('atproto-proxy') ?? undefined;
  // Agent always sends this header, often empty: pass it on only when it says something.
  const labelers = headers.get('atproto-accept-labelers')?.trim() || undefined;

  const call: XrpcRequest = { nsid, method };
  if (Object.keys(params).length > 0) call.params = params;
  if (proxy) call.proxy = proxy;
  if (labelers) call.labelers = labelers;
  const type = mediaType(encoding);
  if (
    blobs &&
    typeof Blob !== 'undefined' &&
    init.body instanceof Blob &&
    type !== 'application/json' &&
    !type?.startsWith('text/')
  ) {
    call.body = init.body;
    if (encoding) call.encoding = encoding;
    return call;
  }
  const raw = await readBody(init.body);
  if (raw !== undefined) {
    call.body = decodeBody(raw, encoding);
    if (encoding) call.encoding = encoding;
  }
  return call;
}

/** Reads any fetch body into a string or bytes. */
async function readBody(body: BodyInit | null | undefined): Promise<string | Uint8Array | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (typeof Blob !== 'undefined' && body instanceof Blob) return new Uint8Array(await body.arrayBuffer());
  if (typeof URLSearchParams !== 'undefined' && body instanceof URLSearchParams) return body.toString();
  if (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream) return readStream(body);
  throw new InvalidParamsError(
    `Unsupported request body (${Object.prototype.toString.call(body)}); use bytes, a Blob or JSON`,
  );
}

async function readStream(stream: ReadableStream<unknown>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const chunk =
      typeof value === 'string'
        ? new TextEncoder().encode(value)
        : value instanceof ArrayBuffer
          ? new Uint8Array(value)
          : ArrayBuffer.isView(value)
            ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
            : undefined;
    if (!chunk) {
      await reader.cancel();
      throw new InvalidParamsError('Request body stream yielded a non-binary chunk');
    }
    chunks.push(chunk);
    length += chunk.byteLength;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

const mediaType = (encoding: string | undefined) => encoding?.split(';')[0]?.trim().toLowerCase();

/**
 * Puts a body in the form the extension expects: JSON as a parsed object
 * (its grant checks read fields such as `collection`), text as a string,
 * everything else as bytes.
 */
function decodeBody(raw: string | Uint8Array, encoding: string | undefined): unknown {
  const type = mediaType(encoding);
  if (type === 'application/json') {
    const text = typeof raw === 'string' ? raw : new TextDecoder().decode(raw);
    try {
      return JSON.parse(text);
    } catch {
      throw new InvalidParamsError('The request body is not valid JSON');
    }
  }
  if (type?.startsWith('text/')) return typeof raw === 'string' ? raw : new TextDecoder().decode(raw);
  return typeof raw === 'string' ? new TextEncoder().encode(raw) : raw;
}

// ---- response ---------------------------------------------------------------

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** Rebuilds an HTTP response from the provider's result. */
export function toResponse(result: XrpcResult): Response {
  const { status } = result;
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new InternalError(`The provider returned an invalid HTTP status (${status})`);
  }
  const headers = new Headers();
  let type = result.headers['content-type'];
  let body: BodyInit | null = null;
  const value = result.body;
  if (NULL_BODY_STATUSES.has(status) || value === null || value === undefined) body = null;
  else if (value instanceof Uint8Array) body = value as Uint8Array<ArrayBuffer>;
  else if (value instanceof ArrayBuffer) body = value;
  else if (typeof value === 'string') body = value;
  else {
    body = JSON.stringify(value);
    type ??= 'application/json';
  }
  if (type) headers.set('content-type', type);
  return new Response(body, { status, headers });
}

/**
 * Settles early when the signal aborts. The extension cannot cancel a call
 * already sent, so an aborted write may still happen.
 */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // It may have aborted while the body was being read.
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason ?? new DOMException('The operation was aborted', 'AbortError'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
