/**
 * The "direct" baseline page: a website that uses @atproto/oauth-client-browser
 * itself (no extension involved). Bundled by bench/lib/direct-bundle.ts with
 * esbuild and served at http://127.0.0.1:<port>/ so the loopback client's
 * redirect lands back on this page. The bench drives it through
 * `window.__direct` from Playwright; all timings are taken here, in the page,
 * with performance.now().
 */
import { BrowserOAuthClient, buildLoopbackClientId, type OAuthSession } from '@atproto/oauth-client-browser';

interface BenchConfig {
  pdsUrl: string;
  plcUrl: string;
}

/** The same session scope the extension asks for (src/oauth/client-identity.ts). */
const SCOPE = 'atproto transition:generic';

type Timed = { times: number[]; errors: string[]; sample?: unknown };

const config = (window as unknown as { __BENCH_CONFIG: BenchConfig }).__BENCH_CONFIG;
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

  /** N sequential authenticated GETs through the session's DPoP fetch handler. */
  async sequential(path: string, n: number): Promise<Timed> {
    const s = requireSession();
    const times: number[] = [];
    const errors: string[] = [];
    let sample: unknown;
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      try {
        const res = await s.fetchHandler(path);
        const body = await readBody(res);
        const t1 = performance.now();
        if (res.status !== 200) errors.push(`status ${res.status}`);
        else times.push(t1 - t0);
        sample ??= body;
      } catch (err) {
        errors.push(String(err));
      }
    }
    return { times, errors, sample };
  },

  /** The same GET without authentication (getRecord is public): PDS + network floor. */
  async sequentialUnauthenticated(url: string, n: number): Promise<Timed> {
    const times: number[] = [];
    const errors: string[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      try {
        const res = await fetch(url);
        await readBody(res);
        const t1 = performance.now();
        if (res.status !== 200) errors.push(`status ${res.status}`);
        else times.push(t1 - t0);
      } catch (err) {
        errors.push(String(err));
      }
    }
    return { times, errors };
  },

  /** n requests with at most `concurrency` in flight; total wall time. */
  async concurrent(path: string, n: number, concurrency: number) {
    const s = requireSession();
    let next = 0;
    let ok = 0;
    const errors: string[] = [];
    const worker = async () => {
      while (next < n) {
        next++;
        try {
          const res = await s.fetchHandler(path);
          await readBody(res);
          if (res.status === 200) ok++;
          else errors.push(`status ${res.status}`);
        } catch (err) {
          errors.push(String(err));
        }
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: Math.min(n, concurrency) }, worker));
    return { totalMs: performance.now() - t0, ok, errors };
  },

  /** Uploads `count` blobs of `size` fresh random bytes each, one at a time. */
  async uploads(size: number, count: number, encoding: string): Promise<Timed> {
    const s = requireSession();
    const times: number[] = [];
    const errors: string[] = [];
    let sample: unknown;
    for (let i = 0; i < count; i++) {
      const bytes = randomBytes(size);
      const t0 = performance.now();
      try {
        const res = await s.fetchHandler('/xrpc/com.atproto.repo.uploadBlob', {
          method: 'POST',
          headers: { 'content-type': encoding },
          body: bytes,
        });
        const body = await readBody(res);
        const t1 = performance.now();
        if (res.status !== 200) errors.push(`status ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
        else times.push(t1 - t0);
        sample ??= body;
      } catch (err) {
        errors.push(String(err));
      }
    }
    return { times, errors, sample };
  },
};

export function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)));
  return bytes;
}

(window as unknown as { __direct: typeof api }).__direct = api;

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
