/**
 * The bench's set-up: the build, the local PDS, the two sites, Chromium with
 * the extension, alice signed in on both sides, and the one record both read.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type ExtensionBrowser, launchWithExtension } from '../e2e/support/chromium';
import { configureNetwork, signIn } from '../e2e/support/keyring';
import { PDS_BUTTONS, PDS_PASSWORD_INPUT } from '../e2e/support/pds-pages';
import { type PdsInfo, startPdsProcess } from '../e2e/support/pds-process';
import { nextConsentWindow, request } from '../e2e/support/site';
import { type BenchConfig, COLLECTION, EXTENSION_DIR, FLOOR_EXTENSION_DIR, GRANT_SCOPE, ROOT } from './config';
import type { DirectPageConfig } from './in-page/direct';
import { PAGE_GLOBALS } from './in-page/globals';
import { onCleanup } from './lib/cleanup';
import type { PageBundles } from './lib/page-bundles';
import { BrokeredPage, DirectPage, expectNoErrors } from './lib/page-drivers';
import { log } from './lib/progress';
import { startBenchSite } from './lib/site-server';
import { stageExtension } from './lib/staged-extension';
import { TokenModel } from './lib/token-model';
import type { BenchContext, BenchRecord } from './phases/phase';

/** The text of the record both sides read. */
const RECORD_TEXT = 'benchmark record';

/** `wxt build -b chrome`, unless BENCH_SKIP_BUILD=1. */
export function buildExtension() {
  if (process.env.BENCH_SKIP_BUILD === '1') {
    log('BENCH_SKIP_BUILD=1: using the existing .output/chrome-mv3');
    return;
  }
  log('building the extension (wxt build -b chrome)');
  try {
    execFileSync(path.join(ROOT, 'node_modules/.bin/wxt'), ['build', '-b', 'chrome'], { cwd: ROOT, stdio: 'pipe' });
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: Buffer; stderr?: Buffer };
    process.stderr.write(`${stdout ?? ''}${stderr ?? ''}`);
    throw err;
  }
}

function pageHtml(title: string, heading: string, script: string, head = ''): string {
  return `<!doctype html><meta charset="utf-8"><title>bench: ${title}</title>
${head}<script type="module" src="${script}"></script>
<h1>${heading}</h1>`;
}

function directPageHtml(pds: PdsInfo): string {
  const settings: DirectPageConfig = { pdsUrl: pds.pdsUrl, plcUrl: pds.plcUrl };
  const json = JSON.stringify(settings).replace(/</g, '\\u003c');
  return pageHtml(
    'direct OAuth client',
    'direct',
    '/direct.js',
    `<script>window.${PAGE_GLOBALS.directConfig} = ${json};</script>\n`,
  );
}

/** Signs alice in on the direct page: the loopback client redirects this tab to the PDS and back. */
async function signInDirect(
  direct: DirectPage,
  origin: string,
  account: PdsInfo['accounts']['alice'],
): Promise<string> {
  const { page } = direct;
  await page.goto(`${origin}/`);
  await direct.waitUntilStarted();
  const status = await direct.status();
  if (status.state !== 'ready') throw new Error(`direct page failed to start: ${status.error}`);
  await direct.signIn(account.handle);
  await page.locator(PDS_PASSWORD_INPUT).fill(account.password, { timeout: 30_000 });
  await page.getByRole('button', { name: PDS_BUTTONS.signIn }).click();
  await page.getByRole('button', { name: PDS_BUTTONS.authorize }).click({ timeout: 30_000 });
  await page.waitForURL((url) => url.origin === origin, { timeout: 30_000 });
  await direct.waitUntilStarted({ signedIn: true }).catch(() => {});
  const after = await direct.status();
  if (!after.did) throw new Error(`direct sign-in did not finish: ${after.error ?? 'no session'}`);
  return after.did;
}

