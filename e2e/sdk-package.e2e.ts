import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { clickAndClose } from './support/driver';
import { launchSignedIn } from './support/keyring';
import { nextConsentWindow } from './support/site';

const ROOT = path.resolve(import.meta.dirname, '..');
const pds = inject('pds');
const extensionPath = inject('chromeExtensionPath');
const { alice } = pds.accounts;

// A site developer's view: a folder outside the repository installs the SDK's npm pack artefact (as
// `npm run zip` makes it) and bundles a page with it; the page makes a signed call through the extension.
// Once, in the pinned target's run: the package does not depend on the PDS version.
describe.skipIf(inject('pdsTarget') !== 'pinned')('the SDK package on a scratch site (Chromium)', () => {
  let scratch: string;
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'at-keyring-scratch-site-'));
    // Built here: the tarball carries sdk/dist, which nothing else in this run may have made yet.
    execFileSync('npm', ['run', '-s', 'build:sdk'], { cwd: ROOT, stdio: 'pipe' });
    const tarball = execFileSync('npm', ['pack', './sdk', '--pack-destination', scratch, '--silent'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ name: 'scratch-site', private: true }));
    // From the npm cache when it has the SDK's dependencies, else the registry.
    // @atcute/client at the version the repository pins (its lockfile put it in the npm cache).
    const atcute = JSON.parse(readFileSync(path.join(ROOT, 'sdk/package.json'), 'utf8')).devDependencies[
      '@atcute/client'
    ];
    execFileSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', `./${tarball}`, `@atcute/client@${atcute}`],
      {
        cwd: scratch,
        stdio: 'pipe',
      },
    );
    writeFileSync(
      path.join(scratch, 'main.js'),
      `import { KeyringClient, ATKEYRING_RDNS } from '@atkeyring/sdk';
import { createAtcuteHandler } from '@atkeyring/sdk/atcute';
import { Client } from '@atcute/client';
window.postWithAtcute = async (text) => {
  const keyring = await KeyringClient.discover({ rdns: ATKEYRING_RDNS });
  await keyring.connect({ scope: 'atproto repo:app.bsky.feed.post?action=create' });
  const rpc = new Client({ handler: createAtcuteHandler(keyring) });
  const record = { $type: 'app.bsky.feed.post', text, createdAt: new Date().toISOString() };
  const { ok, status, data } = await rpc.post('com.atproto.repo.createRecord', {
    input: { repo: keyring.account.did, collection: 'app.bsky.feed.post', record },
  });
  return { ok, status, uri: data.uri };
};
window.post = async (text) => {
  const client = await KeyringClient.discover({ rdns: ATKEYRING_RDNS });
  const { did } = await client.connect({ scope: 'atproto repo:app.bsky.feed.post?action=create' });
  const record = { $type: 'app.bsky.feed.post', text, createdAt: new Date().toISOString() };
  const { status, body } = await client.xrpc({
    nsid: 'com.atproto.repo.createRecord',
    body: { repo: did, collection: 'app.bsky.feed.post', record },
  });
  return { did, status, uri: body.uri, contract: client.info?.contractVersion };
};
`,
    );
    await build({
      absWorkingDir: scratch,
      entryPoints: ['main.js'],
      bundle: true,
      format: 'esm',
      outfile: 'bundle.js',
    });
    const bundle = readFileSync(path.join(scratch, 'bundle.js'));
    server = createServer((req, res) => {
      if (req.url === '/bundle.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><script type="module" src="/bundle.js"></script>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('installs from the tarball, connects and creates a post through the extension, also by @atcute/client', async () => {
    const { browser, popup, close } = await launchSignedIn(extensionPath, pds, alice);
    try {
      await popup.close();
      const page = await browser.context.newPage();
      await page.goto(origin);
      await page.waitForFunction(() => typeof (window as any).post === 'function');
      const consent = nextConsentWindow(browser.context);
      const posting = page.evaluate((text) => (window as any).post(text), 'from the scratch site');
      await clickAndClose(await consent, { testId: 'consent-approve' });
      const result = await posting;
      expect(result).toMatchObject({ did: alice.did, status: 200, contract: '1.2' });
      const rkey = result.uri.split('/').pop();
      const read = await fetch(
        `${pds.pdsUrl}/xrpc/com.atproto.repo.getRecord?repo=${alice.did}&collection=app.bsky.feed.post&rkey=${rkey}`,
      );
      expect((await read.json()).value.text).toBe('from the scratch site');

      // The same grant, through @atcute/client's handler: no second prompt.
      const viaAtcute = await page.evaluate((text) => (window as any).postWithAtcute(text), 'through @atcute/client');
      expect(viaAtcute).toMatchObject({ ok: true, status: 200 });
      const atcuteRead = await fetch(
        `${pds.pdsUrl}/xrpc/com.atproto.repo.getRecord?repo=${alice.did}&collection=app.bsky.feed.post&rkey=${viaAtcute.uri.split('/').pop()}`,
      );
      expect((await atcuteRead.json()).value.text).toBe('through @atcute/client');
    } finally {
      await close();
    }
  });
});
