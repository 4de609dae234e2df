/**
 * Bytes for the consent window's previews, and only for the request it
 * shows: the file a call sends (kept with its prompt), or a blob its record
 * refers to, taken from the account's recent uploads or else read from the
 * account's own PDS (com.atproto.sync.getBlob: a public read, no token),
 * size-capped and checked against the CID. Nothing here is sent anywhere but
 * to the window that asked.
 */
import type { BodyBytes } from '../broker/body-bytes';
import { readBoundedBody } from '../broker/bounded-body';
import type { PromptRecord } from '../storage/db';
import { blobRefsIn } from './blob-refs';
import { isRawCid, rawCid, rawCidOfSha256Hex } from './cid';
import { PREVIEW_MAX_BYTES } from './preview-limits';
import type { RecentUploads } from './recent-uploads';

export { PREVIEW_MAX_BYTES };
/** How long a read from the PDS may take before the window says the preview failed. */
export const PDS_BLOB_TIMEOUT_MS = 8_000;

export type BlobPreview = { status: 'ok'; bytes: Uint8Array } | { status: 'unavailable'; reason: BlobUnavailable };

export type BlobUnavailable =
  /** The prompt's request neither sends nor refers to this CID: refused. */
  | 'not-referenced'
  | 'too-large'
  /** Neither kept from an upload nor found at the PDS (a stopped worker forgets uploads). */
  | 'not-found'
  | 'failed';

export interface BlobPreviewDeps {
  uploads: RecentUploads;
  /** The PDS of a signed-in account (its URL), if there is such an account. */
  pdsOf(did: string): Promise<string | undefined>;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const unavailable = (reason: BlobUnavailable): BlobPreview => ({ status: 'unavailable', reason });

export class BlobPreviews {
  /** Uploads still being hashed: a preview waits for them, so the post that uses one right away finds it. */
  readonly #keeping = new Set<Promise<void>>();

  constructor(private readonly deps: BlobPreviewDeps) {}

  /**
   * Remembers bytes an account uploaded, under the CID its PDS gives them. The site's answer does not wait for
   * this: the bytes are hashed (once, for the ledger too) after the upload was answered.
   */
  uploaded(did: string, body: BodyBytes): Promise<void> {
    if (body.size > PREVIEW_MAX_BYTES) return Promise.resolve();
    const keeping = Promise.all([body.sha256(), body.bytes()]).then(
      ([sha256, bytes]) => this.deps.uploads.put(did, rawCidOfSha256Hex(sha256), bytes),
      () => {}, // a file that cannot be read again is not kept; its preview is then read from the PDS
    );
    this.#keeping.add(keeping);
    void keeping.finally(() => this.#keeping.delete(keeping));
    return keeping;
  }

  /** The bytes behind `cid`, if the prompt's request sends or refers to them. */
  async forPrompt(prompt: PromptRecord, cid: string): Promise<BlobPreview> {
    await Promise.all(this.#keeping);
    const { details } = prompt;
    if (details.kind !== 'call') return unavailable('not-referenced');
    const { body } = details.intent;
    if (body.kind === 'bytes') {
      if (cid !== rawCidOfSha256Hex(body.sha256)) return unavailable('not-referenced');
      if (prompt.previewBytes) return { status: 'ok', bytes: prompt.previewBytes };
      return unavailable(body.size > PREVIEW_MAX_BYTES ? 'too-large' : 'not-found');
    }
    if (body.kind !== 'json') return unavailable('not-referenced');
    const ref = blobRefsIn(body.value).find((r) => r.cid === cid);
    if (!ref) return unavailable('not-referenced');
    if ((ref.size ?? 0) > PREVIEW_MAX_BYTES) return unavailable('too-large');
    // Every PDS blob has a raw sha-256 CID; for any other there is nothing to check bytes against.
    if (!isRawCid(cid)) return unavailable('not-found');
    const kept = this.deps.uploads.get(details.did, cid);
    if (kept) return { status: 'ok', bytes: kept };
    return this.#fromPds(details.did, cid);
  }

  async #fromPds(did: string, cid: string): Promise<BlobPreview> {
    const pds = await this.deps.pdsOf(did);
    if (!pds) return unavailable('failed');
    const url = new URL('/xrpc/com.atproto.sync.getBlob', pds);
    url.search = new URLSearchParams({ did, cid }).toString();
    try {
      const response = await (this.deps.fetch ?? fetch)(url, {
        credentials: 'omit',
        signal: AbortSignal.timeout(this.deps.timeoutMs ?? PDS_BLOB_TIMEOUT_MS),
      });
      if (response.status === 404 || response.status === 400) {
        await response.body?.cancel();
        return unavailable('not-found');
      }
      if (!response.ok) {
        await response.body?.cancel();
        return unavailable('failed');
      }
      const bytes = await readBoundedBody(response, PREVIEW_MAX_BYTES);
      if (!bytes) return unavailable('too-large');
      if ((await rawCid(bytes)) !== cid) return unavailable('failed');
      this.deps.uploads.put(did, cid, bytes);
      return { status: 'ok', bytes };
    } catch {
      return unavailable('failed');
    }
  }
}
