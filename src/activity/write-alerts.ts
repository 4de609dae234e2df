import { type KeyringDB, readMeta } from '../storage/db';
import type { CallObserver } from './call-report';
import { badgeText, badgeTitle, notificationText } from './write-alert-text';
import { addChanges, type ChangeCount, changeTotal, plainSnippet, type WriteSummary, writeOf } from './write-summary';

/** The alarm that wakes the background when the badge's window passes or a held notification is due. */
export const WRITE_ALERTS_ALARM = 'write-alerts';
/** How long a write keeps the toolbar badge lit. */
export const WRITE_WINDOW_MS = 5 * 60_000;
/** At most one notification per site in this time; writes in between are gathered into the next one. */
export const NOTIFY_INTERVAL_MS = 30_000;
/** Writes are counted in time slices this long, so a flood of writes keeps a bounded state. */
const SLICE_MS = 10_000;
/** The most sites the badge's state keeps (the oldest go first). */
const MAX_SITES = 100;

/** The browser's surfaces, bound in the background (src/background/alert-surface.ts). */
export interface AlertSurface {
  /** Lights the toolbar badge (text and tooltip), or clears it (null). */
  setBadge(badge: { text: string; title: string } | null): Promise<void>;
  notify(id: string, text: { title: string; message: string }): Promise<void>;
  /** Wakes the background at `at` (epoch ms) to call {@link WriteAlerts.tick}; null: no wake-up needed. */
  wakeAt(at: number | null): Promise<void>;
}

/** What is kept across worker restarts (one `meta` row): the MV3 worker may sleep between two writes. */
export interface WriteAlertState {
  /** Per site, its changes in the window: [slice start, changes] pairs, oldest first. */
  recent: Record<string, [number, number][]>;
  /** Per site marked "notify": when its last notification showed, and the writes held back since. */
  notices: Record<string, { shownAt: number; held?: { dids: string[]; changes: ChangeCount[] } }>;
}

/** A site that wrote in the window, as the popup lists it. */
export interface RecentSiteWrites {
  origin: string;
  changes: number;
}

export interface WriteAlertDeps {
  db: KeyringDB;
  surface: AlertSurface;
  /** The handle to name an account by in a notification. */
  handleOf(did: string): Promise<string | undefined>;
  /** Whether the site still has a grant (the "notify" setting belongs to connected sites). */
  isConnected(origin: string): Promise<boolean>;
  now?: () => number;
}

const notifyKey = (origin: string) => `notifyWrites:${origin}` as const;
const NOTIFY_KEYS = IDBKeyRange.bound('notifyWrites:', 'notifyWrites:\uffff');

/**
 * The toolbar badge and the per-site notifications for writes sites made on the user's behalf (a call report
 * observer). The badge is global, not per tab: a write from a tab in the background, a closed tab or a frame is
 * exactly the one the user did not see happen, and a per-tab badge would show it only on that tab.
 * Reads cost nothing here: the observer returns before any storage for everything but an accepted write.
 */
export class WriteAlerts {
  readonly #now: () => number;
  #state: WriteAlertState | undefined;
  /** The state as last stored, so a tick that changed nothing writes nothing. */
  #stored = '';
  #queue: Promise<unknown> = Promise.resolve();
  readonly #notifying = new Map<string, boolean>();
  /** Sites whose setting a revoke cleared, by the revoke's undo token: an undo puts the setting back. */
  readonly #clearedByRevoke = new Map<string, string>();

  constructor(private readonly deps: WriteAlertDeps) {
    this.#now = deps.now ?? Date.now;
  }

  readonly observe: CallObserver = (report) => {
    const write = writeOf(report);
    if (!write || write.changes.length === 0) return;
    return this.#serial(() => this.#recordWrite(write));
  };

