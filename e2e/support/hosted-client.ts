import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { hostedClientMetadata } from '../../src/oauth/client-metadata';

/**
 * The hosted client's site, on this machine: an https server on 127.0.0.1 with the self-signed certificate
 * of e2e/support/tls, reached as HOSTED_CLIENT_HOST (the PDS's preload and Chromium's resolver rule map it;
 * the PDS refuses .test/.example hostnames as client ids). It serves the document scripts/client-metadata.ts
 * writes, for its own URL, with CORS open: the extension's service worker fetches it too.
 */
export const HOSTED_CLIENT_HOST = 'client.at-keyring-e2e.org';

const TLS_DIR = path.resolve(import.meta.dirname, 'tls');

/** Chromium flags for the extension to reach the site: the resolver rule, and the test certificate accepted. */
export const HOSTED_CLIENT_CHROMIUM_ARGS = [
  `--host-resolver-rules=MAP ${HOSTED_CLIENT_HOST} 127.0.0.1`,
  '--ignore-certificate-errors',
];

export async function startHostedClientSite(redirectUris: string[]) {
  let fetches = 0;
  let clientId = '';
  const server = createServer(
    { key: readFileSync(path.join(TLS_DIR, 'key.pem')), cert: readFileSync(path.join(TLS_DIR, 'cert.pem')) },
    (req, res) => {
      if (req.url !== '/client-metadata.json') return void res.writeHead(404).end();
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify(hostedClientMetadata(clientId, redirectUris)));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  clientId = `https://${HOSTED_CLIENT_HOST}:${(server.address() as AddressInfo).port}/client-metadata.json`;
  return {
    clientId,
    /** How many times the document was fetched (by the PDS and the extension). */
    fetches: () => fetches,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