/** Everything the phases work with, set up; what it started is registered for cleanup. */
export async function setUp(config: BenchConfig, pages: PageBundles): Promise<Omit<BenchContext, 'figuresOf'>> {
  log('starting the local PDS');
  const pds = await startPdsProcess();
  onCleanup('PDS', () => pds.stop());
  const { alice } = pds.info.accounts;

  const [directSite, brokeredSite] = await Promise.all([
    startBenchSite(directPageHtml(pds.info), { '/direct.js': pages.direct.code }),
    startBenchSite(pageHtml('brokered', 'brokered', '/brokered.js'), { '/brokered.js': pages.brokered.code }),
  ]);
  onCleanup('direct site', () => directSite.close());
  onCleanup('brokered site', () => brokeredSite.close());

  const profileDir = await mkdtemp(path.join(os.tmpdir(), 'at-keyring-bench-'));
  onCleanup('profile dir', () => rm(profileDir, { recursive: true, force: true }));
  log('launching Chromium with the extension');
  const extensions = [await stageExtension(EXTENSION_DIR), FLOOR_EXTENSION_DIR];
  const browser: ExtensionBrowser = await launchWithExtension(extensions[0]!, profileDir, [], extensions.slice(1));
  onCleanup('browser', () => browser.close());

  // Brokered side: alice in the extension, the site connected with a grant.
  log('signing alice in through the extension popup');
  const popup = await browser.openPopup();
  await configureNetwork(popup, pds.info);
  await signIn(browser, popup, alice);
  await popup.close();

  const tokens = new TokenModel(config.rateLimit.capacity, config.rateLimit.perSecond);
  const pageB = await browser.context.newPage();
  await pageB.goto(brokeredSite.origin);
  const brokered = new BrokeredPage(pageB, tokens);
  await brokered.waitUntilLoaded();
  log('connecting the brokered site (consent window)');
  const consentPromise = nextConsentWindow(browser.context);
  await tokens.take(1);
  const connecting = request(pageB, 'atproto_connect', { scope: GRANT_SCOPE });
  const consent = await consentPromise;
  await consent.getByTestId('consent-approve').click();
  const connected = await connecting;
  if (!connected.ok) throw new Error(`connect failed: ${JSON.stringify(connected.error)}`);
  const did: string = connected.result.did;

  await tokens.take(1);
  const created = await request(pageB, 'atproto_xrpc', {
    nsid: 'com.atproto.repo.createRecord',
    body: {
      repo: did,
      collection: COLLECTION,
      record: { $type: COLLECTION, text: RECORD_TEXT, createdAt: new Date().toISOString() },
    },
  });
  if (!created.ok || created.result.status !== 200) throw new Error(`createRecord failed: ${JSON.stringify(created)}`);
  const rkey = String(created.result.body.uri).split('/').pop()!;
  const query = { repo: did, collection: COLLECTION, rkey };
  const getRecordPath = `/xrpc/com.atproto.repo.getRecord?${new URLSearchParams(query)}`;
  const record: BenchRecord = {
    getRecord: { nsid: 'com.atproto.repo.getRecord', params: query },
    getRecordPath,
    getRecordUrl: new URL(getRecordPath, pds.info.pdsUrl).href,
  };

  // Direct side: the same account, its own OAuth session in a plain page.
  log('signing alice in on the direct page (loopback client, redirect to the page)');
  const direct = new DirectPage(await browser.context.newPage());
  const directDid = await signInDirect(direct, directSite.origin, alice);
  if (directDid !== did) throw new Error(`direct page signed in as ${directDid}, expected ${did}`);

  // Both paths read the same record.
  const checkD = await direct.sequential(record.getRecordPath, 1);
  const checkB = await brokered.sequential('atproto_xrpc', record.getRecord, 1);
  expectNoErrors('direct getRecord', checkD);
  expectNoErrors('brokered getRecord', checkB);
  const textD = (checkD.sample as { value?: { text?: string } } | undefined)?.value?.text;
  const textB = (checkB.sample as { body?: { value?: { text?: string } } } | undefined)?.body?.value?.text;
  if (textD !== RECORD_TEXT || textB !== RECORD_TEXT) throw new Error('getRecord did not return the benchmark record');
  log(`set-up done; record at://${did}/${COLLECTION}/${rkey}`);

  const profile = { dir: profileDir, extensions };
  return { config, browser, brokered, brokeredSite, direct, tokens, record, pages, pds: pds.info, profile };
}
