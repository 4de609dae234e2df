/**
 * `npm run screenshots`: pictures of every kind of consent window, in light and dark and at 200 % zoom,
 * and of the popup, for a reviewer to look at without running a browser by hand.
 *
 * The same set-up as the e2e tests: the built extension (unless SCREENSHOTS_SKIP_BUILD=1), the local
 * PDS, headless Chromium with alice signed in through the popup, and one test site per kind (each its
 * own origin, connected first, so each asks once). Every window is refused with Escape afterwards.
 * Writes PNGs and an index.html into .tmp/screenshots/ (git-ignored; SCREENSHOTS_DIR to change it).
 *
 * KINDS lists what is pictured: add one there when the consent window learns to show another kind.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { buildExtension, EXTENSION_PATHS } from '../e2e/support/build';
import { CONSENT_WINDOW_INNER, pressClosing, zoomConsentWindow } from '../e2e/support/consent-window';
import { launchSignedIn } from '../e2e/support/keyring';
import { type PdsInfo, startPdsProcess } from '../e2e/support/pds-process';
import { createRecordCall, TINY_PNG } from '../e2e/support/records';
import { bytesParam, connectApproved, nextConsentWindow, type RequestOutcome, request } from '../e2e/support/site';
import { startTestSite, type TestSite } from '../e2e/support/test-site';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.resolve(process.env.SCREENSHOTS_DIR ?? path.join(ROOT, '.tmp/screenshots'));
/** How long a window may take to fill in its previews (elements marked aria-busy="true"). */
const PREVIEW_WAIT_MS = 5_000;

/** What a kind may refer to: records that exist on the PDS, the accounts, the test site. */
interface Fixtures {
  pds: PdsInfo;
  alice: PdsInfo['accounts']['alice'];
  bob: PdsInfo['accounts']['bob'];
  /** A post of alice's (to like, reply to, quote, delete). */
  post: { uri: string; cid: string; rkey: string };
  site: TestSite;
}

interface ConsentKind {
  /** The PNGs' file names start with it. */
  name: string;
  /** The request the site makes; connect kinds start unconnected, the others connected with `atproto`. */
  ask(page: Page, f: Fixtures): Promise<RequestOutcome>;
  connect?: true;
}

const now = () => new Date().toISOString();
const createRecord = (page: Page, f: Fixtures, collection: string, fields: Record<string, unknown>) =>
  request(page, 'atproto_xrpc', createRecordCall(f.alice.did, collection, fields));

