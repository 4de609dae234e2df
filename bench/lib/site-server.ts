import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Loopback: plain http counts as a secure origin only there, and the direct page's OAuth loopback client redirects to it. */
export const BENCH_HOST = '127.0.0.1';

export interface BenchSite {
  /** http://127.0.0.1:<port> */
  origin: string;
  /** The next JSON body the page POSTs to /report (in the order they came), within `timeoutMs`. */
  nextReport(timeoutMs: number): Promise<unknown>;
  close(): Promise<void>;
}

/** A page's POST to /report: how a page that no driver is attached to hands the bench its figures. */
const REPORT_PATH = '/report';

/**
 * A tiny website on 127.0.0.1: `/` serves `html`, and each entry of `files`
 * (path → JavaScript source) is served as a script; a POST to /report is kept for `nextReport`.
 * Everything else is a blank page.
 */
export async function startBenchSite(html: string, files: Record<string, string> = {}): Promise<BenchSite> {
  const reports: unknown[] = [];
  let reported: (() => void) | undefined;
  const server: Server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://x');
    const file = files[pathname];
    if (req.method === 'POST' && pathname === REPORT_PATH) {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        body += chunk;
      });
      req.on('end', () => {
        try {
          reports.push(JSON.parse(body));
        } catch {
          reports.push({ error: `unreadable report: ${body.slice(0, 100)}` });
        }
        reported?.();
        res.writeHead(204).end();
      });
    } else if (file !== undefined) {
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
    async nextReport(timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (!reports.length) {
        const left = until - Date.now();
        if (left <= 0) throw new Error(`no report from the page within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          reported = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      return reports.shift();
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
