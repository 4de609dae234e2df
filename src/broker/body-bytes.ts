/**
 * A binary request body (a file a site uploads) as one immutable value: the page's Blob as it arrived, or
 * bytes decoded from the wire. A Blob's bytes cannot change once it exists, so the hash a prompt shows and the
 * ledger keeps, the bytes the consent window previews and the bytes the PDS receives are all of this one
 * value. They are read from the Blob once, and only when something needs them: a call inside its grant goes
 * to the PDS as the Blob itself, and is hashed for the ledger once it is answered (src/broker/ledger.ts).
 */
import { ErrorCode, ProviderRpcError } from '../protocol/page';
import { BODY_BYTES, type HashedBytes, sha256Hex } from './digest';

export class BodyBytes implements HashedBytes {
  readonly [BODY_BYTES] = true as const;
  /** Bytes in the body. */
  readonly size: number;
  readonly #blob: Blob | undefined;
  readonly #given: Uint8Array | undefined;
  #bytes: Promise<Uint8Array> | undefined;
  #sha256: Promise<string> | undefined;
  #sent: Blob | undefined;

  private constructor(size: number, blob: Blob | undefined, bytes: Uint8Array | undefined) {
    this.size = size;
    this.#blob = blob;
    this.#given = bytes;
    this.#sent = blob;
    if (bytes) this.#bytes = Promise.resolve(bytes);
  }

  /** A page's file (a realm Blob; see isBlob in src/protocol/wire.ts). */
  static ofBlob(blob: Blob): BodyBytes {
    return new BodyBytes(blob.size, blob, undefined);
  }

  /** Bytes of the background's own (decoded from the wire: nobody else holds them). */
  static ofBytes(bytes: Uint8Array): BodyBytes {
    return new BodyBytes(bytes.byteLength, undefined, bytes);
  }

  /** What fetch sends: the page's Blob itself, or one made once of the bytes (Chromium streams a Blob body). */
  get blob(): Blob {
    this.#sent ??= new Blob([this.#given as Uint8Array<ArrayBuffer>]);
    return this.#sent;
  }

  /** The bytes, read once. A file that can no longer be read is a page's error, not ours. */
  bytes(): Promise<Uint8Array> {
    this.#bytes ??= this.#blob!.arrayBuffer().then(
      (buffer) => new Uint8Array(buffer),
      () => {
        throw unreadableFile();
      },
    );
    return this.#bytes;
  }

  /** Whether the bytes can still be read (a File can be deleted or changed on disk since it was picked). */
  async readable(): Promise<boolean> {
    if (!this.#blob) return true;
    try {
      await this.#blob.slice(0, 1).arrayBuffer();
      return true;
    } catch {
      return false;
    }
  }

  /** The bytes' sha-256 in hex, computed once. */
  sha256(): Promise<string> {
    this.#sha256 ??= this.bytes().then((bytes) => sha256Hex(bytes as Uint8Array<ArrayBuffer>));
    return this.#sha256;
  }
}

export function unreadableFile(): ProviderRpcError {
  return new ProviderRpcError(ErrorCode.invalidParams, 'The file could not be read', { reason: 'file-unreadable' });
}