/** Every kind of consent window, in the order the index shows them. */
export const KINDS: ConsentKind[] = [
  {
    name: 'connect',
    connect: true,
    ask: (page) =>
      request(page, 'atproto_connect', {
        scope: 'atproto repo:app.bsky.feed.post?action=create repo:app.bsky.feed.like blob:image/*',
      }),
  },
  {
    name: 'connect-broad',
    connect: true,
    ask: (page) => request(page, 'atproto_connect', { scope: 'atproto transition:generic' }),
  },
  {
    name: 'post-create',
    ask: (page, f) =>
      createRecord(page, f, 'app.bsky.feed.post', {
        text: `Hello @${f.bob.handle}, see https://example.com/a-long-link-that-wraps 👋`,
        langs: ['en'],
        reply: { root: { uri: f.post.uri, cid: f.post.cid }, parent: { uri: f.post.uri, cid: f.post.cid } },
      }),
  },
  {
    name: 'post-delete',
    ask: (page, f) =>
      request(page, 'atproto_xrpc', {
        nsid: 'com.atproto.repo.deleteRecord',
        body: { repo: f.alice.did, collection: 'app.bsky.feed.post', rkey: f.post.rkey },
      }),
  },
  {
    name: 'like',
    ask: (page, f) => createRecord(page, f, 'app.bsky.feed.like', { subject: { uri: f.post.uri, cid: f.post.cid } }),
  },
  {
    name: 'follow',
    ask: (page, f) => createRecord(page, f, 'app.bsky.graph.follow', { subject: f.bob.did }),
  },
  {
    name: 'profile-edit',
    ask: (page, f) =>
      request(page, 'atproto_xrpc', {
        nsid: 'com.atproto.repo.putRecord',
        body: {
          repo: f.alice.did,
          collection: 'app.bsky.actor.profile',
          rkey: 'self',
          record: { $type: 'app.bsky.actor.profile', displayName: 'Alice (new name)', description: 'Now with a bio' },
        },
      }),
  },
  {
    name: 'apply-writes',
    ask: (page, f) =>
      request(page, 'atproto_xrpc', {
        nsid: 'com.atproto.repo.applyWrites',
        body: {
          repo: f.alice.did,
          writes: [
            {
              $type: 'com.atproto.repo.applyWrites#create',
              collection: 'app.bsky.feed.post',
              value: { $type: 'app.bsky.feed.post', text: 'one of several writes', createdAt: now() },
            },
            {
              $type: 'com.atproto.repo.applyWrites#create',
              collection: 'app.bsky.feed.like',
              value: { $type: 'app.bsky.feed.like', subject: { uri: f.post.uri, cid: f.post.cid }, createdAt: now() },
            },
            { $type: 'com.atproto.repo.applyWrites#delete', collection: 'app.bsky.feed.post', rkey: f.post.rkey },
          ],
        },
      }),
  },
  {
    name: 'upload-blob',
    ask: (page) =>
      request(page, 'atproto_xrpc', {
        nsid: 'com.atproto.repo.uploadBlob',
        body: bytesParam(TINY_PNG),
        encoding: 'image/png',
      }),
  },
  {
    name: 'service-auth',
    ask: (page, f) => request(page, 'atproto_serviceAuth', { aud: f.site.serviceDid, lxm: 'com.example.test.echo' }),
  },
  {
    name: 'unknown-collection',
    ask: (page, f) =>
      createRecord(page, f, 'com.example.recipe', {
        title: 'Pancakes',
        servings: 4,
        ingredients: [{ name: 'flour', grams: 200 }, { name: 'milk' }],
      }),
  },
  {
    name: 'rpc-proxy',
    ask: (page, f) =>
      request(page, 'atproto_xrpc', {
        nsid: 'com.example.test.echo',
        params: { q: 'hello' },
        proxy: `${f.site.serviceDid}#test_svc`,
      }),
  },
];

