import type { TestProject } from 'vitest/node';
import { buildExtension, EXTENSION_PATHS } from './build';
import { type PdsInfo, type PdsTarget, pdsTargetFromEnv, startPdsProcess } from './pds-process';

declare module 'vitest' {
  export interface ProvidedContext {
    pds: PdsInfo;
    pdsTarget: PdsTarget;
    chromeExtensionPath: string;
    firefoxExtensionPath: string;
  }
}

/**
 * Builds the extension as shipped (unless E2E_SKIP_BUILD=1: the test runner
 * builds once for both PDS targets) and starts one local PDS of the target
 * E2E_PDS names for all e2e files.
 */
export default async function setup(project: TestProject) {
  if (process.env.E2E_SKIP_BUILD !== '1') buildExtension();
  const target = pdsTargetFromEnv();
  const pds = await startPdsProcess(target);
  console.error(`[e2e] PDS target "${target}": PDS ${pds.info.pdsVersion}`);
  project.provide('pds', pds.info);
  project.provide('pdsTarget', target);
  project.provide('chromeExtensionPath', EXTENSION_PATHS.chrome);
  project.provide('firefoxExtensionPath', EXTENSION_PATHS.firefox);
  return () => pds.stop();
}
