import type { TabIconRef } from '../consent/site-icon';
import { ErrorCode, ProviderRpcError } from '../protocol/page';
import {
  type KeyringDB,
  type PromptCooldown,
  type PromptDecision,
  type PromptDetails,
  type PromptRecord,
  readMeta,
  type SiteAnswered,
} from '../storage/db';

export const PROMPT_TTL_MS = 5 * 60_000;
/**
 * After the user says no (Deny, or closing the window), the same origin may
 * not open another prompt for this long: it is refused at once with 4001
 * `{ reason: 'cooldown', retryAfterMs }`. An expired prompt (the user did
 * nothing for PROMPT_TTL_MS) starts no cooldown: it was no answer, and it
 * already limits that origin to one window per five minutes.
 */
export const PROMPT_COOLDOWN_MS = 10_000;

/** Key in the `meta` store of an origin's cooldown ({ until }); survives worker restarts. */
const COOLDOWN_PREFIX = 'promptCooldown:';
const cooldownKey = (origin: string) => `${COOLDOWN_PREFIX}${origin}` as const;

/** Key in the `meta` store recording that the user answered a prompt of an origin (see SiteAnswered). */
const ANSWERED_PREFIX = 'siteAnswered:';
const answeredKey = (origin: string) => `${ANSWERED_PREFIX}${origin}` as const;

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
  /** The tab's icon, when the request comes from the tab's own site. */
  tabIcon?: TabIconRef;
  /** The bytes the call sends, kept with the prompt for the window's preview (see PromptRecord). */
  previewBytes?: Uint8Array;
}

/** The user's decision, with the details the consent window displayed (what a grant may be built from). */
export interface PromptAnswer {
  decision: PromptDecision;
  details: PromptDetails;
}

/**
 * Questions to the user, one per origin and one per tab at a time. Prompts
 * live in IndexedDB, so a service-worker restart loses none: a re-sent page
 * request (same origin and request id) waits on the same prompt, and a
 * decision taken while no one was waiting is kept for it. A prompt belongs
 * to one request: a request that re-uses its id with different content is
 * refused, so an approval never goes to something the window did not show.
 *
 * Against flooding: a second origin asking in a tab that already has a
 * consent window open is refused (-32002 `tab-busy`), so frames of one page
 * cannot stack windows; and an origin the user just turned down is refused
 * without a window for PROMPT_COOLDOWN_MS (4001 `cooldown`).
 */
export class PromptManager {
  #waiters = new Map<string, Set<(d: PromptDecision) => void>>();

  constructor(
    private readonly db: KeyringDB,
    private readonly windows: PromptWindows,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = PROMPT_TTL_MS,
    private readonly cooldownMs = PROMPT_COOLDOWN_MS,
  ) {}

