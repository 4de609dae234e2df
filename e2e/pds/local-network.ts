/**
 * A real, local ATProto network for end-to-end tests: an in-memory PLC
 * directory plus a PDS with its built-in OAuth authorization server, started
 * with `TestNetworkNoAppView` from `@atproto/dev-env`.
 *
 * Both targets use it: the pinned dev-env 0.3.215 (PDS 0.4.217) and the
 * current 0.6.x (PDS 0.5.x), each loaded from its own tree by the caller.
 *
 * Facts worth knowing (checked against both):
 * - The PDS runs without PDS_HOSTNAME, so its public URL, OAuth issuer and
 *   protected-resource URL are all exactly `http://localhost:<pdsPort>` (no
 *   trailing slash). Clients must use `localhost`, not 127.0.0.1, or the
 *   issuer checks fail. The sockets themselves listen on 127.0.0.1 only.
 * - dev-env sets `devMode: true`: the http:// issuer is allowed and SSRF
 *   protection is off. Loopback OAuth clients (`http://localhost?...`) are
 *   accepted out of the box; public clients always get the consent screen.
 * - Handles live under `.test`, which has no DNS: resolve them with
 *   `${pdsUrl}/xrpc/com.atproto.identity.resolveHandle?handle=alice.test`.
 *   DID documents come from `${plcUrl}/<did>`; their `#atproto_pds` service
 *   endpoint is `pdsUrl`.
 */
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** What this module uses of `@atproto/dev-env`: the same in 0.3.x and 0.6.x. */
export interface DevEnvModule {
  TestNetworkNoAppView: {
    create(params: {
      plc: { port: number };
      pds: { port: number; dataDirectory: string; blobstoreDiskLocation: string; blobUploadLimit: number };
    }): Promise<DevEnvNetwork>;
  };
}

export interface DevEnvNetwork {
  pds: { url: string; ctx: { cfg: { identity: { serviceHandleDomains: string[] } } } };
  plc: { url: string };
  close(): Promise<void>;
}

export interface Account {
  did: string;
  handle: string;
  password: string;
  email: string;
}

export interface LocalNetwork {
  /** `http://localhost:<port>`: the OAuth issuer and the DID docs' PDS endpoint. */
  pdsUrl: string;
  /** `http://localhost:<port>`: serves DID documents at `${plcUrl}/<did>`. */
  plcUrl: string;
  accounts: { alice: Account; bob: Account };
  /** Every XRPC method the PDS registers a route for (it runs them itself; others go to its proxy catch-all). */
  servedMethods: string[];
  /** Creates `<handleShort>.test`, password `<handleShort>-password`. */
  createAccount(handleShort: string): Promise<Account>;
  /** Stops all servers, then deletes `dataDir`. Safe to call more than once. */
  close(): Promise<void>;
  /** This network's databases and blobs; deleted by close(). */
  dataDir: string;
  /** Escape hatch: the underlying dev-env network (ctx, admin auth, ...). */
  network: DevEnvNetwork;
}

export interface StartLocalNetworkOptions {
  /** Imports `@atproto/dev-env` from the caller's tree (each target has its own). */
  loadDevEnv: () => Promise<DevEnvModule>;
  /** The express Router prototype the PDS's XRPC server uses: its routes are recorded as `servedMethods`. */
  expressRouter: ExpressRouterProto;
  /** Default: a free port on 127.0.0.1. */
  pdsPort?: number;
  /** Default: a free port on 127.0.0.1. */
  plcPort?: number;
  /**
   * Parent folder for the data (default: the OS temp dir). A fresh
   * `at-keyring-pds-*` sub-directory is created in it, and only that
   * sub-directory is deleted on close.
   */
  dataDir?: string;
  /** Let the PDS/PLC log (pino JSON on stdout) and print OAuth errors. */
  verbose?: boolean;
}

const LOOPBACK_HOST = '127.0.0.1';

