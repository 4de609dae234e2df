import { afterEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing';
import { ensureLoopbackPermission } from '../ui/popup/loopback-permission';
import { watchLoopbackRedirects } from './loopback-redirect';

afterEach(() => {
  vi.restoreAllMocks();
  fakeBrowser.reset();
});

describe('the loopback redirect, with webNavigation granted later', () => {
  it('adds its navigation listeners once the permission is granted, not before', async () => {
    const navigation = fakeBrowser.webNavigation;
    const seen: string[] = [];
    // A release build without the permission: the API is absent.
    vi.spyOn(browser, 'webNavigation', 'get').mockReturnValue(undefined as never);
    const added = vi.spyOn(navigation.onBeforeNavigate, 'addListener');
    let permissionAdded: (() => void) | undefined;
    vi.spyOn(browser.permissions.onAdded, 'addListener').mockImplementation((listener) => {
      permissionAdded = listener as () => void;
    });
    watchLoopbackRedirects((details) => seen.push(details.url));
    expect(added).not.toHaveBeenCalled();

    vi.spyOn(browser, 'webNavigation', 'get').mockReturnValue(navigation as never);
    permissionAdded?.();
    permissionAdded?.(); // listeners added once only
    expect(added).toHaveBeenCalledTimes(1);
    expect(added.mock.calls[0]?.[1]).toEqual({
      url: [{ hostEquals: '127.0.0.1', pathEquals: '/at-keyring/callback' }],
    });
    await navigation.onBeforeNavigate.trigger({
      url: 'http://127.0.0.1/at-keyring/callback#state=s',
      tabId: 3,
      frameId: 0,
    } as never);
    await navigation.onBeforeNavigate.trigger({
      url: 'http://127.0.0.1/at-keyring/callback#state=f',
      tabId: 3,
      frameId: 2,
    } as never);
    expect(seen).toEqual(['http://127.0.0.1/at-keyring/callback#state=s']); // top frames only
  });
});

describe('the loopback redirect, with webNavigation granted', () => {
  it('adds its navigation listeners at once, and no listener for permissions', () => {
    const added = vi.spyOn(fakeBrowser.webNavigation.onCommitted, 'addListener');
    const permissionListener = vi.spyOn(browser.permissions.onAdded, 'addListener');
    watchLoopbackRedirects(() => {});
    expect(added).toHaveBeenCalledTimes(1);
    expect(permissionListener).not.toHaveBeenCalled();
  });
});

describe('asking for webNavigation in the popup', () => {
  const manifest = (optional: string[]) =>
    vi.spyOn(browser.runtime, 'getManifest').mockReturnValue({ optional_permissions: optional } as never);

  it('asks only for the loopback client, and only where the build made it optional', async () => {
    const request = vi.spyOn(browser.permissions, 'request').mockResolvedValue(false as never);
    manifest(['webNavigation']);
    expect(await ensureLoopbackPermission('https://atkeyring.dev/oauth/client-metadata.json')).toBe(true);
    expect(await ensureLoopbackPermission(undefined)).toBe(true); // settings not read yet: the background decides
    expect(request).not.toHaveBeenCalled();
    expect(await ensureLoopbackPermission('')).toBe(false); // refused by the user
    expect(request).toHaveBeenCalledWith({ permissions: ['webNavigation'] });

    request.mockClear();
    manifest([]); // a development build: the permission is required, nothing to ask
    expect(await ensureLoopbackPermission('')).toBe(true);
    expect(request).not.toHaveBeenCalled();
  });
});
