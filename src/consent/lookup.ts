/**
 * Public, unauthenticated look-ups the consent window's previews need: a DID's
 * document (its PDS, the handle it claims, its services), whether that handle
 * resolves back to the DID, and a record from its owner's PDS. No user token
 * is ever sent; every answer is size-capped and time-limited, and every
 * failure is a typed result ("not found", "unreachable"…), never a throw.
 */
import { AtUri, isValidDid, isValidHandle } from '@atproto/syntax';
import { readBoundedBody } from '../broker/bounded-body';
import type { NetworkSettings } from '../oauth/settings';

/** Why a look-up has no answer. */
export type LookupFailure =
  /** The server answered that the DID, handle or record does not exist. */
  | 'not-found'
  /** No usable answer in time: network error, timeout, server error. */
  | 'unreachable'
  /** The answer (or the thing asked about) is malformed, or names an endpoint the settings forbid. */
  | 'invalid'
  /** The answer was larger than a preview reads. */
  | 'too-large'
  /** Not looked up: the preview already made as many look-ups as it may. */
  | 'skipped';

export type Lookup<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly failure: LookupFailure };

export const found = <T>(value: T): Lookup<T> => ({ ok: true, value });
export const failed = <T = never>(failure: LookupFailure): Lookup<T> => ({ ok: false, failure });

export interface DidService {
  /** The service's id as written (`#atproto_pds`, or a full `did…#id`). */
  id: string;
  type: string;
  endpoint: string;
}

export interface DidDocumentView {
  id: string;
  /** The document's `alsoKnownAs` entries (handles appear as `at://handle`). */
  alsoKnownAs: string[];
  services: DidService[];
}

/**
 * - `verified`: the handle resolves back to this DID;
 * - `mismatch`: it resolves to another DID, or to none: the document's claim is not backed by the handle;
 * - `unchecked`: the handle resolver could not be asked.
 */
export type HandleStatus = 'verified' | 'mismatch' | 'unchecked';

export interface Identity {
  did: string;
  /** The handle the DID document claims, lower-cased; absent when it claims none. */
  handle?: string;
  handleStatus?: HandleStatus;
  /** The `#atproto_pds` service endpoint, when the document has a usable one. */
  pds?: string;
}

export interface FetchedRecord {
  uri: string;
  cid?: string;
  value: Record<string, unknown>;
}

/** What the preview models look up; the network implementation is below, tests give fakes. */
export interface ConsentLookups {
  didDocument(did: string): Promise<Lookup<DidDocumentView>>;
  identity(did: string): Promise<Lookup<Identity>>;
  record(uri: string): Promise<Lookup<FetchedRecord>>;
}

/** Where look-ups go: the popup's network settings (handle resolver, PLC directory, plain http). */
export type NetworkSettingsSource = () => Promise<
  Pick<NetworkSettings, 'handleResolver' | 'plcDirectoryUrl' | 'allowHttp'>
>;

export interface NetworkLookupOptions {
  fetch?: typeof globalThis.fetch;
  /** Per request. */
  timeoutMs?: number;
  /** Largest answer read, in bytes. */
  maxBytes?: number;
  /** Entries kept in memory (answers and failures). */
  cacheSize?: number;
  /** How long an answer is kept; failures are kept a fifth of it. */
  cacheTtlMs?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  now?: () => number;
}

export const LOOKUP_TIMEOUT_MS = 3_000;
export const LOOKUP_MAX_BYTES = 256 * 1024;
const CACHE_SIZE = 256;
const CACHE_TTL_MS = 60_000;
const CONCURRENCY = 6;

/** An at-URI split into its parts; undefined unless it names one record (repo, collection, rkey). */
export function parseRecordUri(uri: string): { repo: string; collection: string; rkey: string } | undefined {
  if (typeof uri !== 'string' || uri.length > 8192) return undefined;
  try {
    const parsed = new AtUri(uri);
    if (!parsed.collection || !parsed.rkey || parsed.rkey.includes('/')) return undefined;
    return { repo: parsed.host, collection: parsed.collection, rkey: parsed.rkey };
  } catch {
    return undefined;
  }
}

/** A URL the settings allow the background to read from: https, or http only with "Allow plain http". */
function allowedUrl(value: unknown, allowHttp: boolean): URL | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.username || url.password) return undefined;
  if (url.protocol === 'https:' || (allowHttp && url.protocol === 'http:')) return url;
  return undefined;
}

