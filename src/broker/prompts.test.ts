import { describe, expect, it, vi } from 'vitest';
import { openKeyringDB } from '../storage/db';
import { PROMPT_COOLDOWN_MS, PromptManager, type PromptWindows } from './prompts';

let n = 0;
function windows(): PromptWindows & { opened: string[]; closed: number[] } {
  const w = {
    opened: [] as string[],
    closed: [] as number[],
    async open(id: string) {
      w.opened.push(id);
      return w.opened.length;
    },
    async close(id: number) {
      w.closed.push(id);
    },
  };
  return w;
}
const details = { kind: 'connect' as const, scope: ['atproto'] };
/** Waits until the manager has opened `count` windows (no fixed sleeps: CI machines are slow). */
const opened = (w: { opened: string[] }, count = 1) =>
  vi.waitFor(() => expect(w.opened.length).toBeGreaterThanOrEqual(count));

describe('PromptManager', () => {
  it('resolves with the decision and closes the window', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const w = windows();
    const prompts = new PromptManager(db, w);
    const asked = prompts.ask('https://a.example', 'r1', details, { digest: 'd' });
    await opened(w);
    expect(await prompts.decide(w.opened[0], { outcome: 'approve', did: 'did:plc:a' })).toBe(true);
    expect((await asked).decision).toEqual({ outcome: 'approve', did: 'did:plc:a' });
    expect(w.closed).toEqual([1]);
    expect(await db.count('prompts')).toBe(0);
  });

  it('keeps the bytes a call sends with its prompt until the decision, and no longer', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const w = windows();
    const prompts = new PromptManager(db, w);
    const bytes = new Uint8Array([1, 2, 3]);
    void prompts.ask('https://a.example', 'r1', details, { digest: 'd', previewBytes: bytes });
    await opened(w);
    const id = w.opened[0]!;
    expect((await prompts.get(id))?.previewBytes).toEqual(bytes);
    // Decided by a restarted worker, so that no waiter deletes the record before it is read.
    await new PromptManager(db, w).decide(id, { outcome: 'reject', reason: 'denied' });
    const decided = await db.get('prompts', id);
    expect(decided?.decision).toEqual({ outcome: 'reject', reason: 'denied' });
    expect(decided && 'previewBytes' in decided).toBe(false);
  });

  it('survives a worker restart: a re-sent request finds its prompt, and a decision taken meanwhile is kept', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const w = windows();
    void new PromptManager(db, w).ask('https://a.example', 'r1', details, { digest: 'd' });
    await opened(w);
    // The worker dies; a new one starts with the same database.
    const restarted = new PromptManager(db, w);
    await restarted.decide(w.opened[0], { outcome: 'reject', reason: 'denied' });
    expect((await restarted.ask('https://a.example', 'r1', details, { digest: 'd' })).decision).toEqual({
      outcome: 'reject',
      reason: 'denied',
    });
    expect(w.opened).toHaveLength(1);
  });

  it('re-attaches a re-sent request to a still-open prompt', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const w = windows();
    void new PromptManager(db, w).ask('https://a.example', 'r1', details, { digest: 'd' });
    await opened(w);
    const restarted = new PromptManager(db, w);
    const again = restarted.ask('https://a.example', 'r1', details, { digest: 'd' });
    // Whether the re-sent request attached before or after the decision, it gets it.
    await restarted.decide(w.opened[0], { outcome: 'approve' });
    expect((await again).decision).toEqual({ outcome: 'approve' });
    expect(w.opened).toHaveLength(1);
  });

  it('binds a prompt to its request: the same id with other content is refused, and the answer carries what was displayed', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const w = windows();
    const prompts = new PromptManager(db, w);
    const asked = prompts.ask('https://a.example', 'r1', details, { digest: 'shown' });
    await opened(w);
    const broad = { kind: 'connect' as const, scope: ['atproto', 'transition:generic'] };
    await expect(prompts.ask('https://a.example', 'r1', broad, { digest: 'other' })).rejects.toMatchObject({
      code: -32602,
      data: { reason: 'id-reused' },
    });
    await prompts.decide(w.opened[0], { outcome: 'approve' });
    expect(await asked).toEqual({ decision: { outcome: 'approve' }, details });
    expect(w.opened).toHaveLength(1);
  });

  it('refuses a second prompt for the same origin while one is open', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const w = windows();
    const prompts = new PromptManager(db, w);
    void prompts.ask('https://a.example', 'r1', details, { digest: 'd' });
    await opened(w);
    await expect(prompts.ask('https://a.example', 'r2', details, { digest: 'd' })).rejects.toMatchObject({
      code: -32002,
    });
  });

  it('treats a closed window as a rejection', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const w = windows();
    const prompts = new PromptManager(db, w);
    const closed = prompts.ask('https://a.example', 'r1', details, { digest: 'd' });
    // The window id is recorded once the window exists.
    await vi.waitFor(async () => expect((await db.getAll('prompts'))[0]?.windowId).toBe(1));
    await prompts.windowClosed(1);
    expect((await closed).decision).toEqual({ outcome: 'reject', reason: 'closed' });
  });

  it('expires unanswered prompts', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const prompts = new PromptManager(db, windows(), Date.now, 50);
    expect((await prompts.ask('https://a.example', 'r2', details, { digest: 'd' })).decision).toEqual({
      outcome: 'reject',
      reason: 'expired',
    });
  });

  it('takes only the first decision', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const w = windows();
    const prompts = new PromptManager(db, w);
    const asked = prompts.ask('https://a.example', 'r1', details, { digest: 'd' });
    await opened(w);
    expect(await prompts.decide(w.opened[0], { outcome: 'reject', reason: 'denied' })).toBe(true);
    expect(await prompts.decide(w.opened[0], { outcome: 'approve' })).toBe(false);
    expect((await asked).decision).toEqual({ outcome: 'reject', reason: 'denied' });
  });
});

