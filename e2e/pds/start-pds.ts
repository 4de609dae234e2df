/**
 * The pinned PDS target: `@atproto/dev-env` 0.3.215 (PDS 0.4.x) from the
 * project's own node_modules, on the machine's Node (vite-node).
 *   node_modules/.bin/vite-node e2e/pds/start-pds.ts [--pds-port N] [--plc-port N] [--data-dir DIR] [--verbose]
 */
import { runPdsLauncher } from './launcher.ts';

runPdsLauncher(() => import('@atproto/dev-env'), import.meta.url);
