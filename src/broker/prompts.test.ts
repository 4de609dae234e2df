import { describe, expect, it, vi } from 'vitest';
import { openKeyringDB } from '../storage/db';
import { PromptManager, type PromptWindows } from './prompts';

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
const opened = (w: { opened: string[] }, count = 1) => vi.waitFor(() => expect(w.opened.length).toBeGreaterThanOrEqual(count));

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

  it('survives a worker restart: a re-sent request finds its prompt, and a decision taken meanwhile is kept', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const w = windows();
    void new PromptManager(db, w).ask('https://a.example', 'r1', details, { digest: 'd' });
    await opened(w);
    // The worker dies; a new one starts with the same database.
    const restarted = new PromptManager(db, w);
    await restarted.decide(w.opened[0], { outcome: 'reject', reason: 'denied' });
    expect((await restarted.ask('https://a.example', 'r1', details, { digest: 'd' })).decision).toEqual({ outcome: 'reject', reason: 'denied' });
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
    await expect(prompts.ask('https://a.example', 'r1', broad, { digest: 'other' })).rejects.toMatchObject({ code: -32602, data: { reason: 'id-reused' } });
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
    await expect(prompts.ask('https://a.example', 'r2', details, { digest: 'd' })).rejects.toMatchObject({ code: -32002 });
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
    expect((await prompts.ask('https://a.example', 'r2', details, { digest: 'd' })).decision).toEqual({ outcome: 'reject', reason: 'expired' });
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