/** The URL of a did:web's document (`localhost` is served over http, per the method's spec). */
function didWebDocumentUrl(did: string): string | undefined {
  const [hostPart, ...path] = did.slice('did:web:'.length).split(':');
  if (!hostPart) return undefined;
  // Only the port's colon is percent-encoded; anything else left encoded makes the URL invalid, as it should.
  const host = hostPart.replace(/%3A/gi, ':');
  const scheme = host.replace(/:\d+$/, '') === 'localhost' ? 'http' : 'https';
  const base = `${scheme}://${host}`;
  return path.length === 0 ? `${base}/.well-known/did.json` : `${base}/${path.join('/')}/did.json`;
}

function parseDidDocument(did: string, raw: unknown): DidDocumentView | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const doc = raw as { id?: unknown; alsoKnownAs?: unknown; service?: unknown };
  if (doc.id !== did) return undefined;
  const alsoKnownAs = Array.isArray(doc.alsoKnownAs)
    ? doc.alsoKnownAs.filter((a): a is string => typeof a === 'string').slice(0, 16)
    : [];
  const services: DidService[] = [];
  if (Array.isArray(doc.service)) {
    for (const s of doc.service.slice(0, 32)) {
      const { id, type, serviceEndpoint } = (s ?? {}) as Record<string, unknown>;
      if (typeof id === 'string' && typeof type === 'string' && typeof serviceEndpoint === 'string') {
        services.push({ id, type, endpoint: serviceEndpoint });
      }
    }
  }
  return { id: did, alsoKnownAs, services };
}

/** The service of a document with this id (`#atproto_pds` matches `#atproto_pds` and `did…#atproto_pds`). */
export function findService(doc: DidDocumentView, fragment: string): DidService | undefined {
  const wanted = fragment.startsWith('#') ? fragment : `#${fragment}`;
  return doc.services.find((s) => s.id === wanted || s.id === `${doc.id}${wanted}`);
}

/** The handle a document claims: its first `at://` alias. */
export function claimedHandle(doc: DidDocumentView): string | undefined {
  for (const alias of doc.alsoKnownAs) {
    if (!alias.startsWith('at://')) continue;
    const handle = alias.slice('at://'.length).toLowerCase();
    if (isValidHandle(handle)) return handle;
  }
  return undefined;
}

type FetchAnswer = { kind: 'json'; status: number; body: unknown } | { kind: 'failed'; failure: LookupFailure };

/** A small cache of settled look-ups (and the promises of those under way), oldest dropped first. */
class LookupCache {
  #entries = new Map<string, { value: Promise<Lookup<unknown>>; expiresAt: number }>();

  constructor(
    private readonly size: number,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  get<T>(key: string, compute: () => Promise<Lookup<T>>): Promise<Lookup<T>> {
    const hit = this.#entries.get(key);
    if (hit && hit.expiresAt > this.now()) return hit.value as Promise<Lookup<T>>;
    const value = compute().catch(() => failed<T>('unreachable'));
    this.#set(key, value, this.now() + this.ttlMs);
    // Failures are retried sooner than answers.
    void value.then((result) => {
      if (!result.ok && this.#entries.get(key)?.value === value) this.#set(key, value, this.now() + this.ttlMs / 5);
    });
    return value;
  }

  #set(key: string, value: Promise<Lookup<unknown>>, expiresAt: number) {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt });
    while (this.#entries.size > this.size) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }
}

/** Look-ups over the network, as the popup's network settings direct them. */
export class NetworkLookups implements ConsentLookups {
  readonly #fetch: typeof globalThis.fetch;
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  readonly #cache: LookupCache;
  readonly #concurrency: number;
  #inFlight = 0;
  #waiting: Array<() => void> = [];

  constructor(
    private readonly settings: NetworkSettingsSource,
    options: NetworkLookupOptions = {},
  ) {
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#timeoutMs = options.timeoutMs ?? LOOKUP_TIMEOUT_MS;
    this.#maxBytes = options.maxBytes ?? LOOKUP_MAX_BYTES;
    this.#concurrency = options.concurrency ?? CONCURRENCY;
    this.#cache = new LookupCache(
      options.cacheSize ?? CACHE_SIZE,
      options.cacheTtlMs ?? CACHE_TTL_MS,
      options.now ?? Date.now,
    );
  }

  async didDocument(did: string): Promise<Lookup<DidDocumentView>> {
    if (!isValidDid(did) || did.length > 2048) return failed('invalid');
    const settings = await this.settings();
    let url: URL | undefined;
    if (did.startsWith('did:plc:')) {
      url = allowedUrl(`${settings.plcDirectoryUrl.replace(/\/+$/, '')}/${did}`, settings.allowHttp);
    } else if (did.startsWith('did:web:')) {
      url = allowedUrl(didWebDocumentUrl(did), settings.allowHttp);
    } else {
      return failed('invalid');
    }
    if (!url) return failed('invalid');
    const target = url;
    return this.#cache.get(`doc ${target.href}`, async () => {
      const answer = await this.#getJson(target);
      if (answer.kind === 'failed') return failed(answer.failure);
      if (answer.status === 404 || answer.status === 410) return failed('not-found');
      if (answer.status !== 200) return failed('unreachable');
      const doc = parseDidDocument(did, answer.body);
      return doc ? found(doc) : failed('invalid');
    });
  }

