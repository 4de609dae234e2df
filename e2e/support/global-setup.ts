import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startPdsProcess, type PdsInfo } from './pds-process';

const ROOT = path.resolve(import.meta.dirname, '../..');

declare module 'vitest' {
  export interface ProvidedContext {
    pds: PdsInfo;
    chromeExtensionPath: string;
    firefoxExtensionPath: string;
  }
}

/** Builds the extension as shipped and starts one local PDS for all e2e files. */
export default async function setup(project: TestProject) {
  if (process.env.E2E_SKIP_BUILD !== '1') {
    for (const browser of ['chrome', 'firefox']) {
      // Quiet unless it fails: the bundler's warnings about duplicated @atproto/did copies are noise here.
      try {
        execFileSync(path.join(ROOT, 'node_modules/.bin/wxt'), ['build', '-b', browser], { cwd: ROOT, stdio: 'pipe' });
      } catch (err) {
        const { stdout, stderr } = err as { stdout?: Buffer; stderr?: Buffer };
        console.error(`${stdout ?? ''}${stderr ?? ''}`);
        throw err;
      }
    }
  }
  const pds = await startPdsProcess();
  project.provide('pds', pds.info);
  project.provide('chromeExtensionPath', path.join(ROOT, '.output/chrome-mv3'));
  project.provide('firefoxExtensionPath', path.join(ROOT, '.output/firefox-mv3'));
  return () => pds.stop();
}
