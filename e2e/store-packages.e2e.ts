import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const zipPath = (kind: 'chrome' | 'firefox' | 'sources') =>
  path.join(ROOT, `.output/at-keyring-${version}-${kind}.zip`);

function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, stdio: 'pipe', encoding: 'utf8' });
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

/** Every file under `dir`, relative, sorted. */
function files(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

// The packages do not depend on the PDS: built and checked once, in the pinned target's run.
describe.skipIf(inject('pdsTarget') !== 'pinned')('store packages (npm run zip)', () => {
  it('builds the store zips; the Firefox sources zip rebuilds the Firefox zip byte for byte', async () => {
    run('npm', ['run', '--silent', 'zip'], ROOT);

    const chrome = JSON.parse(run('unzip', ['-p', zipPath('chrome'), 'manifest.json'], ROOT));
    // The store refuses a manifest `key`; webNavigation only for the loopback client, on request.
    expect(chrome.key).toBeUndefined();
    expect(chrome.permissions).not.toContain('webNavigation');
    expect(chrome.optional_permissions).toEqual(['webNavigation']);
    const firefox = JSON.parse(run('unzip', ['-p', zipPath('firefox'), 'manifest.json'], ROOT));
    expect(firefox.browser_specific_settings.gecko.id).toBe('keyring@atkeyring.dev');

    // What a reviewer does (README, "Store packages"): unpack the sources in a clean folder, install, build.
    // The install is the project's own node_modules, linked: CI reaches no registry for a second `npm ci`.
    const work = await mkdtemp(path.join(os.tmpdir(), 'at-keyring-sources-'));
    try {
      const sources = path.join(work, 'sources');
      const shipped = path.join(work, 'shipped');
      run('unzip', ['-q', zipPath('sources'), '-d', sources], work);
      run('unzip', ['-q', zipPath('firefox'), '-d', shipped], work);
      expect(files(sources)).not.toContain('node_modules');
      symlinkSync(path.join(ROOT, 'node_modules'), path.join(sources, 'node_modules'));
      run('npm', ['run', '--silent', 'build:firefox:release'], sources);

      const rebuilt = path.join(sources, '.output/firefox-mv3-release');
      expect(files(rebuilt)).toEqual(files(shipped));
      for (const file of files(shipped)) {
        expect(readFileSync(path.join(rebuilt, file)).equals(readFileSync(path.join(shipped, file))), file).toBe(true);
      }
      // The build is the store's: no path of the machine it was made on.
      expect(readFileSync(path.join(shipped, 'background.js'), 'utf8')).not.toContain(ROOT);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }, 300_000);

  it('the worker and the relay carry no webextension-polyfill; the extension pages still do', () => {
    // A string only the polyfill has: so the check finds it where it is, and cannot pass by looking for nothing.
    const POLYFILL = 'api-metadata.json has not been included in browser-polyfill';
    for (const kind of ['chrome', 'firefox'] as const) {
      const listing = run('unzip', ['-Z1', zipPath(kind)], ROOT).split('\n');
      const read = (file: string) => run('unzip', ['-p', zipPath(kind), file], ROOT);
      expect(read('background.js'), `${kind} background.js`).not.toContain(POLYFILL);
      expect(read('content-scripts/relay.js'), `${kind} relay.js`).not.toContain(POLYFILL);
      const chunks = listing.filter((f) => f.startsWith('chunks/') && f.endsWith('.js'));
      expect(
        chunks.some((f) => read(f).includes(POLYFILL)),
        `${kind}: a page chunk with the polyfill`,
      ).toBe(true);
    }
  });
});
