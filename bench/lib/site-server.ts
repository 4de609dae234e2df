import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Loopback: plain http counts as a secure origin only there, and the direct page's OAuth loopback client redirects to it. */
export const BENCH_HOST = '127.0.0.1';

export interface BenchSite {
  /** http://127.0.0.1:<port> */
  origin: string;
  close(): Promise<void>;
}

/**
 * A tiny website on 127.0.0.1: `/` serves `html`, and each entry of `files`
 * (path → JavaScript source) is served as a script. Everything else is a blank page.
 */
export async function startBenchSite(html: string, files: Record<string, string> = {}): Promise<BenchSite> {
  const server: Server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://x');
    const file = files[pathname];
    if (file !== undefined) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' }).end(file);
    } else if (pathname === '/favicon.ico') {
      res.writeHead(404).end();
    } else {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, BENCH_HOST, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${BENCH_HOST}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