describe('PromptManager: flooding limits', () => {
  /** A clock the test moves by hand. */
  const manualClock = (start = 1_000_000) => {
    let t = start;
    return { now: () => t, advance: (ms: number) => void (t += ms) };
  };

  it('allows one consent window per tab: another origin in the same tab gets -32002 tab-busy, another tab may ask', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const w = windows();
    const prompts = new PromptManager(db, w);
    const first = prompts.ask('https://frame-a.example', 'r1', details, {
      digest: 'd',
      tabId: 7,
      topOrigin: 'https://top.example',
    });
    await opened(w);
    await expect(
      prompts.ask('https://frame-b.example', 'r1', details, { digest: 'd', tabId: 7 }),
    ).rejects.toMatchObject({
      code: -32002,
      data: { reason: 'tab-busy' },
    });
    expect(w.opened).toHaveLength(1);
    // Another tab is not affected.
    const other = prompts.ask('https://frame-b.example', 'r1', details, { digest: 'd', tabId: 8 });
    await opened(w, 2);
    // The tab and top-level site are on the record (the window shows the site; the limit survives restarts).
    expect(await db.get('prompts', w.opened[0])).toMatchObject({ tabId: 7, topOrigin: 'https://top.example' });
    // A new worker still sees the tab as busy.
    await expect(
      new PromptManager(db, w).ask('https://frame-c.example', 'r1', details, { digest: 'd', tabId: 7 }),
    ).rejects.toMatchObject({
      data: { reason: 'tab-busy' },
    });
    await prompts.decide(w.opened[0], { outcome: 'approve' });
    await prompts.decide(w.opened[1], { outcome: 'approve' });
    expect((await first).decision.outcome).toBe('approve');
    expect((await other).decision.outcome).toBe('approve');
    // Once answered, the tab is free again.
    void prompts.ask('https://frame-c.example', 'r1', details, { digest: 'd', tabId: 7 });
    await opened(w, 3);
  });

  it('lets only one of many frames asking at once open a window', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const w = windows();
    const prompts = new PromptManager(db, w);
    const asks = Array.from({ length: 6 }, (_, i) =>
      prompts.ask(`https://frame-${i}.example`, 'r1', details, { digest: 'd', tabId: 3 }).then(
        () => 'answered',
        (e: unknown) => e,
      ),
    );
    await opened(w);
    const refused = await Promise.all(
      asks.map((a) => Promise.race([a, new Promise((r) => setTimeout(() => r('waiting'), 100))])),
    );
    expect(refused.filter((r) => r === 'waiting')).toHaveLength(1);
    expect(refused.filter((r) => r !== 'waiting')).toEqual(
      Array(5).fill(expect.objectContaining({ code: -32002, data: { reason: 'tab-busy' } })),
    );
    expect(w.opened).toHaveLength(1);
  });

  it('does not store a top-level origin equal to the requesting one', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const w = windows();
    void new PromptManager(db, w).ask('https://a.example', 'r1', details, {
      digest: 'd',
      tabId: 1,
      topOrigin: 'https://a.example',
    });
    await opened(w);
    expect((await db.get('prompts', w.opened[0]))?.topOrigin).toBeUndefined();
  });

  for (const how of ['denied', 'closed'] as const) {
    it(`after a rejection (${how}) refuses the origin with 4001 cooldown without a window, until the cooldown ends`, async () => {
      const db = await openKeyringDB(`prompts-${++n}`);
      const w = windows();
      const clock = manualClock();
      const prompts = new PromptManager(db, w, clock.now, 60_000, 10_000);
      const asked = prompts.ask('https://a.example', 'r1', details, { digest: 'd', tabId: 1 });
      await vi.waitFor(async () => expect((await db.getAll('prompts'))[0]?.windowId).toBe(1));
      if (how === 'denied') await prompts.decide(w.opened[0], { outcome: 'reject', reason: 'denied' });
      else await prompts.windowClosed(1);
      expect((await asked).decision).toEqual({ outcome: 'reject', reason: how });

      clock.advance(4_000);
      await expect(prompts.ask('https://a.example', 'r2', details, { digest: 'd', tabId: 1 })).rejects.toMatchObject({
        code: 4001,
        data: { reason: 'cooldown', retryAfterMs: 6_000 },
      });
      // In another tab too: the cooldown belongs to the origin.
      await expect(prompts.ask('https://a.example', 'r3', details, { digest: 'd', tabId: 2 })).rejects.toMatchObject({
        code: 4001,
        data: { reason: 'cooldown' },
      });
      expect(w.opened).toHaveLength(1);
      // Other origins may ask meanwhile.
      void prompts.ask('https://b.example', 'r1', details, { digest: 'd', tabId: 1 });
      await opened(w, 2);

      clock.advance(6_000);
      void prompts.ask('https://a.example', 'r4', details, { digest: 'd', tabId: 2 });
      await opened(w, 3);
    });
  }

  it('starts no cooldown after an expiry or an approval', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const w = windows();
    const quick = new PromptManager(db, w, Date.now, 30, 60_000);
    expect((await quick.ask('https://a.example', 'r1', details, { digest: 'd' })).decision).toEqual({
      outcome: 'reject',
      reason: 'expired',
    });
    const prompts = new PromptManager(db, w, Date.now, 60_000, 60_000);
    const approved = prompts.ask('https://a.example', 'r2', details, { digest: 'd' });
    await opened(w, 2);
    await prompts.decide(w.opened[1], { outcome: 'approve' });
    expect((await approved).decision.outcome).toBe('approve');
    void prompts.ask('https://a.example', 'r3', details, { digest: 'd' });
    await opened(w, 3);
  });

  it('keeps the cooldown across a worker restart', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const w = windows();
    const clock = manualClock();
    void new PromptManager(db, w, clock.now).ask('https://a.example', 'r1', details, { digest: 'd' });
    await opened(w);
    await new PromptManager(db, w, clock.now).decide(w.opened[0], { outcome: 'reject', reason: 'denied' });
    // That worker dies too; a new one starts with the same database.
    clock.advance(1_000);
    const restarted = new PromptManager(db, w, clock.now);
    await expect(restarted.ask('https://a.example', 'r2', details, { digest: 'd' })).rejects.toMatchObject({
      code: 4001,
      data: { reason: 'cooldown', retryAfterMs: PROMPT_COOLDOWN_MS - 1_000 },
    });
    // Sweeping keeps a running cooldown and removes an ended one.
    await restarted.sweep();
    expect(await db.get('meta', 'promptCooldown:https://a.example')).toBeDefined();
    clock.advance(PROMPT_COOLDOWN_MS);
    await restarted.sweep();
    expect(await db.get('meta', 'promptCooldown:https://a.example')).toBeUndefined();
    void restarted.ask('https://a.example', 'r3', details, { digest: 'd' });
    await opened(w, 2);
  });

  it('answers a re-sent rejected request with its recorded decision, not the cooldown', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const w = windows();
    void new PromptManager(db, w).ask('https://a.example', 'r1', details, { digest: 'd', tabId: 1 });
    await opened(w);
    // The worker dies before the page hears the answer; the user denies meanwhile.
    const restarted = new PromptManager(db, w);
    await restarted.decide(w.opened[0], { outcome: 'reject', reason: 'closed' });
    expect((await restarted.ask('https://a.example', 'r1', details, { digest: 'd', tabId: 1 })).decision).toEqual({
      outcome: 'reject',
      reason: 'closed',
    });
    // A new request is in the cooldown.
    await expect(restarted.ask('https://a.example', 'r2', details, { digest: 'd', tabId: 1 })).rejects.toMatchObject({
      code: 4001,
      data: { reason: 'cooldown' },
    });
    expect(w.opened).toHaveLength(1);
  });
});

