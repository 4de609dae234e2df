import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestSite {
  /** Paths of the echo calls that reached the service (after any delay). */
  hits: string[];
  /** Every XRPC path (with query) that reached the service, whatever the method. */
  xrpcHits: string[];
  /** The atproto-accept-labelers header of each getTimeline call. */
  labelerHeaders: string[];
  /** http://127.0.0.1:<port> — the page origin. */
  origin: string;
  /** did:web:localhost%3A<port> — the same server as an ATProto service (for proxy tests). */
  serviceDid: string;
  close(): Promise<void>;
}

/**
 * A website for e2e tests: a blank page (tests drive `window.atproto` from
 * Playwright), plus a tiny ATProto service — a did:web document and one XRPC
 * method that echoes the service-auth JWT claims the PDS proxied to it.
 */
export async function startTestSite(): Promise<TestSite> {
  let port = 0;
  const hits: string[] = [];
  const xrpcHits: string[] = [];
  const labelerHeaders: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/xrpc/')) xrpcHits.push(url.pathname + url.search);
    if (url.pathname === '/.well-known/did.json') {
      const did = `did:web:localhost%3A${port}`;
      // Readable from other origins, as public DID documents are (the consent window looks services up).
      res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' }).end(
        JSON.stringify({
          '@context': ['https://www.w3.org/ns/did/v1'],
          id: did,
          service: [
            { id: '#test_svc', type: 'TestService', serviceEndpoint: `http://localhost:${port}` },
            { id: '#bsky_appview', type: 'BskyAppView', serviceEndpoint: `http://localhost:${port}` },
          ],
        }),
      );
      return;
    }
    if (url.pathname === '/xrpc/com.example.test.echo' || url.pathname === '/xrpc/com.example.test.echoProcedure') {
      // ?delay=<ms> makes it slow, for fault tests.
      const delay = Math.min(Number(url.searchParams.get('delay') ?? 0), 60_000);
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      hits.push(url.pathname + url.search);
      const auth = req.headers.authorization ?? '';
      const jwt = auth.replace(/^Bearer /, '');
      let claims: unknown = null;
      try {
        claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString());
      } catch {}
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ claims, query: url.search }));
      return;
    }
    if (url.pathname === '/xrpc/com.example.test.bigProcedure') {
      // A procedure whose answer is ?kib=N kibibytes of JSON.
      const kib = Math.min(Number(url.searchParams.get('kib') ?? 1), 4096);
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ pad: 'x'.repeat(kib * 1024) }));
      return;
    }
    if (url.pathname === '/xrpc/app.bsky.feed.getTimeline') {
      // A stand-in AppView: an empty timeline, valid against the lexicon.
      hits.push(url.pathname + url.search);
      labelerHeaders.push(String(req.headers['atproto-accept-labelers'] ?? ''));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ feed: [], cursor: 'end' }));
      return;
    }
    if (url.pathname.startsWith('/xrpc/')) {
      res.writeHead(501, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'MethodNotImplemented' }));
      return;
    }
    if (url.pathname === '/csp-sandbox') {
      // How sites isolate user uploads: the document gets an opaque origin.
      res
        .writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': 'sandbox allow-scripts',
        })
        .end('<!doctype html><title>sandboxed upload</title><h1>sandboxed upload</h1>');
      return;
    }
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end('<!doctype html><title>test site</title><h1>test site</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    hits,
    xrpcHits,
    labelerHeaders,
    origin: `http://127.0.0.1:${port}`,
    serviceDid: `did:web:localhost%3A${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Browsers keep connections alive; don't wait for them.
        server.closeAllConnections();
      }),
  };
}
