import { deflateSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { rawCid } from '../src/consent/cid';
import type { ExtensionBrowser } from './support/chromium';
import { clickAndClose } from './support/driver';
import { launchSignedIn } from './support/keyring';
import { sendPrivileged } from './support/privileged';
import { createPostCall, createRecordCall } from './support/records';
import { bytesParam, connectApproved, nextConsentWindow, type RequestOutcome, request } from './support/site';
import { startTestSite, type TestSite } from './support/test-site';

// Issue 12: the consent window shows files from the very bytes being sent, and records it has no
// renderer for as a tree checked against their lexicon; a site cannot make it draw an SVG or push
// its buttons off screen.

const pds = inject('pds');
const extensionPath = inject('chromeExtensionPath');
const { alice } = pds.accounts;

/** A real PNG of `width` × `height` opaque pixels of one colour (so the browser must decode it). */
function png(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, Buffer.from([0x14, 0x63, 0xd8]))]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: height }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const PNG = png(24, 16);
const SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="50" height="50" onload="window.__svgRan = true">' +
    '<script>window.__svgRan = true</script><a href="https://attacker.example/"><rect width="50" height="50"/></a></svg>',
);

let browser: ExtensionBrowser;
let closeBrowser: () => Promise<void>;
let site: TestSite;
let page: Page;

/** Sends a request that opens a consent window; answers the window and the pending outcome. */
async function ask(params: unknown): Promise<{ consent: Page; outcome: Promise<RequestOutcome> }> {
  const windowPromise = nextConsentWindow(browser.context);
  const outcome = request(page, 'atproto_xrpc', params);
  const consent = await windowPromise;
  await consent.getByTestId('consent').waitFor();
  return { consent, outcome };
}

/** An uploadBlob of `bytes` declared as `encoding`, waiting in its consent window. */
const askUpload = (bytes: Buffer, encoding: string) =>
  ask({ nsid: 'com.atproto.repo.uploadBlob', body: bytesParam(bytes), encoding });

const promptIdOf = (consent: Page) => new URL(consent.url()).searchParams.get('prompt')!;

/** Whether the element lies wholly inside the window's viewport (not scrolled or pushed out of it). */
const onScreen = (consent: Page, testId: string) =>
  consent.getByTestId(testId).evaluate((el) => {
    const box = el.getBoundingClientRect();
    return box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight && box.right <= window.innerWidth;
  });

