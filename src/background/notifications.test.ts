import { afterEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing';
import {
  onNotificationClicked,
  showNotification,
  type WorkerNotificationScope,
  workerNotificationScope,
} from './notifications';

afterEach(() => {
  vi.restoreAllMocks();
  fakeBrowser.reset();
});

type ClickListener = Parameters<WorkerNotificationScope['addEventListener']>[1];

/** A service worker's scope: the notifications it showed, and its notificationclick listeners. */
function fakeWorker() {
  const shown: { title: string; options: { body: string; tag: string; icon: string } }[] = [];
  const listeners: ClickListener[] = [];
  const scope: WorkerNotificationScope = {
    registration: {
      async showNotification(title, options) {
        shown.push({ title, options });
      },
    },
    addEventListener: (_type, listener) => listeners.push(listener),
  };
  /** Clicks the notification with this tag, as the browser would; what the handler made it wait for. */
  const click = async (tag: string) => {
    const closed = vi.fn();
    let waited: Promise<unknown> | undefined;
    for (const listener of listeners) {
      listener({ notification: { tag, close: closed }, waitUntil: (p) => (waited = p) });
    }
    await waited;
    return { closed: closed.mock.calls.length > 0, waited: waited !== undefined };
  };
  return { scope, shown, listeners, click };
}

describe('notifications in a service worker (Chromium)', () => {
  it('shows through the registration: the id is the tag (a later one replaces it), with our icon', async () => {
    const worker = fakeWorker();
    const create = vi.spyOn(browser.notifications, 'create');
    await showNotification('session-expiry:did:plc:a', { title: 'Sign in again', message: 'soon' }, worker.scope);
    expect(worker.shown).toEqual([
      {
        title: 'Sign in again',
        options: { body: 'soon', tag: 'session-expiry:did:plc:a', icon: browser.runtime.getURL('/icon/128.png') },
      },
    ]);
    expect(create).not.toHaveBeenCalled();
  });

  it('hears clicks with a plain listener, closing only what the handler dealt with, and keeps the worker for it', async () => {
    const worker = fakeWorker();
    const clickedListener = vi.spyOn(browser.notifications.onClicked, 'addListener');
    const seen: string[] = [];
    onNotificationClicked(async (id) => {
      seen.push(id);
      return id.startsWith('session-expiry:');
    }, worker.scope);
    expect(worker.listeners).toHaveLength(1);
    expect(clickedListener).not.toHaveBeenCalled();

    expect(await worker.click('session-expiry:did:plc:a')).toEqual({ closed: true, waited: true });
    expect(await worker.click('writes:https://site.example')).toEqual({ closed: false, waited: true });
    expect(seen).toEqual(['session-expiry:did:plc:a', 'writes:https://site.example']);
  });

  it('finds the worker scope only where a registration can show notifications', () => {
    const worker = fakeWorker().scope;
    expect(workerNotificationScope(worker)).toBe(worker);
    expect(workerNotificationScope({})).toBeUndefined();
    expect(workerNotificationScope({ registration: {} })).toBeUndefined();
  });
});

describe('notifications in an event page (Firefox)', () => {
  it('shows and hears clicks through the notifications API, clearing what the handler dealt with', async () => {
    const create = vi.spyOn(browser.notifications, 'create').mockResolvedValue('id' as never);
    const clear = vi.spyOn(browser.notifications, 'clear').mockResolvedValue(true as never);
    await showNotification('session-expiry:did:plc:a', { title: 'Sign in again', message: 'soon' }, undefined);
    expect(create).toHaveBeenCalledWith('session-expiry:did:plc:a', {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title: 'Sign in again',
      message: 'soon',
    });

    const handled = new Set(['session-expiry:did:plc:a']);
    onNotificationClicked((id) => handled.has(id), undefined);
    await fakeBrowser.notifications.onClicked.trigger('writes:https://site.example');
    expect(clear).not.toHaveBeenCalled();
    await fakeBrowser.notifications.onClicked.trigger('session-expiry:did:plc:a');
    expect(clear).toHaveBeenCalledWith('session-expiry:did:plc:a');
  });
});
