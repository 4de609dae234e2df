import { describe, expect, it } from 'vitest';
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
const tick = () => new Promise((r) => setTimeout(r, 10));

describe('PromptManager', () => {
  it('resolves with the decision and closes the window', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const w = windows();
    const prompts = new PromptManager(db, w);
    const asked = prompts.ask('https://a.example', 'r1', details);
    await tick();
    expect(await prompts.decide(w.opened[0], { outcome: 'approve', did: 'did:plc:a' })).toBe(true);
    expect(await asked).toEqual({ outcome: 'approve', did: 'did:plc:a' });
    expect(w.closed).toEqual([1]);
    expect(await db.count('prompts')).toBe(0);
  });

  it('survives a worker restart: a re-sent request finds its prompt, and a decision taken meanwhile is kept', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const w = windows();
    void new PromptManager(db, w).ask('https://a.example', 'r1', details);
    await tick();
    // The worker dies; a new one starts with the same database.
    const restarted = new PromptManager(db, w);
    await restarted.decide(w.opened[0], { outcome: 'reject', reason: 'denied' });
    expect(await restarted.ask('https://a.example', 'r1', details)).toEqual({ outcome: 'reject', reason: 'denied' });
    expect(w.opened).toHaveLength(1);
  });

  it('re-attaches a re-sent request to a still-open prompt', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const w = windows();
    void new PromptManager(db, w).ask('https://a.example', 'r1', details);
    await tick();
    const restarted = new PromptManager(db, w);
    const again = restarted.ask('https://a.example', 'r1', details);
    await tick();
    await restarted.decide(w.opened[0], { outcome: 'approve' });
    expect(await again).toEqual({ outcome: 'approve' });
    expect(w.opened).toHaveLength(1);
  });

  it('refuses a second prompt for the same origin while one is open', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const prompts = new PromptManager(db, windows());
    void prompts.ask('https://a.example', 'r1', details);
    await tick();
    await expect(prompts.ask('https://a.example', 'r2', details)).rejects.toMatchObject({ code: -32002 });
  });

  it('treats a closed window as a rejection, and expires unanswered prompts', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const w = windows();
    const prompts = new PromptManager(db, w, Date.now, 50);
    const closed = prompts.ask('https://a.example', 'r1', details);
    await tick();
    await prompts.windowClosed(1);
    expect(await closed).toEqual({ outcome: 'reject', reason: 'closed' });
    expect(await prompts.ask('https://a.example', 'r2', details)).toEqual({ outcome: 'reject', reason: 'expired' });
  });

  it('takes only the first decision', async () => {
    const db = await openKeyringDB(`prompts-${++n}`);
    const w = windows();
    const prompts = new PromptManager(db, w);
    const asked = prompts.ask('https://a.example', 'r1', details);
    await tick();
    expect(await prompts.decide(w.opened[0], { outcome: 'reject', reason: 'denied' })).toBe(true);
    expect(await prompts.decide(w.opened[0], { outcome: 'approve' })).toBe(false);
    expect(await asked).toEqual({ outcome: 'reject', reason: 'denied' });
  });
});
