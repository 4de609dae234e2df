import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const EXTENSION_PATHS = {
  chrome: path.join(ROOT, '.output/chrome-mv3'),
  firefox: path.join(ROOT, '.output/firefox-mv3'),
} as const;

/** Builds the extension as shipped, for each browser. Quiet unless it fails. */
export function buildExtension(browsers: (keyof typeof EXTENSION_PATHS)[] = ['chrome', 'firefox']): void {
  for (const browser of browsers) {
    try {
      execFileSync(path.join(ROOT, 'node_modules/.bin/wxt'), ['build', '-b', browser], { cwd: ROOT, stdio: 'pipe' });
    } catch (err) {
      const { stdout, stderr } = err as { stdout?: Buffer; stderr?: Buffer };
      console.error(`${stdout ?? ''}${stderr ?? ''}`);
      throw err;
    }
  }
}
