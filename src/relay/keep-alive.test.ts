import { describe, expect, it } from 'vitest';
import {
  documentKeepAliveHost,
  KEEP_ALIVE_INTERVAL_MS,
  KEEP_ALIVE_MIN_GAP_MS,
  type KeepAliveHost,
  startKeepAlive,
} from './keep-alive';

/** A document with a clock and timers the test moves by hand. */
function fakeHost(options: { isTopLevel?: boolean; visible?: boolean } = {}) {
  let now = 1_000_000;
  let visible = options.visible ?? true;
  const timers = new Map<number, { at: number; run: () => void }>();
  let nextTimer = 1;
  const listeners: (() => void)[] = [];
  const host: KeepAliveHost = {
    isTopLevel: options.isTopLevel ?? true,
    visible: () => visible,
    onVisibilityChange: (listener) => listeners.push(listener),
    now: () => now,
    setTimer: (run, ms) => {
      const id = nextTimer++;
      timers.set(id, { at: now + ms, run });
      return id;
    },
    clearTimer: (id) => timers.delete(id as number),
  };
  return {
    host,
    timers,
    /** Moves the clock, running each timer that falls due (and the pings' answers between them). */
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].run();
        await flush();
      }
      now = end;
    },
    async setVisible(value: boolean) {
      visible = value;
      for (const listener of listeners) listener();
      await flush();
    },
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function pings(answer: () => Promise<boolean> = async () => true) {
  const sent: number[] = [];
  const ping = () => {
    sent.push(sent.length + 1);
    return answer();
  };
  return { sent, ping };
}

describe('keep-alive', () => {
  it('sends nothing until a request of the page is answered, then one message per interval while visible', async () => {
    const doc = fakeHost();
    const p = pings();
    const keepAlive = startKeepAlive(doc.host, p.ping);
    await doc.advance(5 * KEEP_ALIVE_INTERVAL_MS);
    expect(p.sent).toHaveLength(0);
    keepAlive.engage();
    keepAlive.engage(); // a second answered request changes nothing
    await doc.advance(3 * KEEP_ALIVE_INTERVAL_MS);
    expect(p.sent).toHaveLength(3);
  });

  it('stops while the document is hidden, and sends one at once when it shows again', async () => {
    const doc = fakeHost();
    const p = pings();
    startKeepAlive(doc.host, p.ping).engage();
    await doc.advance(KEEP_ALIVE_INTERVAL_MS);
    expect(p.sent).toHaveLength(1);
    await doc.setVisible(false);
    await doc.advance(10 * KEEP_ALIVE_INTERVAL_MS);
    expect(p.sent).toHaveLength(1);
    expect(doc.timers.size).toBe(0);
    await doc.setVisible(true);
    expect(p.sent).toHaveLength(2);
    await doc.advance(KEEP_ALIVE_INTERVAL_MS);
    expect(p.sent).toHaveLength(3);
  });

  it('ends when the background says no (a site without a grant), until a request is answered again', async () => {
    const doc = fakeHost();
    let keep = false;
    const p = pings(async () => keep);
    const keepAlive = startKeepAlive(doc.host, p.ping);
    keepAlive.engage();
    await doc.advance(5 * KEEP_ALIVE_INTERVAL_MS);
    expect(p.sent).toHaveLength(1);
    await doc.setVisible(false);
    await doc.setVisible(true);
    expect(p.sent).toHaveLength(1);
    keep = true;
    keepAlive.engage();
    await doc.advance(2 * KEEP_ALIVE_INTERVAL_MS);
    expect(p.sent).toHaveLength(3);
  });

  it('ends when a message cannot be sent (the extension gone or restarting)', async () => {
    const doc = fakeHost();
    const p = pings(async () => {
      throw new Error('Extension context invalidated.');
    });
    startKeepAlive(doc.host, p.ping).engage();
    await doc.advance(5 * KEEP_ALIVE_INTERVAL_MS);
    expect(p.sent).toHaveLength(1);
    expect(doc.timers.size).toBe(0);
  });

  it('sends at most one message per minimum gap however often visibility flips, and one at a time', async () => {
    const doc = fakeHost();
    let release: (goOn: boolean) => void = () => {};
    const p = pings(() => new Promise<boolean>((resolve) => (release = resolve)));
    startKeepAlive(doc.host, p.ping).engage();
    await doc.advance(KEEP_ALIVE_INTERVAL_MS);
    expect(p.sent).toHaveLength(1); // still waiting for its answer
    for (let i = 0; i < 50; i++) {
      await doc.setVisible(false);
      await doc.setVisible(true);
    }
    expect(p.sent).toHaveLength(1);
    release(true);
    await flush();
    for (let i = 0; i < 50; i++) {
      await doc.setVisible(false);
      await doc.setVisible(true);
      release(true);
      await flush();
    }
    expect(p.sent).toHaveLength(1); // all within the gap of the first
    await doc.advance(KEEP_ALIVE_MIN_GAP_MS);
    await doc.setVisible(false);
    await doc.setVisible(true);
    expect(p.sent).toHaveLength(2);
  });

  it('does nothing in a frame: only a top-level document keeps the background', async () => {
    const doc = fakeHost({ isTopLevel: false });
    const p = pings();
    startKeepAlive(doc.host, p.ping).engage();
    await doc.advance(5 * KEEP_ALIVE_INTERVAL_MS);
    await doc.setVisible(false);
    await doc.setVisible(true);
    expect(p.sent).toHaveLength(0);
  });

  it("hears the browser's visibility changes, not a page's own visibilitychange events", () => {
    const seen: string[] = [];
    const target = new EventTarget();
    const win = { top: null, document: Object.assign(target, { visibilityState: 'visible' }) } as unknown as Window;
    (win as { top: unknown }).top = win;
    const host = documentKeepAliveHost(win);
    expect(host.isTopLevel).toBe(true);
    host.onVisibilityChange(() => seen.push('change'));
    // What a page can do: dispatch the event itself (isTrusted is false).
    target.dispatchEvent(new Event('visibilitychange'));
    expect(seen).toEqual([]);
    // What the browser does: a trusted event (isTrusted cannot be set by script; stood in for here).
    const trusted = new Event('visibilitychange');
    Object.defineProperty(trusted, 'isTrusted', { value: true });
    target.dispatchEvent(trusted);
    expect(seen).toEqual(['change']);
  });

  it('takes a frame whose parent is of another origin (top cannot be compared) for a frame', () => {
    const win = {
      get top(): Window {
        throw new DOMException('Blocked a frame', 'SecurityError');
      },
      document: new EventTarget(),
    } as unknown as Window;
    expect(documentKeepAliveHost(win).isTopLevel).toBe(false);
  });
});
