import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { APPROVE_DELAY_MS, ApprovalGuard } from './approval-guard';

describe('ApprovalGuard (consent buttons held off after the window appears or comes back)', () => {
  let win: EventTarget;
  let doc: EventTarget & { visibilityState: DocumentVisibilityState };
  let changes: boolean[];
  let guard: ApprovalGuard;

  beforeEach(() => {
    vi.useFakeTimers();
    win = new EventTarget();
    doc = Object.assign(new EventTarget(), { visibilityState: 'visible' as DocumentVisibilityState });
    changes = [];
    guard = new ApprovalGuard(win, doc, (armed) => changes.push(armed));
  });
  afterEach(() => {
    guard.dispose();
    vi.useRealTimers();
  });

  it('arms only after the delay once the window appears', () => {
    expect(guard.armed).toBe(false);
    vi.advanceTimersByTime(APPROVE_DELAY_MS - 1);
    expect(guard.armed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(guard.armed).toBe(true);
    expect(changes).toEqual([true]);
  });

  it('disarms on blur and re-arms only a delay after focus comes back', () => {
    vi.advanceTimersByTime(APPROVE_DELAY_MS);
    win.dispatchEvent(new Event('blur'));
    expect(guard.armed).toBe(false);
    vi.advanceTimersByTime(10 * APPROVE_DELAY_MS);
    expect(guard.armed).toBe(false);
    win.dispatchEvent(new Event('focus'));
    expect(guard.armed).toBe(false);
    vi.advanceTimersByTime(APPROVE_DELAY_MS - 1);
    expect(guard.armed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(guard.armed).toBe(true);
  });

  it('a focus while armed (the click that focuses the window) disarms at once', () => {
    vi.advanceTimersByTime(APPROVE_DELAY_MS);
    win.dispatchEvent(new Event('focus'));
    expect(guard.armed).toBe(false);
    vi.advanceTimersByTime(APPROVE_DELAY_MS);
    expect(guard.armed).toBe(true);
  });

  it('stays off while hidden and restarts the delay when visible again', () => {
    vi.advanceTimersByTime(APPROVE_DELAY_MS);
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(guard.armed).toBe(false);
    vi.advanceTimersByTime(10 * APPROVE_DELAY_MS);
    expect(guard.armed).toBe(false);
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    vi.advanceTimersByTime(APPROVE_DELAY_MS - 1);
    expect(guard.armed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(guard.armed).toBe(true);
  });

  it('a blur during the delay keeps it off', () => {
    vi.advanceTimersByTime(APPROVE_DELAY_MS / 2);
    win.dispatchEvent(new Event('blur'));
    vi.advanceTimersByTime(APPROVE_DELAY_MS);
    expect(guard.armed).toBe(false);
  });

  it('stops listening when disposed', () => {
    guard.dispose();
    win.dispatchEvent(new Event('focus'));
    vi.advanceTimersByTime(APPROVE_DELAY_MS);
    expect(guard.armed).toBe(false);
  });
});
