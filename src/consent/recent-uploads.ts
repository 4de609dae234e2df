/**
 * The blobs a site uploaded through AT Keyring a short while ago, keyed by
 * account and CID: when the post that uses them comes to the consent window,
 * its images are shown from these bytes (a PDS keeps an upload out of reach
 * until a record references it). Kept in memory only, bounded in bytes and
 * in time; a stopped worker forgets them, and the window then says the
 * preview is unavailable.
 */
import { PREVIEW_MAX_BYTES } from './preview-limits';

export interface RecentUploadLimits {
  ttlMs: number;
  maxBytes: number;
  maxEntryBytes: number;
}

export const RECENT_UPLOAD_LIMITS: Readonly<RecentUploadLimits> = Object.freeze({
  /** How long an upload is kept (a prompt waits at most five minutes). */
  ttlMs: 10 * 60_000,
  /** All uploads of all accounts together; the oldest go first. */
  maxBytes: 24_000_000,
  /** Larger uploads are not kept (no preview would show them). */
  maxEntryBytes: PREVIEW_MAX_BYTES,
});

interface Entry {
  bytes: Uint8Array;
  expiresAt: number;
}

export class RecentUploads {
  /** In insertion order, which is age order: a Map iterates oldest first. */
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly limits: Readonly<RecentUploadLimits> = RECENT_UPLOAD_LIMITS,
  ) {}

  /** Keeps an account's upload under its CID (the caller computed it from these very bytes). */
  put(did: string, cid: string, bytes: Uint8Array): void {
    const key = `${did} ${cid}`;
    this.#remove(key);
    if (bytes.byteLength > this.limits.maxEntryBytes) return;
    this.#entries.set(key, { bytes, expiresAt: this.now() + this.limits.ttlMs });
    this.#bytes += bytes.byteLength;
    this.#prune();
  }

  get(did: string, cid: string): Uint8Array | undefined {
    this.#prune();
    return this.#entries.get(`${did} ${cid}`)?.bytes;
  }

  /** Bytes held now (for tests and a sanity bound). */
  get size(): number {
    return this.#bytes;
  }

  #remove(key: string) {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes.byteLength;
  }

  /** Drops what expired, then the oldest until the budget holds. */
  #prune() {
    const now = this.now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now || this.#bytes > this.limits.maxBytes) this.#remove(key);
    }
  }
}
