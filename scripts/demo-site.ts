import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';

const SITE_DIR = path.resolve(import.meta.dirname, '../demo-site');

/** Bundles the demo's script (the SDK and @atproto/api included) for the browser. */
export async function buildDemoSite(): Promise<void> {
  await build({
    entryPoints: [path.join(SITE_DIR, 'app.ts')],
    outfile: path.join(SITE_DIR, 'dist/app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'warning',
  });
}

/** Builds and serves demo-site/ on 127.0.0.1 (a web page, as a site using the extension sees it). */
export async function startDemoSite(port = 0): Promise<{ url: string; close(): Promise<void> }> {
  await buildDemoSite();
  const server = createServer(async (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const file = path.normalize(path.join(SITE_DIR, pathname === '/' ? 'index.html' : pathname));
    if (!file.startsWith(SITE_DIR)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      const type = file.endsWith('.html')
        ? 'text/html'
        : file.endsWith('.js')
          ? 'text/javascript'
          : file.endsWith('.map')
            ? 'application/json'
            : 'application/octet-stream';
      res.writeHead(200, { 'content-type': `${type}; charset=utf-8` }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