  /** Asks the user and resolves with their decision (never rejects for a "no"). */
  async ask(origin: string, requestId: string, details: PromptDetails, binding: PromptBinding): Promise<PromptAnswer> {
    const found = await this.#findOrCreate(origin, requestId, details, binding);
    let prompt = found.prompt;
    if (found.created) {
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

  /**
   * Finds the prompt of a re-sent request, or checks the limits and records a
   * new one, in one transaction: concurrent requests (frames of one page
   * asking at once) cannot both pass the checks.
   */
  async #findOrCreate(
    origin: string,
    requestId: string,
    details: PromptDetails,
    binding: PromptBinding,
  ): Promise<{ prompt: PromptRecord; created: boolean }> {
    const now = this.now();
    const tx = this.db.transaction(['prompts', 'meta'], 'readwrite');
    const prompts = tx.objectStore('prompts');
    let outcome: { prompt: PromptRecord; created: boolean } | ProviderRpcError;
    const live = (await prompts.getAll()).filter((p) => p.expiresAt > now || p.decision);
    const fromOrigin = live.filter((p) => p.origin === origin);
    const existing = fromOrigin.find((p) => p.requestId === requestId);
    if (existing) {
      outcome =
        existing.digest === binding.digest
          ? { prompt: existing, created: false }
          : new ProviderRpcError(ErrorCode.invalidParams, 'This request id belongs to a different request', {
              reason: 'id-reused',
            });
    } else {
      const cooldown = await readMeta(tx.objectStore('meta'), cooldownKey(origin));
      if (cooldown && cooldown.until > now) {
        outcome = new ProviderRpcError(
          ErrorCode.userRejected,
          'The user just rejected a request from this site; try again later',
          {
            reason: 'cooldown',
            retryAfterMs: cooldown.until - now,
          },
        );
      } else if (fromOrigin.some((p) => !p.decision)) {
        outcome = new ProviderRpcError(
          ErrorCode.promptPending,
          'A request from this site is already waiting for the user',
        );
      } else if (binding.tabId !== undefined && live.some((p) => !p.decision && p.tabId === binding.tabId)) {
        outcome = new ProviderRpcError(
          ErrorCode.promptPending,
          'Another request in this tab is already waiting for the user',
          { reason: 'tab-busy' },
        );
      } else {
        const prompt: PromptRecord = {
          id: crypto.randomUUID(),
          origin,
          requestId,
          kind: details.kind,
          createdAt: now,
          expiresAt: now + this.ttlMs,
          digest: binding.digest,
          details,
        };
        if (binding.tabId !== undefined) prompt.tabId = binding.tabId;
        if (binding.topOrigin && binding.topOrigin !== origin) prompt.topOrigin = binding.topOrigin;
        else if (binding.tabIcon) prompt.tabIcon = binding.tabIcon;
        if (binding.previewBytes) prompt.previewBytes = binding.previewBytes;
        await prompts.put(prompt);
        outcome = { prompt, created: true };
      }
    }
    await tx.done;
    if (outcome instanceof ProviderRpcError) throw outcome;
    return outcome;
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
    for (const wake of waiters ?? []) wake(decision);
  }

  async get(id: string): Promise<PromptRecord | undefined> {
    const prompt = await this.db.get('prompts', id);
    return prompt && !prompt.decision && prompt.expiresAt > this.now() ? prompt : undefined;
  }

  /** Whether the user ever answered a prompt of this origin (see ANSWERED_PREFIX). */
  async answeredBefore(origin: string): Promise<boolean> {
    return (await readMeta(this.db.transaction('meta').store, answeredKey(origin))) !== undefined;
  }

  /** Records the user's decision (first one wins) and wakes whoever waits. */
  async decide(id: string, decision: PromptDecision): Promise<boolean> {
    const tx = this.db.transaction(['prompts', 'meta'], 'readwrite');
    const prompts = tx.objectStore('prompts');
    const prompt = await prompts.get(id);
    if (!prompt || prompt.decision) {
      await tx.done;
      return false;
    }
    // Decided, the window's preview is over: its bytes go now, the record when the request has its answer.
    const { previewBytes: _done, ...decided } = prompt;
    await prompts.put({ ...decided, decision });
    const meta = tx.objectStore('meta');
    // A "no" from the user (not an expiry) holds the origin off for a while.
    if (decision.outcome === 'reject' && decision.reason !== 'expired' && this.cooldownMs > 0) {
      const cooldown: PromptCooldown = { until: this.now() + this.cooldownMs };
      await meta.put(cooldown, cooldownKey(prompt.origin));
    }
    const answered = !(decision.outcome === 'reject' && decision.reason === 'expired');
    if (answered && !(await readMeta(meta, answeredKey(prompt.origin)))) {
      const record: SiteAnswered = { firstAt: this.now() };
      await meta.put(record, answeredKey(prompt.origin));
    }
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

  /** Deletes prompts long past their expiry (decided or not), and cooldowns that have ended. */
  async sweep(): Promise<void> {
    const now = this.now();
    const tx = this.db.transaction(['prompts', 'meta'], 'readwrite');
    let cursor = await tx
      .objectStore('prompts')
      .index('expiresAt')
      .openCursor(IDBKeyRange.upperBound(now - this.ttlMs));
    while (cursor) {
      await cursor.delete();
      cursor = await cursor.continue();
    }
    let meta = await tx.objectStore('meta').openCursor(IDBKeyRange.bound(COOLDOWN_PREFIX, `${COOLDOWN_PREFIX}\uffff`));
    while (meta) {
      if (((meta.value as PromptCooldown | undefined)?.until ?? 0) <= now) await meta.delete();
      meta = await meta.continue();
    }
    await tx.done;
  }
}