  /** Drops what the window has passed, shows held notifications that are due, and redraws the badge. */
  tick(): Promise<void> {
    return this.#serial(async () => {
      await this.#settle(await this.#load());
    });
  }

  /** Sites that wrote in the window, busiest first. */
  async recent(): Promise<{ sites: RecentSiteWrites[]; windowMinutes: number }> {
    const state = await this.#serial(() => this.#load());
    return { sites: sitesIn(state, this.#now()), windowMinutes: WRITE_WINDOW_MS / 60_000 };
  }

  async notifies(origin: string): Promise<boolean> {
    const cached = this.#notifying.get(origin);
    if (cached !== undefined) return cached;
    const on = (await readMeta(this.deps.db.transaction('meta').store, notifyKey(origin))) === true;
    if (this.#notifying.size >= 1000) this.#notifying.clear();
    this.#notifying.set(origin, on);
    return on;
  }

  async setNotify(origin: string, on: boolean): Promise<void> {
    if (on) await this.deps.db.put('meta', true, notifyKey(origin));
    else await this.deps.db.delete('meta', notifyKey(origin));
    this.#notifying.set(origin, on);
  }

  /** Forgets the "notify" setting of sites that are no longer connected (after a sign-out). */
  async forgetDisconnected(): Promise<void> {
    const keys = (await this.deps.db.getAllKeys('meta', NOTIFY_KEYS)) as string[];
    for (const key of keys) {
      const origin = key.slice('notifyWrites:'.length);
      if (!(await this.deps.isConnected(origin))) await this.setNotify(origin, false);
    }
  }

  /** The user revoked (some of) a site's grants: a site left without any loses its setting, until an undo. */
  async siteRevoked(origin: string, undoToken: string): Promise<void> {
    if ((await this.deps.isConnected(origin)) || !(await this.notifies(origin))) return;
    await this.setNotify(origin, false);
    if (this.#clearedByRevoke.size >= 100) this.#clearedByRevoke.clear();
    this.#clearedByRevoke.set(undoToken, origin);
  }

  /** The user undid a revoke: the setting it cleared comes back if the site is connected again. */
  async revokeUndone(undoToken: string): Promise<void> {
    const origin = this.#clearedByRevoke.get(undoToken);
    this.#clearedByRevoke.delete(undoToken);
    if (origin && (await this.deps.isConnected(origin))) await this.setNotify(origin, true);
  }

  /** One at a time: concurrent writes must not lose each other's counts. */
  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => {});
    return run;
  }

  async #load(): Promise<WriteAlertState> {
    if (!this.#state) {
      const stored = await readMeta(this.deps.db.transaction('meta').store, 'writeAlerts');
      this.#state = stored ?? { recent: {}, notices: {} };
      // Nothing stored reads as the empty state: a wake-up with nothing to show writes nothing.
      this.#stored = JSON.stringify(this.#state);
    }
    return this.#state;
  }

  async #recordWrite(write: WriteSummary): Promise<void> {
    const state = await this.#load();
    const now = this.#now();
    const slice = Math.floor(now / SLICE_MS) * SLICE_MS;
    const slices = state.recent[write.origin] ?? [];
    const last = slices.at(-1);
    if (last?.[0] === slice) last[1] += changeTotal(write.changes);
    else slices.push([slice, changeTotal(write.changes)]);
    delete state.recent[write.origin];
    state.recent[write.origin] = slices; // most recent site last, so the cap drops the oldest
    for (const origin of Object.keys(state.recent).slice(0, -MAX_SITES)) delete state.recent[origin];

    if (await this.notifies(write.origin)) {
      const notice = state.notices[write.origin];
      if (notice && (notice.held || now - notice.shownAt < NOTIFY_INTERVAL_MS)) {
        notice.held ??= { dids: [], changes: [] };
        const held = notice.held;
        if (!held.dids.includes(write.did)) held.dids.push(write.did);
        addChanges(held.changes, write.changes);
      } else {
        state.notices[write.origin] = { shownAt: now };
        await this.#show(write.origin, [write.did], write.changes, write.text, false);
      }
    }
    await this.#settle(state);
  }

  async #settle(state: WriteAlertState): Promise<void> {
    const now = this.#now();
    for (const [origin, slices] of Object.entries(state.recent)) {
      const kept = slices.filter(([start]) => start + SLICE_MS + WRITE_WINDOW_MS > now);
      if (kept.length) state.recent[origin] = kept;
      else delete state.recent[origin];
    }
    for (const [origin, notice] of Object.entries(state.notices)) {
      if (now - notice.shownAt < NOTIFY_INTERVAL_MS) continue;
      if (notice.held && (await this.notifies(origin))) {
        state.notices[origin] = { shownAt: now };
        await this.#show(origin, notice.held.dids, notice.held.changes, undefined, true);
      } else {
        delete state.notices[origin];
      }
    }
    const sites = sitesIn(state, now);
    const total = sites.reduce((n, s) => n + s.changes, 0);
    await this.deps.surface.setBadge(
      total ? { text: badgeText(total), title: badgeTitle(sites, WRITE_WINDOW_MS / 60_000) } : null,
    );
    await this.deps.surface.wakeAt(nextWake(state));
    const serialised = JSON.stringify(state);
    if (serialised === this.#stored) return;
    await this.deps.db.put('meta', state, 'writeAlerts');
    this.#stored = serialised;
  }

  async #show(origin: string, dids: string[], changes: ChangeCount[], text: string | undefined, gathered: boolean) {
    const handles = await Promise.all(dids.map(async (did) => (await this.deps.handleOf(did)) ?? did));
    const snippet = text === undefined ? undefined : plainSnippet(text);
    const words = notificationText({ origin, handles, changes, snippet, gathered });
    try {
      await this.deps.surface.notify(`write-alert:${origin}:${this.#now()}`, words);
    } catch (err) {
      console.error('AT Keyring: a write notification failed', err);
    }
  }
}

function sitesIn(state: WriteAlertState, now: number): RecentSiteWrites[] {
  return Object.entries(state.recent)
    .map(([origin, slices]) => ({
      origin,
      changes: slices.filter(([start]) => start + SLICE_MS + WRITE_WINDOW_MS > now).reduce((n, [, c]) => n + c, 0),
    }))
    .filter((s) => s.changes > 0)
    .sort((a, b) => b.changes - a.changes || a.origin.localeCompare(b.origin));
}

/** When something changes next: the oldest slice leaves the window, or a held notification falls due. */
function nextWake(state: WriteAlertState): number | null {
  const times = [
    ...Object.values(state.recent).flatMap((slices) => slices.map(([start]) => start + SLICE_MS + WRITE_WINDOW_MS)),
    ...Object.values(state.notices).flatMap((n) => (n.held ? [n.shownAt + NOTIFY_INTERVAL_MS] : [])),
  ];
  return times.length ? Math.min(...times) : null;
}
