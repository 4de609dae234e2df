/**
 * The canonical request. A page's `atproto_xrpc` params are parsed once into
 * an immutable intent: the method (validated, in its canonical spelling when
 * the extension knows it), where the PDS will run it, the HTTP method, the
 * query, and the body (for repo writes, parsed JSON). The policy judges the
 * intent, the consent window displays it, and the background sends exactly
 * its serialisation ({@link toHttpRequest}): nothing judged differs from what
 * is sent.
 */
import { isValidNsid } from '@atproto/syntax';
import { methodKey, type Route, routeOf } from '../permissions/routing';
import { ErrorCode, ProviderRpcError, type ServiceAuthParams, type XrpcParams } from '../protocol/page';
import { isPlainObject } from '../protocol/schema';
import { isBlob } from '../protocol/wire';
import { BodyBytes } from './body-bytes';
import { canonicalDigest } from './digest';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type QueryValue = string | number | boolean;

export type IntentBody =
  | { readonly kind: 'none' }
  /** Sent as `JSON.stringify(value)`. */
  | { readonly kind: 'json'; readonly value: Json; readonly encoding: string }
  /** Sent as `data.blob`: the page's file itself, or the bytes decoded from the wire. */
  | { readonly kind: 'bytes'; readonly data: BodyBytes; readonly encoding: string }
  | { readonly kind: 'text'; readonly text: string; readonly encoding: string };

export interface XrpcIntent {
  readonly nsid: string;
  /** The case-folded method name every decision uses. */
  readonly key: string;
  readonly route: Route;
  readonly httpMethod: 'GET' | 'POST';
  readonly params: Readonly<Record<string, QueryValue | readonly QueryValue[]>>;
  readonly body: IntentBody;
  /** The atproto-proxy target; absent for methods the PDS runs itself (it would ignore the header). */
  readonly proxy?: string;
  readonly labelers?: string;
}

export const REPO_WRITES = new Set([
  'com.atproto.repo.createRecord',
  'com.atproto.repo.putRecord',
  'com.atproto.repo.deleteRecord',
  'com.atproto.repo.applyWrites',
]);
export const WRITE_TYPES = {
  'com.atproto.repo.applyWrites#create': 'create',
  'com.atproto.repo.applyWrites#update': 'update',
  'com.atproto.repo.applyWrites#delete': 'delete',
} as const;
const MAX_WRITES = 200;

const invalid = (message: string, reason: string) => new ProviderRpcError(ErrorCode.invalidParams, message, { reason });

/** Parses validated `atproto_xrpc` params into the canonical intent, or refuses them (-32602). */
export function parseXrpcIntent(call: XrpcParams): XrpcIntent {
  const { route, canonical, httpMethod: expected } = routeOf(call.nsid);
  if (canonical && canonical !== call.nsid) {
    // The PDS would run `canonical` anyway: a variant only serves to dodge checks.
    throw invalid(`Method names are case-sensitive: use ${canonical}`, 'method-case');
  }
  const httpMethod = call.method ?? expected ?? (call.body === undefined ? 'GET' : 'POST');
  if (expected && httpMethod !== expected) {
    // The PDS would pass it on to a proxy instead of running it: not what anyone judged.
    throw invalid(`${call.nsid} is called with ${expected}`, 'http-method');
  }
  if (httpMethod === 'GET' && call.body !== undefined) throw invalid('A GET call cannot have a body', 'get-body');
  const body = parseBody(call);
  if (REPO_WRITES.has(call.nsid)) checkRepoWrite(call.nsid, body);
  return deepFreeze({
    nsid: call.nsid,
    key: methodKey(call.nsid),
    route,
    httpMethod,
    params: call.params ?? {},
    body,
    ...(call.proxy && route === 'forwarded' ? { proxy: call.proxy } : {}),
    ...(call.labelers ? { labelers: call.labelers } : {}),
  } satisfies XrpcIntent);
}

/** The intent of the `getServiceAuth` call behind `atproto_serviceAuth`. */
export function serviceAuthIntent(params: Pick<ServiceAuthParams, 'aud' | 'lxm' | 'exp'>): XrpcIntent {
  const query: Record<string, string | number> = { aud: params.aud };
  if (params.lxm) query.lxm = params.lxm;
  if (params.exp) query.exp = params.exp;
  return parseXrpcIntent({ nsid: 'com.atproto.server.getServiceAuth', params: query });
}

const isJsonEncoding = (encoding: string | undefined) =>
  encoding === undefined || /^application\/json(\s*;|$)/i.test(encoding);

