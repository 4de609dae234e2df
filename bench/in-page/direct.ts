/**
 * The "direct" baseline page: a website that uses @atproto/oauth-client-browser
 * itself (no extension involved). Bundled by bench/lib/page-bundles.ts with
 * esbuild and served at http://127.0.0.1:<port>/ so the loopback client's
 * redirect lands back on this page. The bench drives it through
 * `window.__direct` (bench/lib/page-drivers.ts); all timings are taken here,
 * in the page, with performance.now().
 */
import { BrowserOAuthClient, buildLoopbackClientId, type OAuthSession } from '@atproto/oauth-client-browser';
import { PAGE_GLOBALS } from './globals';
import { failed, pool, randomBytes, sequence, succeeded, timed, unauthenticatedFetches } from './timing';

export interface DirectPageConfig {
  pdsUrl: string;
  plcUrl: string;
}

/** The same session scope the extension asks for (src/oauth/client-identity.ts). */
const SCOPE = 'atproto transition:generic';

const config = (window as unknown as Record<typeof PAGE_GLOBALS.directConfig, DirectPageConfig>)[
  PAGE_GLOBALS.directConfig
];
let session: OAuthSession | undefined;
let client: BrowserOAuthClient | undefined;

async function readBody(res: Response) {
  const type = res.headers.get('content-type') ?? '';
  return type.includes('json') ? res.json() : res.arrayBuffer();
}

function requireSession(): OAuthSession {
  if (!session) throw new Error('not signed in');
  return session;
}

/** One authenticated GET through the session's DPoP fetch handler. */
const get = (path: string) =>
  timed(async () => {
    const res = await requireSession().fetchHandler(path);
    const body = await readBody(res);
    return res.status === 200 ? succeeded(body) : failed(`status ${res.status}`);
  });

const api = {
  state: 'loading' as 'loading' | 'ready' | 'failed',
  error: undefined as string | undefined,
  did: undefined as string | undefined,

  /** Starts the loopback sign-in; the page navigates to the PDS. */
  signIn(handle: string) {
    void client!.signInRedirect(handle, { scope: SCOPE }).catch((err) => {
      api.error = String(err);
    });
  },

  /** N sequential authenticated GETs. */
  sequential(path: string, n: number) {
    requireSession();
    return sequence(n, () => get(path));
  },

  /** The same GET without authentication (getRecord is public): PDS + network floor. */
  sequentialUnauthenticated(url: string, n: number) {
    return unauthenticatedFetches(url, n, readBody);
  },

  /** n requests with at most `concurrency` in flight; total wall time. */
  concurrent(path: string, n: number, concurrency: number) {
    requireSession();
    return pool(n, concurrency, () => get(path));
  },

  /**
   * Uploads `count` blobs of `size` fresh random bytes each, one at a time, as a Uint8Array body or
   * (`asBlob`) a Blob made before the clock starts, as a site uploading a picked File would.
   */
  uploads(size: number, count: number, encoding: string, asBlob = false) {
    const s = requireSession();
    return sequence(count, () => {
      const bytes = randomBytes(size);
      const upload = asBlob ? new Blob([bytes]) : bytes;
      return timed(async () => {
        const res = await s.fetchHandler('/xrpc/com.atproto.repo.uploadBlob', {
          method: 'POST',
          headers: { 'content-type': encoding },
          body: upload,
        });
        const body = await readBody(res);
        return res.status === 200
          ? succeeded(body)
          : failed(`status ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
      });
    });
  },
};

export type DirectPageApi = typeof api;

(window as unknown as Record<typeof PAGE_GLOBALS.direct, DirectPageApi>)[PAGE_GLOBALS.direct] = api;

async function main() {
  const clientId = `${buildLoopbackClientId(window.location)}&scope=${encodeURIComponent(SCOPE)}`;
  client = await BrowserOAuthClient.load({
    clientId,
    handleResolver: config.pdsUrl,
    plcDirectoryUrl: config.plcUrl as never,
    allowHttp: true,
  });
  // Finishes a sign-in when the PDS redirected back here, or restores one.
  const result = await client.init();
  session = result?.session;
  api.did = session?.did;
  api.state = 'ready';
}

main().catch((err) => {
  api.state = 'failed';
  api.error = String(err?.stack ?? err);
});