export async function startLocalNetwork(opts: StartLocalNetworkOptions): Promise<LocalNetwork> {
  const parent = opts.dataDir ?? os.tmpdir();
  await mkdir(parent, { recursive: true });
  const dataDir = await mkdtemp(path.join(parent, 'at-keyring-pds-'));
  // Fallback for exits that skip close() (crash, someone's process.exit()):
  // delete synchronously in the 'exit' event. Nothing runs on SIGKILL.
  const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true });
  process.once('exit', removeDataDir);
  const cleanUp = async () => {
    process.off('exit', removeDataDir);
    await rm(dataDir, { recursive: true, force: true });
  };
  const pdsDataDir = path.join(dataDir, 'pds');
  await mkdir(pdsDataDir); // sqlite does not create parent directories

  let network: DevEnvNetwork;
  const servedMethods: string[] = [];
  try {
    // Ports are picked here, on 127.0.0.1, instead of by dev-env's get-port,
    // which probes every interface including 0.0.0.0. Given ports are probed
    // first because a half-started PDS can't be stopped (see below).
    const [plcPort, pdsPort] = await Promise.all([
      probeLoopbackPort(opts.plcPort ?? 0),
      probeLoopbackPort(opts.pdsPort ?? 0),
    ]);

    const startupEnv: Record<string, string | undefined> = {
      // dev-env always mkdirs a random dir in os.tmpdir(), even when given
      // explicit data paths; keep it inside dataDir so close() removes it.
      TMPDIR: dataDir,
    };
    if (!opts.verbose) {
      // The @atproto/* and @did-plc/* pino loggers read LOG_ENABLED once, when
      // first loaded (below); they stay silent unless it is truthy.
      startupEnv.LOG_ENABLED = 'false';
      // NODE_ENV=development (vite-node's default) makes @atproto/oauth-provider
      // console.error every OAuth error, even routine ones like use_dpop_nonce.
      // It is read at load/creation time, so overriding it during start-up is
      // enough. 'test' keeps the same non-production code paths.
      const nodeEnv = process.env.NODE_ENV;
      if (nodeEnv === undefined || nodeEnv === 'development') {
        startupEnv.NODE_ENV = 'test';
      }
    } else {
      startupEnv.LOG_ENABLED = 'true';
    }

    network = await withEnv(startupEnv, async () => {
      // Imported lazily so the env above applies when the loggers are created.
      const { TestNetworkNoAppView } = await opts.loadDevEnv();
      // dev-env has no bind-address option (the PDS and PLC call
      // `app.listen(port)`, i.e. all interfaces), so force loopback here.
      return withRouteRecorder(opts.expressRouter, servedMethods, () =>
        withLoopbackListen((servers) =>
          TestNetworkNoAppView.create({
            plc: { port: plcPort },
            pds: {
              port: pdsPort,
              dataDirectory: pdsDataDir,
              blobstoreDiskLocation: path.join(dataDir, 'blobs'),
              // The extension's own cap on a binary body (32 MiB), not the PDS's default 5 MB: the bench uploads 10 MiB.
              blobUploadLimit: 32 * 1024 * 1024,
            },
          }).catch((err) => {
            // dev-env doesn't stop what it already started (e.g. the PLC when
            // the PDS port is taken); at least free the ports. (A PDS that
            // failed in listen() keeps timers alive, so the process may not
            // exit by itself.)
            for (const server of servers) server.close();
            throw err;
          }),
        ),
      );
    });
  } catch (err) {
    await cleanUp();
    throw err;
  }

  const pdsUrl = network.pds.url;
  const plcUrl = network.plc.url;
  // '.test' with dev-env's config; read rather than hard-coded.
  const handleDomain = network.pds.ctx.cfg.identity.serviceHandleDomains[0];

  const createAccount = async (handleShort: string): Promise<Account> => {
    const input = {
      handle: `${handleShort}${handleDomain}`,
      // Same domain as dev-env's own seed users; the PDS rejects
      // "disposable" email domains.
      email: `${handleShort}@test.com`,
      password: `${handleShort}-password`,
    };
    const res = await fetch(`${pdsUrl}/xrpc/com.atproto.server.createAccount`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as { did?: string; message?: string };
    if (!res.ok || !body.did) {
      throw new Error(`createAccount(${input.handle}) failed: ${res.status} ${body.message ?? ''}`);
    }
    return { did: body.did, ...input };
  };

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      try {
        await network.close();
      } finally {
        await cleanUp();
      }
    })());

  try {
    const [alice, bob] = await Promise.all([createAccount('alice'), createAccount('bob')]);
    return {
      pdsUrl,
      plcUrl,
      accounts: { alice, bob },
      servedMethods: [...new Set(servedMethods)].sort(),
      createAccount,
      close,
      dataDir,
      network,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

export interface ExpressRouterProto {
  route(path: unknown): unknown;
}

/**
 * Runs `fn` while every express route whose path starts with /xrpc/ is
 * recorded into `methods`: the XRPC methods the PDS serves itself. (Its
 * express app gives no way back to a mounted sub-app's routes afterwards.)
 */
async function withRouteRecorder<T>(router: ExpressRouterProto, methods: string[], fn: () => Promise<T>): Promise<T> {
  const original = router.route;
  router.route = function (this: unknown, routePath: unknown) {
    if (typeof routePath === 'string' && routePath.startsWith('/xrpc/')) methods.push(routePath.slice('/xrpc/'.length));
    return original.call(this, routePath);
  };
  try {
    return await fn();
  } finally {
    router.route = original;
  }
}

/**
 * Binds 127.0.0.1:`port` and releases it: checks that a given port is free,
 * or (port 0) asks the kernel for a free one. Returns the port.
 */
async function probeLoopbackPort(port: number): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK_HOST, resolve);
  });
  const { port: bound } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return bound;
}