function parseBody(call: XrpcParams): IntentBody {
  const { body, encoding } = call;
  if (body === undefined) return { kind: 'none' };
  if (body instanceof Uint8Array)
    return { kind: 'bytes', data: BodyBytes.ofBytes(body), encoding: encoding ?? 'application/octet-stream' };
  if (isBlob(body))
    return { kind: 'bytes', data: BodyBytes.ofBlob(body), encoding: encoding ?? 'application/octet-stream' };
  if (typeof body === 'string' && !isJsonEncoding(encoding)) return { kind: 'text', text: body, encoding: encoding! };
  // JSON data under another type would be sent as JSON text but be the same bytes as a text body: one form only.
  if (!isJsonEncoding(encoding)) throw invalid(`A JSON body needs a JSON encoding, not ${encoding}`, 'body-encoding');
  if (containsBytes(body)) throw invalid('A JSON body cannot contain binary values', 'binary-in-json');
  return { kind: 'json', value: body as Json, encoding: encoding ?? 'application/json' };
}

function containsBytes(value: unknown): boolean {
  if (value instanceof Uint8Array || isBlob(value)) return true;
  if (Array.isArray(value)) return value.some(containsBytes);
  if (isPlainObject(value)) return Object.values(value).some(containsBytes);
  return false;
}

/** Repo writes are judged by their collection and action: the body must say them plainly. */
function checkRepoWrite(nsid: string, body: IntentBody): void {
  if (body.kind !== 'json' || !isJsonEncoding(body.encoding) || !isPlainObject(body.value)) {
    throw invalid(`${nsid} takes a JSON object body`, 'repo-write-body');
  }
  const value = body.value;
  if (nsid !== 'com.atproto.repo.applyWrites') {
    checkCollection(value.collection, 'body.collection');
    return;
  }
  const writes = value.writes;
  if (!Array.isArray(writes) || writes.length === 0 || writes.length > MAX_WRITES) {
    throw invalid(`body.writes must be a list of 1 to ${MAX_WRITES} writes`, 'repo-write-body');
  }
  writes.forEach((write, i) => {
    if (!isPlainObject(write) || typeof write.$type !== 'string' || !Object.hasOwn(WRITE_TYPES, write.$type)) {
      throw invalid(`body.writes[${i}] must be a create, update or delete`, 'repo-write-body');
    }
    checkCollection(write.collection, `body.writes[${i}].collection`);
  });
}

function checkCollection(collection: unknown, path: string): void {
  if (typeof collection !== 'string' || !isValidNsid(collection)) {
    throw invalid(`${path} must be a collection NSID`, 'repo-write-body');
  }
}

function deepFreeze<T>(value: T): T {
  // A body's bytes are immutable already (BodyBytes: a Blob, or bytes decoded from the wire for this intent).
  if (
    value &&
    typeof value === 'object' &&
    !(value instanceof BodyBytes) &&
    !ArrayBuffer.isView(value) &&
    !Object.isFrozen(value)
  ) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The digest a prompt and the request ledger bind to: the intent, and the account it acts as. */
export function intentDigest(method: string, did: string, intent: unknown): Promise<string> {
  return canonicalDigest({ method, did, intent });
}

export function xrpcPath(nsid: string, params: XrpcIntent['params']): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) query.append(key, String(v));
  }
  const qs = query.toString();
  return `/xrpc/${nsid}${qs ? `?${qs}` : ''}`;
}

/** Exactly what goes to the PDS for an intent: nothing else is ever sent. */
export function toHttpRequest(intent: XrpcIntent): {
  path: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: BodyInit;
} {
  const headers: Record<string, string> = {};
  let body: BodyInit | undefined;
  switch (intent.body.kind) {
    case 'json':
      body = JSON.stringify(intent.body.value);
      headers['content-type'] = intent.body.encoding;
      break;
    case 'bytes':
      // A Blob, not a Uint8Array: Chromium streams a Blob body from its blob store, while an ArrayBuffer
      // body is pushed through slowly (a 10 MiB upload from the worker took 1.2 s as bytes, 0.23 s as a Blob).
      body = intent.body.data.blob;
      headers['content-type'] = intent.body.encoding;
      break;
    case 'text':
      body = intent.body.text;
      headers['content-type'] = intent.body.encoding;
      break;
  }
  if (intent.proxy) headers['atproto-proxy'] = intent.proxy;
  if (intent.labelers) headers['atproto-accept-labelers'] = intent.labelers;
  return {
    path: xrpcPath(intent.nsid, intent.params),
    method: intent.httpMethod,
    headers,
    ...(body === undefined ? {} : { body }),
  };
}

/** The intent as the consent window shows it and the prompt stores it: bytes by size and hash, not content. */
export type DisplayedBody =
  | Exclude<IntentBody, { kind: 'bytes' }>
  | { readonly kind: 'bytes'; readonly encoding: string; readonly size: number; readonly sha256: string };
export type DisplayedIntent = Omit<XrpcIntent, 'body'> & { readonly body: DisplayedBody };

export async function displayedIntent(intent: XrpcIntent): Promise<DisplayedIntent> {
  if (intent.body.kind !== 'bytes') return intent as DisplayedIntent;
  const { data, encoding } = intent.body;
  return { ...intent, body: { kind: 'bytes', encoding, size: data.size, sha256: await data.sha256() } };
}