/** Creates alice's post through the PDS with her password (fixture data, not through the extension). */
async function createFixturePost(pds: PdsInfo): Promise<Fixtures['post']> {
  const xrpc = async (nsid: string, body: object, token?: string) => {
    const res = await fetch(`${pds.pdsUrl}/xrpc/${nsid}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${nsid}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const { alice } = pds.accounts;
  const session = await xrpc('com.atproto.server.createSession', {
    identifier: alice.handle,
    password: alice.password,
  });
  const created = await xrpc(
    'com.atproto.repo.createRecord',
    {
      repo: alice.did,
      collection: 'app.bsky.feed.post',
      record: { $type: 'app.bsky.feed.post', text: 'A post of mine, to like, reply to and delete', createdAt: now() },
    },
    session.accessJwt,
  );
  return { uri: created.uri, cid: created.cid, rkey: String(created.uri).split('/').pop()! };
}

/** Waits until the window is armed and its previews have filled in (or PREVIEW_WAIT_MS passed). */
async function settle(consent: Page) {
  await consent.getByTestId('consent').waitFor();
  await consent
    .waitForFunction(
      () =>
        document.querySelectorAll('[aria-busy="true"]').length === 0 &&
        [...document.querySelectorAll<HTMLButtonElement>('.actions button')].every((b) => !b.disabled),
      undefined,
      { timeout: PREVIEW_WAIT_MS },
    )
    .catch(() => {});
}

async function shoot(page: Page, file: string, fullPage = false) {
  await page.screenshot({ path: path.join(OUT, file), fullPage, animations: 'disabled' });
  return file;
}

async function main() {
  if (process.env.SCREENSHOTS_SKIP_BUILD !== '1') buildExtension(['chrome']);
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
  const pds = await startPdsProcess('pinned');
  const sites: TestSite[] = [];
  let close = async () => {};
  try {
    const signedIn = await launchSignedIn(EXTENSION_PATHS.chrome, pds.info, pds.info.accounts.alice);
    close = signedIn.close;
    const { browser, popup } = signedIn;
    const { alice, bob } = pds.info.accounts;
    const post = await createFixturePost(pds.info);
    const written: { title: string; files: string[] }[] = [];

    for (const kind of KINDS) {
      const site = await startTestSite();
      sites.push(site);
      const page = await browser.context.newPage();
      await page.goto(site.origin);
      if (!kind.connect) {
        const outcome = await connectApproved(browser.context, page, { scope: 'atproto' });
        if (!outcome.ok) throw new Error(`${kind.name}: connect failed: ${JSON.stringify(outcome.error)}`);
      }
      const windowPromise = nextConsentWindow(browser.context);
      const asked = kind.ask(page, { pds: pds.info, alice, bob, post, site });
      const consent = await Promise.race([
        windowPromise,
        asked.then((outcome) => {
          throw new Error(`${kind.name}: answered without a window: ${JSON.stringify(outcome)}`);
        }),
      ]);
      await consent.setViewportSize(CONSENT_WINDOW_INNER);
      await settle(consent);
      const files: string[] = [];
      for (const colorScheme of ['light', 'dark'] as const) {
        await consent.emulateMedia({ colorScheme });
        files.push(await shoot(consent, `${kind.name}-${colorScheme}.png`));
      }
      await consent.emulateMedia({ colorScheme: 'light' });
      await zoomConsentWindow(consent, 2);
      files.push(await shoot(consent, `${kind.name}-zoom200.png`));
      await zoomConsentWindow(consent, 1);
      await pressClosing(consent, 'Escape');
      const outcome = await asked;
      if (outcome.ok || outcome.error.code !== 4001)
        throw new Error(`${kind.name}: Escape did not refuse: ${JSON.stringify(outcome)}`);
      await page.close();
      written.push({ title: kind.name, files });
      process.stderr.write(`[screenshots] ${kind.name}\n`);
    }

    await popup.setViewportSize({ width: 400, height: 600 });
    await popup.reload();
    await popup.getByTestId('account').first().waitFor();
    const popupFiles: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      await popup.emulateMedia({ colorScheme });
      popupFiles.push(await shoot(popup, `popup-${colorScheme}.png`, true));
    }
    written.push({ title: 'popup', files: popupFiles });

    await writeFile(path.join(OUT, 'index.html'), indexHtml(written));
    const count = written.reduce((n, w) => n + w.files.length, 0);
    process.stdout.write(`${count} screenshots in ${path.relative(process.cwd(), OUT) || OUT} (open index.html)\n`);
  } finally {
    await close();
    await Promise.all(sites.map((s) => s.close()));
    await pds.stop();
  }
}

function indexHtml(sections: { title: string; files: string[] }[]): string {
  const body = sections
    .map(
      (s) =>
        `<section><h2>${s.title}</h2>${s.files.map((f) => `<figure><img src="${f}" alt="${f}"><figcaption>${f}</figcaption></figure>`).join('')}</section>`,
    )
    .join('\n');
  return `<!doctype html><meta charset="utf-8"><title>AT Keyring screenshots</title>
<style>body{font:14px system-ui;margin:16px}section{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}h2{width:100%}figure{margin:0}img{border:1px solid #888}</style>
${body}\n`;
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`[screenshots] failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
