/**
 * The request ledger: a data-changing call runs at most once per (origin, request id). A request re-sent
 * after a worker restart gets the recorded answer, or, if the worker died during the call, an error saying
 * the outcome is unknown; the same id again while its call runs waits for that call's answer. Either way the
 * id must name the same request (its digest), or it is refused.
 *
 * The call is sent as soon as its id is claimed, and hashed after it is answered: a file inside the grant is
 * read and hashed only for the ledger, and the upload would otherwise wait for both (a prompted call was
 * hashed for its prompt already). The record of a call in progress therefore has no digest; one left by a
 * worker that died answers any request under its id as interrupted.
 */
import { ErrorCode, ProviderRpcError, type XrpcResult } from '../protocol/page';
import type { KeyringDB, RequestLedgerRecord } from '../storage/db';

/** How long the outcome of a data-changing call is kept to answer a re-sent request. */
export const LEDGER_TTL_MS = 5 * 60_000;
/** The largest answer kept for replay (a record write's answer is a few hundred bytes). */
export const LEDGER_MAX_RESPONSE_BYTES = 64 * 1024;

interface Running {
  digest: () => Promise<string>;
  answer: Promise<XrpcResult>;
}

export class RequestLedger {
  /** Calls running in this worker's life, by ledger key. */
  readonly #running = new Map<string, Running>();

  constructor(
    private readonly db: KeyringDB,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Runs `run` once for `key` (origin and request id). `digest` gives the request's digest (computed once,
   * however often it is called).
   */
  once(key: string, digest: () => Promise<string>, run: () => Promise<XrpcResult>): Promise<XrpcResult> {
    const running = this.#running.get(key);
    if (running) return this.#join(running, digest);
    // Set before anything is awaited: the same id again, however soon, finds it.
    const entry: Running = { digest, answer: this.#claimAndRun(key, digest, run, () => this.#running.delete(key)) };
    this.#running.set(key, entry);
    return entry.answer;
  }

  /** The same id again while its call runs (or is being recorded): that call's answer, if it is the same request. */
  async #join(running: Running, digest: () => Promise<string>): Promise<XrpcResult> {
    if ((await running.digest()) !== (await digest())) throw idReused();
    return running.answer;
  }

  async #claimAndRun(
    key: string,
    digest: () => Promise<string>,
    run: () => Promise<XrpcResult>,
    finished: () => void,
  ): Promise<XrpcResult> {
    let recording = false;
    try {
      const previous = await this.#claim(key);
      if (previous) return this.#answerFrom(previous, await digest());
      let response: XrpcResult;
      try {
        response = await run();
      } catch (err) {
        await this.db.delete('requests', key);
        throw err;
      }
      // The answer goes out now, and the record follows once the request is hashed: a file is read for that
      // only now, so an upload never shares the CPU with its own hash. Until then the same id is answered
      // from memory (#join).
      recording = true;
      void this.#record(key, digest, response).finally(finished);
      return response;
    } finally {
      if (!recording) finished();
    }
  }

  async #record(key: string, digest: () => Promise<string>, response: XrpcResult): Promise<void> {
    try {
      // Sent and answered: a digest that failed (a file that could not be read again) matches no re-sent request.
      const done = await digest().catch(() => '');
      // Replay needs the answer; a large one (a proxied service's) is not worth keeping in storage.
      const kept = approximateSize(response) <= LEDGER_MAX_RESPONSE_BYTES ? response : undefined;
      await this.db.put('requests', {
        key,
        digest: done,
        state: 'done',
        response: kept,
        expiresAt: this.now() + LEDGER_TTL_MS,
      });
    } catch (err) {
      console.error('AT Keyring: the request ledger could not record a call', err);
    }
  }

  /** In one transaction: the record under `key`, or, when there is none, a new one saying the call started. */
  async #claim(key: string): Promise<RequestLedgerRecord | undefined> {
    const tx = this.db.transaction('requests', 'readwrite');
    const previous = await tx.store.get(key);
    if (!previous) void tx.store.put({ key, state: 'started', expiresAt: this.now() + LEDGER_TTL_MS });
    await tx.done;
    return previous;
  }

  #answerFrom(previous: RequestLedgerRecord, digest: string): XrpcResult {
    if (previous.state === 'started') {
      throw new ProviderRpcError(
        ErrorCode.internal,
        'AT Keyring restarted during this call; it may or may not have been applied',
        { reason: 'interrupted' },
      );
    }
    if (previous.digest !== digest) throw idReused();
    if (previous.response !== undefined) return previous.response as XrpcResult;
    throw new ProviderRpcError(
      ErrorCode.internal,
      'This call was applied; its answer was too large to keep for a re-sent request',
      { reason: 'replay-unavailable' },
    );
  }
}

function idReused(): ProviderRpcError {
  return new ProviderRpcError(ErrorCode.invalidParams, 'This request id belongs to a different request', {
    reason: 'id-reused',
  });
}

/** Roughly how many bytes a result takes in storage. */
function approximateSize(result: XrpcResult): number {
  const { body } = result;
  if (body instanceof Uint8Array) return body.byteLength;
  if (typeof body === 'string') return body.length * 2;
  try {
    return JSON.stringify(body ?? null).length * 2;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
