import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { CURRENT_PDS_DIR, NODE24_BIN } from '../../scripts/toolchain';

export interface PdsInfo {
  pdsUrl: string;
  plcUrl: string;
  /** The PDS's own version, e.g. "0.4.217" (pinned target) or "0.5.35" (current). */
  pdsVersion: string;
  /** Every XRPC method the PDS registers a route for. */
  servedMethods: string[];
  accounts: Record<'alice' | 'bob', { did: string; handle: string; password: string; email: string }>;
}

const ROOT = path.resolve(import.meta.dirname, '../..');
const TLS_DIR = path.join(ROOT, 'e2e/support/tls');

/**
 * For e2e/hosted-client.e2e.ts: the PDS resolves the test client's hostname to 127.0.0.1 and trusts its
 * self-signed certificate, as it would a real client's site.
 */
const HOSTED_CLIENT_PDS_ENV = {
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${path.join(TLS_DIR, 'dns-map.cjs')}`.trim(),
  NODE_EXTRA_CA_CERTS: path.join(TLS_DIR, 'cert.pem'),
};

/**
 * The two PDS versions the e2e suites run against:
 * - pinned: `@atproto/dev-env` 0.3.215 (PDS 0.4.x) on the machine's Node, from the project's tree;
 * - current: `@atproto/dev-env` 0.6.x (PDS 0.5.x, what production servers run) on the pinned
 *   Node 24, from e2e/pds-current's own tree (installed by scripts/toolchain.ts).
 */
export type PdsTarget = 'pinned' | 'current';
export const PDS_TARGETS: readonly PdsTarget[] = ['pinned', 'current'];

/** The target named by E2E_PDS (default: pinned). */
export function pdsTargetFromEnv(): PdsTarget {
  const value = process.env.E2E_PDS ?? 'pinned';
  if (!(PDS_TARGETS as readonly string[]).includes(value))
    throw new Error(`E2E_PDS must be one of ${PDS_TARGETS.join(', ')}, not "${value}"`);
  return value as PdsTarget;
}

function launchCommand(target: PdsTarget): [string, string[]] {
  if (target === 'pinned') return [path.join(ROOT, 'node_modules/.bin/vite-node'), ['e2e/pds/start-pds.ts']];
  if (!existsSync(NODE24_BIN) || !existsSync(path.join(CURRENT_PDS_DIR, 'node_modules/@atproto/dev-env'))) {
    throw new Error('The current-PDS target is not installed: run `npm run setup:current-pds`');
  }
  return [NODE24_BIN, ['e2e/pds-current/start-pds.ts']];
}

/**
 * Starts the local PLC + PDS of a target as a child process and resolves
 * with its URLs and accounts once it prints its ready line.
 */
export async function startPdsProcess(
  target: PdsTarget = pdsTargetFromEnv(),
  ports: { pds?: number; plc?: number } = {},
): Promise<{ info: PdsInfo; stop(): Promise<void> }> {
  const [command, launchArgs] = launchCommand(target);
  const args = [
    ...launchArgs,
    ...(ports.pds ? ['--pds-port', String(ports.pds)] : []),
    ...(ports.plc ? ['--plc-port', String(ports.plc)] : []),
  ];
  const child: ChildProcess = spawn(command, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TMPDIR: process.env.TMPDIR ?? path.join(ROOT, '.tmp'), ...HOSTED_CLIENT_PDS_ENV },
  });
  // The PDS never outlives this process, however it ends (a runner's own signal handler may exit at once).
  const stopOnExit = () => void child.kill('SIGTERM');
  process.once('exit', stopOnExit);
  child.once('exit', () => process.off('exit', stopOnExit));
  const info = await new Promise<PdsInfo>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('The local PDS did not start within 120 s')), 120_000);
    child.once('exit', (code) => reject(new Error(`The local PDS exited early (code ${code})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes('"pdsUrl"')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line));
    });
  });
  return {
    info,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}