/**
 * Runs `fn` with some process.env variables overridden, then restores them.
 * (os.tmpdir() reads TMPDIR on every call, so this also redirects it.)
 */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

// --- loopback-only listen ----------------------------------------------------

type ListenFn = net.Server['listen'];
let originalListen: ListenFn | undefined;
/** One array per running withLoopbackListen(); each gets every server started. */
const collectors = new Set<net.Server[]>();

/**
 * Runs `fn` while `net.Server#listen` (used by http.Server and express's
 * `app.listen`) binds to 127.0.0.1 whenever the caller gave no host. Calls
 * with an explicit host, a path (unix socket) or a handle are left alone.
 * `fn` receives the servers that listen meanwhile. Overlapping calls share
 * one patch, which is removed when the last one ends.
 */
async function withLoopbackListen<T>(fn: (servers: net.Server[]) => Promise<T>): Promise<T> {
  if (collectors.size === 0) {
    const original = net.Server.prototype.listen;
    originalListen = original;
    net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
      for (const servers of collectors) servers.push(this);
      return (original as (...a: unknown[]) => net.Server).apply(this, forceLoopbackArgs(args));
    } as ListenFn;
  }
  const servers: net.Server[] = [];
  collectors.add(servers);
  try {
    return await fn(servers);
  } finally {
    collectors.delete(servers);
    if (collectors.size === 0 && originalListen) {
      net.Server.prototype.listen = originalListen;
      originalListen = undefined;
    }
  }
}

function forceLoopbackArgs(args: unknown[]): unknown[] {
  const [first] = args;
  // listen(cb): a random port on all interfaces.
  if (typeof first === 'function') return [0, LOOPBACK_HOST, ...args];
  // listen([port[, host[, backlog]]][, cb]): add the host if it is missing.
  if (first == null || typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    if (typeof args[1] === 'string') return args;
    return [first ?? 0, LOOPBACK_HOST, ...args.slice(1)];
  }
  // listen({ port, host?, ... }[, cb]): TCP options without a host.
  if (typeof first === 'object') {
    const o = first as Record<string, unknown>;
    const isTcp = !('path' in o) && !('fd' in o) && !('handle' in o) && !('_handle' in o);
    if (isTcp && o.host == null) return [{ ...o, host: LOOPBACK_HOST }, ...args.slice(1)];
  }
  return args;
}
