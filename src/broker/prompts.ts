import type { KeyringDB, PromptDecision, PromptDetails, PromptRecord } from '../storage/db';
import { ErrorCode, ProviderRpcError } from '../protocol/page';

export const PROMPT_TTL_MS = 5 * 60_000;

export interface PromptWindows {
  /** Opens the consent window for a prompt; returns its window id. */
  open(promptId: string): Promise<number | undefined>;
  close(windowId: number): Promise<void>;
}

/** What binds a prompt to the one request it was opened for. */
export interface PromptBinding {
  /** Digest of the request's canonical intent (see broker/intent.ts). */
  digest: string;
  /** The tab the request came from (at most one consent window per tab). */
  tabId?: number;
  /** The tab's top-level origin when the request comes from a frame of another origin. */
  topOrigin?: string;
}

/** The user's decision, with the details the consent window displayed (what a grant may be built from). */
export interface PromptAnswer {
  decision: PromptDecision;
  details: PromptDetails;
}

/**
 * Questions to the user, one per origin at a time. Prompts live in IndexedDB,
 * so a service-worker restart loses none: a re-sent page request (same
 * origin and request id) waits on the same prompt, and a decision taken while
 * no one was waiting is kept for it. A prompt belongs to one request: a
 * request that re-uses its id with different content is refused, so an
 * approval never goes to something the window did not show.
 */
export class PromptManager {
  #waiters = new Map<string, Set<(d: PromptDecision) => void>>();

  constructor(
    private readonly db: KeyringDB,
    private readonly windows: PromptWindows,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = PROMPT_TTL_MS,
  ) {}

  /** Asks the user and resolves with their decision (never rejects for a "no"). */
  async ask(origin: string, requestId: string, details: PromptDetails, binding: PromptBinding): Promise<PromptAnswer> {
    const pending = (await this.db.getAllFromIndex('prompts', 'origin', origin)).filter(
      (p) => p.expiresAt > this.now() || p.decision,
    );
    let prompt = pending.find((p) => p.requestId === requestId);
    if (prompt && prompt.digest !== binding.digest) {
      throw new ProviderRpcError(ErrorCode.invalidParams, 'This request id belongs to a different request', { reason: 'id-reused' });
    }
    if (!prompt) {
      if (pending.some((p) => !p.decision)) {
        throw new ProviderRpcError(ErrorCode.promptPending, 'A request from this site is already waiting for the user');
      }
      prompt = {
        id: crypto.randomUUID(),
        origin,
        requestId,
        kind: details.kind,
        createdAt: this.now(),
        expiresAt: this.now() + this.ttlMs,
        digest: binding.digest,
        details,
      };
      await this.db.put('prompts', prompt);
      const windowId = await this.windows.open(prompt.id).catch(() => undefined);
      if (windowId !== undefined) {
        prompt = { ...prompt, windowId };
        await this.db.put('prompts', prompt);
      }
    }
    const decision = prompt.decision ?? (await this.#wait(prompt));
    await this.db.delete('prompts', prompt.id);
    return { decision, details: prompt.details };
  }

  async #wait(prompt: PromptRecord): Promise<PromptDecision> {
    const decided = new Promise<PromptDecision>((resolve) => {
      const waiters = this.#waiters.get(prompt.id) ?? new Set();
      this.#waiters.set(prompt.id, waiters);
      const timer = setTimeout(
        () => void this.decide(prompt.id, { outcome: 'reject', reason: 'expired' }),
        Math.max(0, prompt.expiresAt - this.now()),
      );
      waiters.add((decision) => {
        clearTimeout(timer);
        resolve(decision);
      });
    });
    // A decision may have landed between reading the prompt and registering.
    const latest = await this.db.get('prompts', prompt.id);
    if (latest?.decision) this.#wake(prompt.id, latest.decision);
    return decided;
  }

  #wake(id: string, decision: PromptDecision) {
    const waiters = this.#waiters.get(id);
    this.#waiters.delete(id);
    waiters?.forEach((wake) => wake(decision));
  }

  async get(id: string): Promise<PromptRecord | undefined> {
    const prompt = await this.db.get('prompts', id);
    return prompt && !prompt.decision && prompt.expiresAt > this.now() ? prompt : undefined;
  }

  /** Records the user's decision (first one wins) and wakes whoever waits. */
  async decide(id: string, decision: PromptDecision): Promise<boolean> {
    const tx = this.db.transaction('prompts', 'readwrite');
    const prompt = await tx.store.get(id);
    if (!prompt || prompt.decision) {
      await tx.done;
      return false;
    }
    await tx.store.put({ ...prompt, decision });
    await tx.done;
    this.#wake(id, decision);
    if (prompt.windowId !== undefined && !(decision.outcome === 'reject' && decision.reason === 'closed')) {
      await this.windows.close(prompt.windowId).catch(() => {});
    }
    return true;
  }

  /** Closing the consent window is a rejection. */
  async windowClosed(windowId: number): Promise<void> {
    const prompts = await this.db.getAll('prompts');
    for (const p of prompts) {
      if (p.windowId === windowId && !p.decision) await this.decide(p.id, { outcome: 'reject', reason: 'closed' });
    }
  }

  /** Deletes prompts long past their expiry (decided or not). */
  async sweep(): Promise<void> {
    const tx = this.db.transaction('prompts', 'readwrite');
    let cursor = await tx.store.index('expiresAt').openCursor(IDBKeyRange.upperBound(this.now() - this.ttlMs));
    while (cursor) {
      await cursor.delete();
      cursor = await cursor.continue();
    }
    await tx.done;
  }
}
