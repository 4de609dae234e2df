import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';

export interface PdsInfo {
  pdsUrl: string;
  plcUrl: string;
  accounts: Record<'alice' | 'bob', { did: string; handle: string; password: string; email: string }>;
}

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Starts the local PLC + PDS (e2e/pds/start-pds.ts) as a child process and
 * resolves with its URLs and accounts once it prints its ready line.
 */
export async function startPdsProcess(): Promise<{ info: PdsInfo; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(path.join(ROOT, 'node_modules/.bin/vite-node'), ['e2e/pds/start-pds.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TMPDIR: process.env.TMPDIR ?? path.join(ROOT, '.tmp') },
  });
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
