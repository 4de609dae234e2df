import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing';
import { recordLexicons } from './src/consent/record-lexicons.plugin.ts';

// Unit tests: logic in src/, with fake-indexeddb standing in for IndexedDB
// and WXT's fake browser for extension APIs. Tests sit beside what they test
// (`x.test.ts`); set-up several of them share sits beside them too, as
// `x.fixture.ts`: not collected as tests, and lint keeps it out of shipped
// code (biome.jsonc). The SDK's tests are in sdk/test/, outside its build.
export default defineConfig({
  plugins: [WxtVitest(), recordLexicons()],
  // Resolve packages as the extension's bundler does (e.g. jose's WebCrypto
  // build rather than its Node KeyObject build).
  resolve: { conditions: ['browser', 'module', 'import', 'default'] },
  ssr: { resolve: { conditions: ['browser', 'module', 'import', 'default'], externalConditions: ['browser'] } },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'tests/**/*.test.ts', 'sdk/**/*.test.ts', 'bench/**/*.test.ts'],
    setupFiles: ['fake-indexeddb/auto', './src/locales/messages-setup.fixture.ts'],
    environment: 'node',
  },
});
