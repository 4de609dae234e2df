import path from 'node:path';
import { build } from 'esbuild';

export interface PageBundle {
  code: string;
  bytes: number;
}

/** The code the bench runs in the browser (bench/in-page/), each bundled into one script. */
export interface PageBundles {
  /** The direct page with @atproto/oauth-client-browser (its size is reported for comparison). */
  direct: PageBundle;
  brokered: PageBundle;
  /** A classic script, evaluated in the service worker and in the direct page. */
  instrument: PageBundle;
}

async function bundle(root: string, entry: string, format: 'esm' | 'iife'): Promise<PageBundle> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [path.join(root, entry)],
    bundle: true,
    format,
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
    conditions: ['browser', 'module', 'import', 'default'],
  });
  const code = result.outputFiles[0].text;
  return { code, bytes: Buffer.byteLength(code) };
}

/** Bundles bench/in-page/'s entry points into browser scripts. */
export async function bundlePages(root: string): Promise<PageBundles> {
  const [direct, brokered, instrument] = await Promise.all([
    bundle(root, 'bench/in-page/direct.ts', 'esm'),
    bundle(root, 'bench/in-page/brokered.ts', 'esm'),
    bundle(root, 'bench/in-page/instrument.ts', 'iife'),
  ]);
  return { direct, brokered, instrument };
}
