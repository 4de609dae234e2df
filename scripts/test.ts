/**
 * The test command (`npm test`), one phase after another, with the time each
 * took printed at the end (and kept in .tmp/test-phases.txt for .ci/run):
 *   format and lint (Biome) · typecheck · unit tests on the machine's Node · unit tests on Node 24 ·
 *   build the extension once · e2e against each PDS target · web-ext lint.
 * The Node 24 / current-PDS install (network and a native build) runs in the
 * background meanwhile.
 *
 *   vite-node scripts/test.ts [--only e2e] [--pds pinned|current]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildExtension } from '../e2e/support/build';
import { PDS_TARGETS, type PdsTarget } from '../e2e/support/pds-process';
import { NODE24_BIN, node24Env } from './toolchain';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'node_modules/.bin');
const TMP = path.join(ROOT, '.tmp');

const { values } = parseArgs({
  options: { only: { type: 'string' }, pds: { type: 'string', multiple: true } },
});
if (values.only !== undefined && values.only !== 'e2e') throw new Error('--only takes "e2e"');
const targets = (values.pds ?? PDS_TARGETS) as PdsTarget[];
for (const t of targets) if (!PDS_TARGETS.includes(t)) throw new Error(`--pds takes ${PDS_TARGETS.join(' or ')}`);

const timings: { name: string; seconds: number }[] = [];

/** Runs a command to completion; `log` sends its output to a file instead of the terminal. */
function exec(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; log?: string } = {}): Promise<void> {
  const out = opts.log ? openSync(opts.log, 'w') : 'inherit';
  const child = spawn(command, args, { cwd: ROOT, env: opts.env ?? process.env, stdio: ['ignore', out, out] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`${path.basename(command)} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

async function phase(name: string, work: () => Promise<void> | void): Promise<void> {
  console.log(`\n── ${name}`);
  const started = performance.now();
  try {
    await work();
  } finally {
    timings.push({ name, seconds: (performance.now() - started) / 1000 });
  }
}

/** The Node 24 / current-PDS install, begun now, awaited where it is needed. */
function startToolchainInstall(): Promise<void> {
  mkdirSync(TMP, { recursive: true });
  const log = path.join(TMP, 'toolchain.log');
  const started = performance.now();
  return exec(path.join(BIN, 'vite-node'), ['scripts/setup-current-pds.ts'], { log }).then(
    () =>
      void timings.push({
        name: 'Node 24 + current PDS install (in the background)',
        seconds: (performance.now() - started) / 1000,
      }),
    (err) => {
      process.stderr.write(readFileSync(log, 'utf8'));
      throw err;
    },
  );
}

const vitest = (args: string[], env?: NodeJS.ProcessEnv) => exec(path.join(BIN, 'vitest'), args, { env });

async function main() {
  const needsCurrent = values.only === undefined || targets.includes('current');
  const toolchain = needsCurrent ? startToolchainInstall() : Promise.resolve();
  toolchain.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled

  if (values.only === undefined) {
    await phase('format and lint (Biome)', () => exec(path.join(BIN, 'biome'), ['ci', '.']));
    await phase('typecheck', () => exec('npm', ['run', '--silent', 'typecheck']));
    await phase(`unit tests, Node ${process.versions.node}`, () => vitest(['run']));
  }
  await phase('build the extension (Chrome, Firefox)', () => buildExtension());
  await phase('wait for the Node 24 install', () => toolchain);
  if (values.only === undefined) {
    await phase('unit tests, Node 24', () =>
      exec(NODE24_BIN, [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run'], { env: node24Env() }),
    );
  }
  for (const target of targets) {
    await phase(`e2e, ${target} PDS`, () =>
      vitest(['run', '--config', 'vitest.e2e.config.ts'], { ...process.env, E2E_PDS: target, E2E_SKIP_BUILD: '1' }),
    );
  }
  if (values.only === undefined)
    await phase('web-ext lint (Firefox build)', () => exec('npm', ['run', '--silent', 'lint:firefox']));
}

function report(failed: unknown) {
  const width = Math.max(...timings.map((t) => t.name.length));
  const lines = timings.map((t) => `  ${t.name.padEnd(width)}  ${t.seconds.toFixed(1).padStart(7)} s`);
  const text = `Test phases${failed ? ' (stopped by a failure)' : ''}:\n${lines.join('\n')}\n`;
  mkdirSync(TMP, { recursive: true });
  writeFileSync(path.join(TMP, 'test-phases.txt'), text);
  console.log(`\n${text}`);
}

main().then(
  () => report(undefined),
  (err) => {
    report(err);
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
