/**
 * The current PDS target: `@atproto/dev-env` 0.6.x (PDS 0.5.x, ESM-only)
 * from this folder's own node_modules, run directly by the pinned Node 24
 * (scripts/node24), which strips the types:
 *   <node24>/bin/node e2e/pds-current/start-pds.ts [--pds-port N] [--plc-port N] [--data-dir DIR] [--verbose]
 * `npm run pds:current` installs what it needs and does this.
 */
import { runPdsLauncher } from '../pds/launcher.ts';

runPdsLauncher(() => import('@atproto/dev-env'), import.meta.url);
