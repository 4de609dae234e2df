import path from 'node:path';
import { build } from 'esbuild';

/** Bundles bench/direct-page/main.ts (with @atproto/oauth-client-browser) into one browser ESM script. */
export async function bundleDirectPage(root: string): Promise<{ code: string; bytes: number }> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [path.join(root, 'bench/direct-page/main.ts')],
    bundle: true,
    format: 'esm',
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