  /** The DID a handle resolves to, asked of the settings' handle resolver. */
  async resolveHandle(handle: string): Promise<Lookup<string>> {
    if (!isValidHandle(handle)) return failed('invalid');
    const settings = await this.settings();
    const url = allowedUrl(
      `${settings.handleResolver.replace(/\/+$/, '')}/xrpc/com.atproto.identity.resolveHandle?handle=${encodeURIComponent(handle)}`,
      settings.allowHttp,
    );
    if (!url) return failed('invalid');
    return this.#cache.get(`handle ${url.href}`, async () => {
      const answer = await this.#getJson(url);
      if (answer.kind === 'failed') return failed(answer.failure);
      // The resolver says 400 (HandleNotFound / "Unable to resolve handle") for a handle that points nowhere.
      if (answer.status === 400 || answer.status === 404) return failed('not-found');
      if (answer.status !== 200) return failed('unreachable');
      const did = (answer.body as { did?: unknown } | null)?.did;
      return typeof did === 'string' && isValidDid(did) ? found(did) : failed('invalid');
    });
  }

  async identity(did: string): Promise<Lookup<Identity>> {
    const doc = await this.didDocument(did);
    if (!doc.ok) return doc;
    const settings = await this.settings();
    const pdsService = findService(doc.value, '#atproto_pds');
    const pds = pdsService && allowedUrl(pdsService.endpoint, settings.allowHttp);
    const handle = claimedHandle(doc.value);
    const identity: Identity = { did, ...(pds ? { pds: pds.origin } : {}) };
    if (!handle) return found(identity);
    const resolved = await this.resolveHandle(handle);
    const handleStatus: HandleStatus = resolved.ok
      ? resolved.value === did
        ? 'verified'
        : 'mismatch'
      : resolved.failure === 'not-found'
        ? 'mismatch'
        : 'unchecked';
    return found({ ...identity, handle, handleStatus });
  }

  async record(uri: string): Promise<Lookup<FetchedRecord>> {
    const parts = parseRecordUri(uri);
    if (!parts) return failed('invalid');
    let did = parts.repo;
    if (!isValidDid(did)) {
      const resolved = await this.resolveHandle(did.toLowerCase());
      if (!resolved.ok) return resolved;
      did = resolved.value;
    }
    const owner = await this.identity(did);
    if (!owner.ok) return owner;
    if (!owner.value.pds) return failed('invalid');
    const query = new URLSearchParams({ repo: did, collection: parts.collection, rkey: parts.rkey });
    const url = new URL(`/xrpc/com.atproto.repo.getRecord?${query}`, owner.value.pds);
    // Records are read afresh (a delete shows the record as it is now); one preview asks once (budgetedLookups).
    const answer = await this.#getJson(url);
    if (answer.kind === 'failed') return failed(answer.failure);
    const body = answer.body as { uri?: unknown; cid?: unknown; value?: unknown; error?: unknown } | null;
    if (answer.status === 400 || answer.status === 404) {
      const error = typeof body?.error === 'string' ? body.error : '';
      // RecordNotFound / RepoNotFound; older PDSs answer InvalidRequest "Could not locate record".
      return /NotFound|InvalidRequest|Deactivated|Takendown/.test(error) ? failed('not-found') : failed('unreachable');
    }
    if (answer.status !== 200) return failed('unreachable');
    if (typeof body?.value !== 'object' || body.value === null || Array.isArray(body.value)) return failed('invalid');
    return found({
      uri: typeof body.uri === 'string' ? body.uri : uri,
      ...(typeof body.cid === 'string' ? { cid: body.cid } : {}),
      value: body.value as Record<string, unknown>,
    });
  }

  /**
   * A blob from the PDS `pds` (com.atproto.sync.getBlob, a public read), read as the JSON look-ups are and
   * capped at `maxBytes`; the caller checks the bytes against the CID.
   */
  async blob(pds: string, did: string, cid: string, maxBytes: number): Promise<Lookup<Uint8Array>> {
    const target = allowedUrl(pds, (await this.settings()).allowHttp);
    if (!target) return failed('invalid');
    const url = new URL('/xrpc/com.atproto.sync.getBlob', target);
    url.search = new URLSearchParams({ did, cid }).toString();
    const answer = await this.#get(url, '*/*', maxBytes);
    if (answer.kind === 'failed') return failed(answer.failure);
    if (answer.status === 400 || answer.status === 404) return failed('not-found');
    if (answer.status !== 200) return failed('unreachable');
    return found(answer.bytes);
  }

  /** One GET of a JSON document: no credentials, no redirects, a deadline and a size cap. */
  async #getJson(url: URL): Promise<FetchAnswer> {
    const answer = await this.#get(url, 'application/json', this.#maxBytes);
    if (answer.kind === 'failed') return answer;
    const text = new TextDecoder().decode(answer.bytes);
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      if (answer.status >= 200 && answer.status < 300) return { kind: 'failed', failure: 'invalid' };
    }
    return { kind: 'json', status: answer.status, body };
  }

  /** One GET: no credentials, no redirects, no referrer, a deadline and a size cap; a slot of the concurrency limit. */
  async #get(
    url: URL,
    accept: string,
    maxBytes: number,
  ): Promise<{ kind: 'bytes'; status: number; bytes: Uint8Array } | { kind: 'failed'; failure: LookupFailure }> {
    await this.#slot();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    try {
      const response = await this.#fetch(url.href, {
        method: 'GET',
        headers: { accept },
        credentials: 'omit',
        redirect: 'error',
        referrerPolicy: 'no-referrer',
        signal: controller.signal,
      });
      const bytes = await readBoundedBody(response, maxBytes);
      if (bytes === null) return { kind: 'failed', failure: 'too-large' };
      return { kind: 'bytes', status: response.status, bytes };
    } catch {
      return { kind: 'failed', failure: 'unreachable' };
    } finally {
      clearTimeout(timer);
      this.#release();
    }
  }

  async #slot(): Promise<void> {
    if (this.#inFlight < this.#concurrency) {
      this.#inFlight++;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #release() {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#inFlight--;
  }
}

