/**
 * Keeps the background running while a site that uses AT Keyring is in front of the user. Chrome stops an
 * extension's idle service worker after about 30 s, and Firefox its idle event page: the next call of a site
 * then pays a whole start (bench section 3). A message from a content script resets that idle timer, so
 * the relay of a top-level document whose site is connected sends one every KEEP_ALIVE_INTERVAL_MS while the
 * document is visible, and none once it is hidden; coming back into view sends one at once, so the
 * background is starting while the user looks at the page rather than when they act.
 *
 * The background says whether to go on (only an origin with a grant is kept), and a "no" or a failed send
 * ends it until a request of the page is answered again. The page neither starts nor sees any of this.
 */

/** Under Chrome's 30 s idle timeout, with room for a throttled timer. */
export const KEEP_ALIVE_INTERVAL_MS = 20_000;
/**
 * The shortest time between two messages whatever happens: a page flipping its tab in and out of view
 * (or anything else that reaches the listeners) sends no more than one per this.
 */
export const KEEP_ALIVE_MIN_GAP_MS = 5_000;

/** What the keep-alive needs from its document (a test gives its own). */
export interface KeepAliveHost {
  /** A top-level document only: frames of a page would multiply the messages. */
  isTopLevel: boolean;
  visible(): boolean;
  /** Calls `listener` when the browser (never the page) says the document's visibility changed. */
  onVisibilityChange(listener: () => void): void;
  now(): number;
  setTimer(run: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
}

/** The keep-alive of the relay's own document, from its window. */
export function documentKeepAliveHost(win: Window): KeepAliveHost {
  let isTopLevel = false;
  try {
    isTopLevel = win.top === win;
  } catch {
    // A cross-origin parent is not readable: this is a frame.
  }
  return {
    isTopLevel,
    visible: () => win.document.visibilityState === 'visible',
    // The page shares the document's events with this world and can dispatch its own: only the browser's count.
    onVisibilityChange: (listener) =>
      win.document.addEventListener('visibilitychange', (event) => {
        if (event.isTrusted) listener();
      }),
    now: () => Date.now(),
    setTimer: (run, ms) => win.setTimeout(run, ms),
    clearTimer: (timer) => win.clearTimeout(timer as number),
  };
}

export interface KeepAlive {
  /** A request of the page was answered: the site uses AT Keyring, so keep the background while it shows. */
  engage(): void;
}

/**
 * `ping` sends one keep-alive message and resolves with the background's "go on" (false on any failure).
 */
export function startKeepAlive(
  host: KeepAliveHost,
  ping: () => Promise<boolean>,
  intervalMs = KEEP_ALIVE_INTERVAL_MS,
): KeepAlive {
  if (!host.isTopLevel) return { engage() {} };
  let engaged = false;
  let timer: unknown;
  let pinging = false;
  let lastPingAt = Number.NEGATIVE_INFINITY;
  const stopTimer = () => {
    if (timer !== undefined) host.clearTimer(timer);
    timer = undefined;
  };
  const schedule = () => {
    stopTimer();
    if (engaged && host.visible()) timer = host.setTimer(beat, intervalMs);
  };
  const beat = () => {
    timer = undefined;
    // One message at a time, and never two within the minimum gap (a scheduled beat is due long after it).
    if (pinging || host.now() - lastPingAt < KEEP_ALIVE_MIN_GAP_MS) return schedule();
    pinging = true;
    lastPingAt = host.now();
    void ping().then(
      (goOn) => {
        pinging = false;
        engaged = engaged && goOn;
        schedule();
      },
      () => {
        pinging = false;
        engaged = false;
        stopTimer();
      },
    );
  };
  host.onVisibilityChange(() => {
    if (!engaged) return;
    if (host.visible()) beat();
    else stopTimer();
  });
  return {
    engage() {
      if (engaged) return;
      engaged = true;
      schedule();
    },
  };
}
