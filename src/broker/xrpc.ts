import { isNetworkFailure } from '../accounts/errors';
import type { FetchHandlerSession } from '../oauth/dpop-session';
import { ErrorCode, LIMITS, ProviderRpcError, type XrpcResult } from '../protocol/page';
import { unreadableFile } from './body-bytes';
import { readBoundedBody } from './bounded-body';
import { toHttpRequest, type XrpcIntent } from './intent';

export type { FetchHandlerSession };

export const XRPC_TIMEOUT_MS = 30_000;

/**
 * Makes one XRPC call through the session's DPoP-bound fetch handler, sending
 * exactly the intent's serialisation, and returns the PDS's answer as data:
 * non-2xx statuses are results, not errors. Only the content type is passed
 * back among the response headers.
 */
export async function executeXrpc(
  session: FetchHandlerSession,
  intent: XrpcIntent,
  timeoutMs = XRPC_TIMEOUT_MS,
): Promise<XrpcResult> {
  const { path, method, headers, body } = toHttpRequest(intent);
  // A timer cleared when the call ends, not AbortSignal.timeout: that keeps each call's signal (and what it
  // holds) alive for the whole 30 s, so a burst of calls would stay in memory long after it was answered.
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The PDS did not answer in time', 'TimeoutError')),
    timeoutMs,
  );
  try {
    let response: Response;
    try {
      response = await session.fetchHandler(path, { method, headers, body, signal: controller.signal });
    } catch (err) {
      // A file that can no longer be read fails the send as an unreachable PDS would: say which it was.
      if (intent.body.kind === 'bytes' && !(await intent.body.data.readable())) throw unreadableFile();
      throw transportError(err);
    }
    return await readResponse(response);
  } finally {
    clearTimeout(timer);
  }
}

/** A fetch failure as the page sees it (other errors pass through unchanged). */
function transportError(err: unknown): unknown {
  if (err instanceof DOMException && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return new ProviderRpcError(ErrorCode.internal, 'The PDS did not answer in time', { reason: 'timeout' });
  }
  // fetch's TypeError, possibly wrapped by the OAuth client's fetch layer.
  if (isNetworkFailure(err)) {
    return new ProviderRpcError(ErrorCode.internal, "Couldn't reach the PDS", { reason: 'network' });
  }
  return err;
}

const tooLarge = () =>
  new ProviderRpcError(ErrorCode.internal, 'The response is too large to pass to the page', { reason: 'too-large' });

/** The PDS's answer as data for the page: at most LIMITS.maxBinaryBytes of body, decoded by content type. */
export async function readResponse(response: Response): Promise<XrpcResult> {
  const type = response.headers.get('content-type') ?? undefined;
  let bytes: Uint8Array | null;
  try {
    bytes = await readBoundedBody(response, LIMITS.maxBinaryBytes);
  } catch (err) {
    // The timeout also covers the body, and a connection can drop half-way through it.
    throw transportError(err);
  }
  if (!bytes) throw tooLarge();
  let body: unknown = bytes;
  if (bytes.byteLength === 0) body = null;
  else if (type?.includes('json')) {
    const text = new TextDecoder().decode(bytes);
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  } else if (type?.startsWith('text/')) body = new TextDecoder().decode(bytes);
  return { status: response.status, headers: type ? { 'content-type': type } : {}, body };
}