describe('PromptManager: what the window says about the site', () => {
  it('remembers that the user answered one of an origin’s prompts (approve, deny, close), not an expiry', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const w = windows();
    const prompts = new PromptManager(db, w, Date.now, 60_000, 0);
    expect(await prompts.answeredBefore('https://a.example')).toBe(false);
    // An expiry is no answer.
    const quick = new PromptManager(db, w, Date.now, 0, 0);
    expect((await quick.ask('https://a.example', 'r0', details, { digest: 'd' })).decision.outcome).toBe('reject');
    expect(await prompts.answeredBefore('https://a.example')).toBe(false);
    const answers = [
      { outcome: 'reject', reason: 'denied' },
      { outcome: 'approve', did: 'did:plc:a' },
    ] as const;
    for (const [i, answer] of answers.entries()) {
      const origin = `https://site${i}.example`;
      const before = w.opened.length;
      const asked = prompts.ask(origin, 'r1', details, { digest: 'd' });
      await opened(w, before + 1);
      expect(await prompts.answeredBefore(origin)).toBe(false);
      await prompts.decide(w.opened[before], answer);
      await asked;
      expect(await prompts.answeredBefore(origin)).toBe(true);
    }
    const windowId = w.opened.length + 1;
    const closing = prompts.ask('https://closed.example', 'r1', details, { digest: 'd' });
    await vi.waitFor(async () =>
      expect((await db.getAll('prompts')).find((p) => p.origin === 'https://closed.example')?.windowId).toBe(windowId),
    );
    await prompts.windowClosed(windowId);
    await closing;
    expect(await prompts.answeredBefore('https://closed.example')).toBe(true);
    // Per origin: another origin is still new.
    expect(await prompts.answeredBefore('https://other.example')).toBe(false);
    // A worker restart keeps it.
    expect(await new PromptManager(db, w).answeredBefore('https://site0.example')).toBe(true);
  });

  it('stores the tab’s icon for the tab’s own site, never for a frame of another', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const w = windows();
    const prompts = new PromptManager(db, w);
    const tabIcon = { pageUrl: 'https://a.example/', favIconUrl: 'data:image/png;base64,AAAA' };
    void prompts.ask('https://a.example', 'r1', details, { digest: 'd', tabId: 1, tabIcon });
    void prompts.ask('https://b.example', 'r1', details, {
      digest: 'd',
      tabId: 2,
      topOrigin: 'https://top.example',
      tabIcon,
    });
    await opened(w, 2);
    const stored = await db.getAll('prompts');
    expect(stored.find((p) => p.origin === 'https://a.example')?.tabIcon).toEqual(tabIcon);
    expect(stored.find((p) => p.origin === 'https://b.example')?.tabIcon).toBeUndefined();
  });
});
