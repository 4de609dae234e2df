/**
 * The PDS launcher's command line, shared by both targets' entry points
 * (`e2e/pds/start-pds.ts`: the pinned dev-env on the machine's Node;
 * `e2e/pds-current/start-pds.ts`: today's dev-env on Node 24). Starts the
 * local PLC + PDS and prints one JSON line on stdout:
 *   {"pdsUrl":"http://localhost:…","plcUrl":"http://localhost:…","pdsVersion":"…","accounts":{…}}
 * then runs until SIGINT/SIGTERM, when it shuts down, deletes its data and
 * exits with code 0.
 *
 * Options: [--pds-port N] [--plc-port N] [--data-dir DIR] [--verbose]
 *
 * Plain erasable TypeScript with explicit `.ts` imports: Node 24 runs it
 * as it is (type stripping), vite-node runs it on Node 20.
 *
 * Only the JSON line goes to stdout (so a parent process can parse it); our
 * diagnostics go to stderr. --verbose turns on the PDS/PLC pino logs, which
 * pino writes straight to fd 1 (stdout) unless LOG_DESTINATION=<file> is set;
 * the ready line is then the one with a "pdsUrl" key. (LOG_DESTINATION can't
 * be /dev/stderr: opening it fails with ENXIO when stderr is a socket, as
 * with Node's child_process pipes.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type DevEnvModule, type ExpressRouterProto, type LocalNetwork, startLocalNetwork } from './local-network.ts';

/**
 * Runs the launcher with this tree's `@atproto/dev-env` (imported by the
 * caller, so it resolves from the caller's node_modules); `entryUrl` is the
 * caller's `import.meta.url`, where the PDS package's version is looked up.
 */
export function runPdsLauncher(loadDevEnv: () => Promise<DevEnvModule>, entryUrl: string): void {
  const { values } = parseArgs({
    options: {
      'pds-port': { type: 'string' },
      'plc-port': { type: 'string' },
      'data-dir': { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });

  const toPort = (v: string | undefined) => (v === undefined ? undefined : Number(v));

  let networkPromise: Promise<LocalNetwork> | undefined;
  let stopping = false;

  async function stop(signal: NodeJS.Signals) {
    // A second signal while closing means "really quit now".
    if (stopping) process.exit(1);
    stopping = true;
    console.error(`[start-pds] ${signal}: closing`);
    try {
      // Also covers a signal that arrives while still starting.
      await (await networkPromise)?.close();
      process.exit(0);
    } catch (err) {
      console.error('[start-pds] close failed', err);
      process.exit(1);
    }
  }

  async function main() {
    const started = performance.now();
    networkPromise = startLocalNetwork({
      pdsPort: toPort(values['pds-port']),
      plcPort: toPort(values['plc-port']),
      dataDir: values['data-dir'],
      verbose: values.verbose,
      loadDevEnv,
      expressRouter: expressRouterOf(entryUrl),
    });
    const network = await networkPromise;
    if (stopping) return; // stop() is closing it
    process.stdout.write(
      `${JSON.stringify({
        pdsUrl: network.pdsUrl,
        plcUrl: network.plcUrl,
        pdsVersion: installedVersion(entryUrl, '@atproto/pds'),
        accounts: network.accounts,
        servedMethods: network.servedMethods,
      })}\n`,
    );
    console.error(`[start-pds] ready in ${Math.round(performance.now() - started)} ms (data: ${network.dataDir})`);
  }

  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  // Deliberately not awaited: vite-node keeps its own SIGTERM (and stdin
  // "end") handler, which calls process.exit() without our cleanup, until the
  // entry module has finished evaluating. Returning right away removes it.
  main().catch((err) => {
    console.error('[start-pds] failed to start', err);
    process.exit(1);
  });
}

/** The version of a package as the caller's tree resolves it (the PDS's health endpoint only reports a configured one). */
function installedVersion(entryUrl: string, name: string): string {
  let dir = path.dirname(createRequire(entryUrl).resolve(name));
  for (; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name: found, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
    if (found === name && version) return version;
  }
  throw new Error(`Cannot find the version of ${name}`);
}

/** The express Router the PDS's XRPC server was built with, resolved from the caller's tree. */
function expressRouterOf(entryUrl: string): ExpressRouterProto {
  const fromXrpcServer = createRequire(
    createRequire(createRequire(entryUrl).resolve('@atproto/pds')).resolve('@atproto/xrpc-server'),
  );
  return (fromXrpcServer('express') as { Router: ExpressRouterProto }).Router;
}