/**
 * The look-ups of one preview, capped in number and in time: a request with
 * hundreds of writes cannot make the background fetch without end, and the
 * window gets its answer by the deadline (what is not back by then is
 * "unreachable"). Each distinct look-up is made once per preview.
 */
export function budgetedLookups(lookups: ConsentLookups, budget: { max: number; withinMs: number }): ConsentLookups {
  const asked = new Map<string, Promise<Lookup<unknown>>>();
  const deadline = Date.now() + budget.withinMs;
  const within = <T>(key: string, run: () => Promise<Lookup<T>>): Promise<Lookup<T>> => {
    const earlier = asked.get(key);
    if (earlier) return earlier as Promise<Lookup<T>>;
    if (asked.size >= budget.max) return Promise.resolve(failed('skipped'));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<Lookup<T>>((resolve) => {
      timer = setTimeout(() => resolve(failed('unreachable')), Math.max(0, deadline - Date.now()));
    });
    const answer = Promise.race([run(), late]).finally(() => clearTimeout(timer));
    asked.set(key, answer);
    return answer;
  };
  return {
    didDocument: (did) => within(`doc ${did}`, () => lookups.didDocument(did)),
    identity: (did) => within(`identity ${did}`, () => lookups.identity(did)),
    record: (uri) => within(`record ${uri}`, () => lookups.record(uri)),
  };
}
