import type { Page } from 'playwright-core';
import { CONSENT_WINDOW_SIZE } from '../../src/background/consent-window';

/**
 * The consent window's inner size: its 440 × 640 less the title bar and the read-only address bar of a
 * popup window (about 80 px in Chromium on Linux). Headless Chromium ignores the size an extension asks
 * for (its windows are 1280 × 720), so tests and screenshots give the page this size themselves.
 */
export const CONSENT_WINDOW_INNER = {
  width: CONSENT_WINDOW_SIZE.width,
  height: CONSENT_WINDOW_SIZE.height - 80,
} as const;

/**
 * Gives the consent window its inner size and sets the browser's own zoom of its tab
 * (chrome.tabs.setZoom, what Ctrl + does): the layout then sees what a user at that zoom sees, a
 * viewport of 1/zoom the CSS pixels, devicePixelRatio = zoom, media queries on the zoomed size. (CSS
 * `zoom` on the root would keep the viewport and the vh units as they are, and a device-metrics
 * override with a scale factor would change the pixels but not the layout: neither is what a user
 * who zooms gets.)
 */
export async function zoomConsentWindow(consent: Page, factor: number): Promise<void> {
  await consent.setViewportSize(CONSENT_WINDOW_INNER);
  await consent.evaluate(async (zoom) => {
    const tabs = (globalThis as any).chrome.tabs;
    const tab = await tabs.getCurrent();
    await tabs.setZoomSettings(tab.id, { scope: 'per-tab' });
    await tabs.setZoom(tab.id, zoom);
  }, factor);
  await consent.waitForFunction((zoom) => window.devicePixelRatio === zoom, factor);
}

/** Presses a key in a window that the key may close (Escape in the consent window). */
export async function pressClosing(page: Page, key: string): Promise<void> {
  await page.keyboard.press(key).catch((err: Error) => {
    if (!/has been closed|Target closed/.test(err.message)) throw err;
  });
}