describe('consent window: files from their bytes, unknown records as trees (Chromium, local PDS)', () => {
  beforeAll(async () => {
    site = await startTestSite();
    const signedIn = await launchSignedIn(extensionPath, pds, alice);
    ({ browser, close: closeBrowser } = signedIn);
    await signedIn.popup.close();
    page = await browser.context.newPage();
    await page.goto(site.origin);
    // Connected with the base scope only: every upload and write below asks.
    expect(await connectApproved(browser.context, page, { scope: 'atproto' })).toMatchObject({ ok: true });
  });
  afterAll(async () => {
    await closeBrowser?.();
    await site?.close();
  });

  let blobRef: { ref: { $link: string }; mimeType: string; size: number };

  it('uploadBlob of a PNG shows the picture, drawn from its own bytes, and its size', async () => {
    const { consent, outcome } = await askUpload(PNG, 'image/png');
    const content = consent.getByTestId('consent-call-content');
    expect(await content.getAttribute('data-renderer')).toBe('upload');
    const img = consent.getByTestId('blob-thumbnail');
    await img.waitFor();
    const shown = await img.evaluate((el: HTMLImageElement) => ({
      src: el.src,
      naturalWidth: el.naturalWidth,
      complete: el.complete,
    }));
    expect(shown.src).toMatch(/^(blob|data):/);
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBe(24);
    expect(await consent.getByTestId('blob-size').innerText()).toContain(String(PNG.length));
    expect(await content.innerText()).toContain('image/png, 24 × 16 pixels');
    expect(await consent.getByTestId('blob-mismatch').count()).toBe(0);
    // The only images in the window come from blob: or data: URLs.
    const sources = await consent.locator('img').evaluateAll((els) => els.map((el) => (el as HTMLImageElement).src));
    for (const src of sources) expect(src).toMatch(/^(blob|data):/);
    await clickAndClose(consent, { testId: 'consent-once' });
    const uploaded = await outcome;
    expect(uploaded).toMatchObject({ ok: true, result: { status: 200, body: { blob: { size: PNG.length } } } });
    blobRef = (uploaded as any).result.body.blob;
    // The extension keys the bytes by the CID the PDS gives them.
    expect(blobRef.ref.$link).toBe(await rawCid(PNG));
  });

  it("a record's images come from the bytes just uploaded, and no CID the record does not name is served", async () => {
    const { consent, outcome } = await ask(
      createPostCall(alice.did, 'with a picture', {
        embed: {
          $type: 'app.bsky.embed.images',
          images: [{ alt: 'a blue box', image: { $type: 'blob', ...blobRef } }],
        },
      }),
    );
    const id = promptIdOf(consent);
    const served = await sendPrivileged(consent, 'prompt.blob', { id, cid: blobRef.ref.$link });
    expect(served).toMatchObject({ ok: true, result: { status: 'ok' } });
    expect(Buffer.from((served as any).result.base64, 'base64')).toEqual(PNG);
    const other = await sendPrivileged(consent, 'prompt.blob', { id, cid: await rawCid(SVG) });
    expect(other).toEqual({ ok: true, result: { status: 'unavailable', reason: 'not-referenced' } });
    await clickAndClose(consent, { testId: 'consent-once' });
    expect(await outcome).toMatchObject({ ok: true, result: { status: 200 } });
  });

  it('a record of an unknown collection shows its fields and $type, and says no lexicon is known', async () => {
    const { consent, outcome } = await ask(
      createRecordCall(alice.did, 'com.example.consent.thing', {
        title: 'Hello tree',
        nested: { count: 3, tags: ['first tag', 'second tag'] },
        attachment: { $type: 'blob', ...blobRef },
      }),
    );
    const content = consent.getByTestId('consent-call-content');
    expect(await content.getAttribute('data-renderer')).toBe('generic');
    expect(await consent.getByTestId('record-type').innerText()).toContain('com.example.consent.thing');
    const tree = await consent.getByTestId('record-tree').innerText();
    for (const text of ['title', 'Hello tree', 'nested', 'count', '3', 'second tag', 'file: image/png']) {
      expect(tree).toContain(text);
    }
    // Fields, not JSON.
    expect(tree).not.toContain('{"');
    expect(tree).not.toContain('$link');
    const check = consent.getByTestId('lexicon-check');
    await expect.poll(() => check.getAttribute('data-status')).toBe('unknown');
    expect(await check.innerText()).toContain('No lexicon is known for com.example.consent.thing');
    await clickAndClose(consent, { testId: 'consent-once' });
    expect(await outcome).toMatchObject({ ok: true, result: { status: 200 } });
  });

  it('a record of a known lexicon that does not validate shows a warning with the reason', async () => {
    const { consent, outcome } = await ask(createRecordCall(alice.did, 'app.bsky.graph.list', { name: 'My list' }));
    const check = consent.getByTestId('lexicon-check');
    await expect.poll(() => check.getAttribute('data-status')).toBe('invalid');
    const warning = await check.innerText();
    expect(warning).toContain('Warning: the record does not match the app.bsky.graph.list lexicon');
    expect(warning).toContain('Record must have the property "purpose"');
    expect(await check.isVisible()).toBe(true);
    // The PDS agrees (it validates known lexicons too).
    await clickAndClose(consent, { testId: 'consent-once' });
    expect(await outcome).toMatchObject({ ok: true, result: { status: 400 } });
  });

  it('attacker: an upload declared image/png whose bytes are SVG is shown as a file, never drawn', async () => {
    const { consent, outcome } = await askUpload(SVG, 'image/png');
    const preview = consent.getByTestId('blob-preview');
    await expect.poll(() => preview.getAttribute('data-state')).toBe('ready');
    const content = consent.getByTestId('consent-call-content');
    expect(await content.innerText()).toContain('An SVG drawing, shown as a file');
    expect(await consent.getByTestId('blob-mismatch').innerText()).toContain(
      'the site declared image/png, but the bytes are image/svg+xml',
    );
    // No picture and no SVG element of the site's anywhere in the window; its script never ran.
    expect(await consent.locator('img, svg, object, embed, iframe').count()).toBe(0);
    expect(await consent.evaluate(() => (window as any).__svgRan)).toBeUndefined();
    await clickAndClose(consent, { testId: 'consent-once' });
    expect(await outcome).toMatchObject({ ok: true });
  });

  it('attacker: a record with 10,000 fields keeps the buttons and the origin on screen', async () => {
    // 10,000 keys with $type and createdAt: as many as one object may have (LIMITS.maxEntries).
    const wide = Object.fromEntries(Array.from({ length: 9_998 }, (_, i) => [`field${i}`, `value ${i}`]));
    const { consent, outcome } = await ask(createRecordCall(alice.did, 'com.example.consent.wide', wide));
    await consent.getByTestId('record-tree').waitFor();
    expect(await consent.getByTestId('tree-more').first().innerText()).toContain('9949 more not shown');
    expect(await consent.locator('[data-testid=record-tree] li').count()).toBeLessThan(100);
    for (const id of ['consent-origin', 'consent-deny', 'consent-once', 'consent-always']) {
      expect(await onScreen(consent, id), id).toBe(true);
    }
    await clickAndClose(consent, { testId: 'consent-once' });
    expect(await outcome).toMatchObject({ ok: true });
  });

  it('attacker: a deeply nested record is cut at a depth, with the buttons on screen', async () => {
    let deep: unknown = { bottom: 'the end' };
    for (let i = 0; i < 20; i++) deep = { down: deep, [`wide${i}`]: Array.from({ length: 30 }, (_, j) => `item ${j}`) };
    const { consent, outcome } = await ask(createRecordCall(alice.did, 'com.example.consent.deep', { deep }));
    await consent.getByTestId('record-tree').waitFor();
    // Open every branch, as a curious user would: still bounded, still the buttons in view.
    await consent.locator('[data-testid=record-tree] details').evaluateAll((els) => {
      for (const el of els) (el as HTMLDetailsElement).open = true;
    });
    expect(await consent.getByTestId('record-tree').innerText()).toContain('nested too deep to show');
    expect(await consent.getByTestId('record-tree').innerText()).not.toContain('the end');
    for (const id of ['consent-origin', 'consent-deny', 'consent-once', 'consent-always']) {
      expect(await onScreen(consent, id), id).toBe(true);
    }
    await clickAndClose(consent, { testId: 'consent-once' });
    expect(await outcome).toMatchObject({ ok: true });
  });
});
