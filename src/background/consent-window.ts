/**
 * The size the consent window opens at (CSS px at 100 % zoom). Its layout (src/ui/consent/consent.css)
 * reflows down to half of it, the window at 200 % zoom; e2e/accessibility.e2e.ts checks that.
 */
export const CONSENT_WINDOW_SIZE = { width: 440, height: 640 } as const;
