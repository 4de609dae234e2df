import { defineConfig } from 'vitest/config';

// End-to-end: the built extension in Debian's Chromium against a real local
// PDS (started once in global setup). Files run one at a time: they share the
// PDS and each drives a whole browser.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    environment: 'node',
  },
});
