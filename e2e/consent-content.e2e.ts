import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ExtensionBrowser } from './support/chromium';
import { type DirectRepo, directRepo } from './support/direct-repo';
import { clickAndClose } from './support/driver';
import { launchConnected } from './support/keyring';
import { createPostCall, createRecordCall, TINY_PNG } from './support/records';
import {
  askWithPreview,
  bytesParam,
  connectApproved,
  nextConsentWindow,
  type RequestOutcome,
  request,
} from './support/site';
import { startTestSite, type TestSite } from './support/test-site';

// Issue 12: the consent window shows what a call will do, with the content itself: the post's text, the
// account followed, the post deleted, each write of an applyWrites, the service a token is for.

const pds = inject('pds');
const extensionPath = inject('chromeExtensionPath');
const { alice, bob } = pds.accounts;
const RUN = Date.now().toString(36);

let browser: ExtensionBrowser;
let closeBrowser: () => Promise<void>;
let site: TestSite;
let page: Page;
let aliceRepo: DirectRepo;
let bobPost: { uri: string; cid: string };
const BOB_POST_TEXT = `Bob's post that others answer (${RUN})`;
const BOB_NAME = `Bob Builder ${RUN}`;

/** Asks in the page and reads the consent window once its preview is filled in. */
async function askAndPreview(method: string, params: unknown) {
  const { consent, pending } = await askWithPreview(browser.context, page, method, params);
  return { consent, pending, text: await consent.getByTestId('consent-call-content').innerText() };
}

/** Approves once and returns the page's answer. */
async function allowOnce(consent: Page, pending: Promise<RequestOutcome>) {
  await clickAndClose(consent, { testId: 'consent-once' });
  return pending;
}

const createRecord = (collection: string, fields: Record<string, unknown>) =>
  createRecordCall(alice.did, collection, fields);

describe('the consent window shows the content of each call (Chromium, local PDS)', () => {
  beforeAll(async () => {
    site = await startTestSite();
    // Bob, another account on the same PDS, has a profile (with an avatar) and a post for Alice's requests to point at.
    const bobRepo = await directRepo(pds.pdsUrl, bob);
    const avatar = await bobRepo.uploadBlob(TINY_PNG, 'image/png');
    await bobRepo.createRecord('app.bsky.actor.profile', { displayName: BOB_NAME, avatar }, 'self');
    bobPost = await bobRepo.createRecord('app.bsky.feed.post', {
      text: BOB_POST_TEXT,
      createdAt: new Date().toISOString(),
    });
    aliceRepo = await directRepo(pds.pdsUrl, alice);
    // Connected with no write permission: every write below asks.
    ({ browser, page, close: closeBrowser } = await launchConnected(extensionPath, pds, alice, site.origin, 'atproto'));
  });
  afterAll(async () => {
    await closeBrowser?.();
    await site?.close();
  });

  it('a post: its text with the mention as it will appear, and the post it replies to (author and text)', async () => {
    const text = `Replying to @${bob.handle} from the consent test ${RUN}`;
    const mention = `@${bob.handle}`;
    const byteStart = Buffer.byteLength(text.slice(0, text.indexOf(mention)));
    const {
      consent,
      pending,
      text: shown,
    } = await askAndPreview(
      'atproto_xrpc',
      createRecord('app.bsky.feed.post', {
        text,
        langs: ['en'],
        facets: [
          {
            index: { byteStart, byteEnd: byteStart + Buffer.byteLength(mention) },
            features: [{ $type: 'app.bsky.richtext.facet#mention', did: bob.did }],
          },
        ],
        reply: { root: bobPost, parent: bobPost },
      }),
    );
    expect(await consent.getByTestId('consent-call-content').getAttribute('data-renderer')).toBe('repo-write');
    expect(shown).toContain('Publish this post:');
    expect(await consent.getByTestId('preview-post-text').innerText()).toContain(text);
    expect(shown).toContain(`In reply to @${bob.handle}`);
    expect(shown).toContain(BOB_POST_TEXT);
    expect(await consent.getByTestId('preview-mention-target').innerText()).toContain(
      `${mention} notifies @${bob.handle} ${bob.did}`,
    );
    expect(shown).toContain('Languages: en');
    const accounts = consent.getByTestId('preview-account');
    expect(await accounts.first().getAttribute('data-handle-status')).toBe('verified');
    expect(await consent.getByTestId('preview-handle-mismatch').count()).toBe(0);
    expect(await allowOnce(consent, pending)).toMatchObject({ ok: true, result: { status: 200 } });
  });

  it('a post with an image: the picture from the bytes just uploaded, its alt text; the record checked', async () => {
    // The upload first (the upload renderer's window), then the post that shows the uploaded image.
    const uploadWindow = nextConsentWindow(browser.context);
    const uploading = request(page, 'atproto_xrpc', {
      nsid: 'com.atproto.repo.uploadBlob',
      body: bytesParam(TINY_PNG),
      encoding: 'image/png',
    });
    await clickAndClose(await uploadWindow, { testId: 'consent-once' });
    const uploaded = await uploading;
    expect(uploaded).toMatchObject({ ok: true, result: { status: 200 } });
    const blob = (uploaded as any).result.body.blob;
    const { consent, pending, text } = await askAndPreview(
      'atproto_xrpc',
      createPostCall(alice.did, `A picture post (${RUN})`, {
        embed: { $type: 'app.bsky.embed.images', images: [{ alt: `a tiny dot (${RUN})`, image: blob }] },
      }),
    );
    expect(text).toContain(`A picture post (${RUN})`);
    const preview = consent.getByTestId('blob-preview');
    await expect.poll(() => preview.getAttribute('data-state')).toBe('ready');
    expect(await preview.innerText()).toContain(`Alt text: a tiny dot (${RUN})`);
    const src = await consent.getByTestId('blob-thumbnail').getAttribute('src');
    expect(src).toMatch(/^(blob|data):/);
    await expect.poll(() => consent.getByTestId('lexicon-check').getAttribute('data-status')).toBe('valid');
    expect(await allowOnce(consent, pending)).toMatchObject({ ok: true, result: { status: 200 } });
  });

  it('a like: the post it likes, its author and text', async () => {
    const { consent, pending, text } = await askAndPreview(
      'atproto_xrpc',
      createRecord('app.bsky.feed.like', { subject: bobPost }),
    );
    expect(text).toContain('Like this post:');
    expect(text).toContain(`@${bob.handle} ${bob.did}`);
    expect(text).toContain(BOB_POST_TEXT);
    expect(await allowOnce(consent, pending)).toMatchObject({ ok: true, result: { status: 200 } });
  });

  it('a follow: the account followed, by handle (verified) and DID, with its display name and avatar', async () => {
    const { consent, pending, text } = await askAndPreview(
      'atproto_xrpc',
      createRecord('app.bsky.graph.follow', { subject: bob.did }),
    );
    expect(text).toContain('Follow this account:');
    expect(text).toContain(`@${bob.handle} ${bob.did}`);
    expect(text).toContain(`Display name: ${BOB_NAME}`);
    expect(await consent.getByTestId('preview-account').getAttribute('data-handle-status')).toBe('verified');
    // The avatar, read from Bob's PDS by the background and drawn from bytes, never from a remote address.
    const avatar = consent.getByTestId('preview-account').getByTestId('preview-avatar');
    await avatar.waitFor({ timeout: 15_000 });
    expect(await avatar.getAttribute('src')).toMatch(/^(blob|data):/);
    expect(await allowOnce(consent, pending)).toMatchObject({ ok: true, result: { status: 200 } });
  });

  it('a delete: the deleted post’s text, fetched first; a post that does not exist says so', async () => {
    const doomedText = `Alice's post about to be deleted (${RUN})`;
    const doomed = await aliceRepo.createRecord('app.bsky.feed.post', {
      text: doomedText,
      createdAt: new Date().toISOString(),
    });
    const rkey = doomed.uri.split('/').pop()!;
    const deletion = (key: string) => ({
      nsid: 'com.atproto.repo.deleteRecord',
      body: { repo: alice.did, collection: 'app.bsky.feed.post', rkey: key },
    });
    let { consent, pending, text } = await askAndPreview('atproto_xrpc', deletion(rkey));
    expect(text).toContain('Delete this post:');
    expect(text).toContain(doomedText);
    expect(await allowOnce(consent, pending)).toMatchObject({ ok: true, result: { status: 200 } });
    // Now it is gone: asking to delete it again shows that there is nothing to delete.
    ({ consent, pending, text } = await askAndPreview('atproto_xrpc', deletion(rkey)));
    expect(text).toContain('This record does not exist: there is nothing to delete.');
    expect(text).not.toContain(doomedText);
    await allowOnce(consent, pending);
  });

  it('an applyWrites: each write with its action and content, repeats once, those the grant covers marked', async () => {
    // The site may now create posts (not likes, not deletes).
    const upgrade = { scope: 'atproto repo:app.bsky.feed.post?action=create' };
    expect(await connectApproved(browser.context, page, upgrade)).toMatchObject({ ok: true });

    const doomedText = `Deleted within an applyWrites (${RUN})`;
    const doomed = await aliceRepo.createRecord('app.bsky.feed.post', {
      text: doomedText,
      createdAt: new Date().toISOString(),
    });
    const createdAt = new Date().toISOString();
    const like = {
      $type: 'com.atproto.repo.applyWrites#create',
      collection: 'app.bsky.feed.like',
      value: { $type: 'app.bsky.feed.like', subject: bobPost, createdAt },
    };
    const newPostText = `Written by an applyWrites (${RUN})`;
    const { consent, pending, text } = await askAndPreview('atproto_xrpc', {
      nsid: 'com.atproto.repo.applyWrites',
      body: {
        repo: alice.did,
        writes: [
          like,
          like,
          {
            $type: 'com.atproto.repo.applyWrites#create',
            collection: 'app.bsky.feed.post',
            value: { $type: 'app.bsky.feed.post', text: newPostText, createdAt },
          },
          {
            $type: 'com.atproto.repo.applyWrites#delete',
            collection: 'app.bsky.feed.post',
            rkey: doomed.uri.split('/').pop(),
          },
        ],
      },
    });
    expect(await consent.getByTestId('consent-call-content').getAttribute('data-renderer')).toBe('apply-writes');
    expect(text).toContain('4 changes in one request:');
    const items = consent.getByTestId('consent-write');
    expect(await items.count()).toBe(3);
    const item = (i: number) => items.nth(i);
    expect(await item(0).getAttribute('data-count')).toBe('2');
    expect(await item(0).innerText()).toContain('Like this post:');
    expect(await item(0).innerText()).toContain(BOB_POST_TEXT);
    expect(await item(0).innerText()).toContain('2 identical changes, shown once');
    expect(await item(1).innerText()).toContain(newPostText);
    expect(await item(1).innerText()).toContain('Already allowed for this site');
    expect(await item(2).innerText()).toContain('Delete this post:');
    expect(await item(2).innerText()).toContain(doomedText);
    expect(
      await Promise.all([0, 1, 2].map(async (i) => (await item(i).getAttribute('data-covered')) === 'true')),
    ).toEqual([false, true, false]);
    // The permission lines say each permission once, too.
    const lines = (await consent.getByTestId('consent-permissions').innerText()).split('\n').filter(Boolean);
    expect(new Set(lines).size).toBe(lines.length);
    expect(await allowOnce(consent, pending)).toMatchObject({ ok: true, result: { status: 200 } });
  });

  it('an applyWrites mixing known and unknown collections: each write itemised, the unknown ones as trees', async () => {
    const oldNote = `An unknown record about to go (${RUN})`;
    const old = await aliceRepo.createRecord('com.example.thing', { $type: 'com.example.thing', note: oldNote });
    const newNote = `An unknown record written (${RUN})`;
    const { consent, pending } = await askAndPreview('atproto_xrpc', {
      nsid: 'com.atproto.repo.applyWrites',
      body: {
        repo: alice.did,
        writes: [
          {
            $type: 'com.atproto.repo.applyWrites#create',
            collection: 'app.bsky.feed.like',
            value: { $type: 'app.bsky.feed.like', subject: bobPost, createdAt: new Date().toISOString() },
          },
          {
            $type: 'com.atproto.repo.applyWrites#create',
            collection: 'com.example.thing',
            value: { $type: 'com.example.thing', note: newNote },
          },
          {
            $type: 'com.atproto.repo.applyWrites#delete',
            collection: 'com.example.thing',
            rkey: old.uri.split('/').pop(),
          },
        ],
      },
    });
    expect(await consent.getByTestId('consent-call-content').getAttribute('data-renderer')).toBe('apply-writes');
    const items = consent.getByTestId('consent-write');
    expect(await items.count()).toBe(3);
    const item = (i: number) => items.nth(i);
    expect(await item(0).innerText()).toContain('Like this post:');
    expect(await item(0).innerText()).toContain(BOB_POST_TEXT);
    expect(await item(1).innerText()).toContain('Create a record in com.example.thing:');
    expect(await item(1).getByTestId('record-tree').innerText()).toContain(newNote);
    expect(await item(2).innerText()).toContain('Delete a record from com.example.thing:');
    expect(await item(2).getByTestId('record-tree').innerText()).toContain(oldNote);
    expect(
      await Promise.all(
        [0, 1, 2].map(async (i) => [
          await item(i).getAttribute('data-action'),
          await item(i).getAttribute('data-covered'),
        ]),
      ),
    ).toEqual([
      ['create', 'false'],
      ['create', 'false'],
      ['delete', 'false'],
    ]);
    expect(await allowOnce(consent, pending)).toMatchObject({ ok: true, result: { status: 200 } });
  });

  it('a service token: the audience, its endpoint from its DID document, the method and the lifetime', async () => {
    const { consent, pending, text } = await askAndPreview('atproto_serviceAuth', {
      aud: site.serviceDid,
      lxm: 'com.example.test.echo',
    });
    expect(await consent.getByTestId('consent-call-content').getAttribute('data-renderer')).toBe('service-auth');
    expect(text).toContain(`Service: ${site.serviceDid}`);
    expect(text).toContain(`#test_svc at ${site.serviceDid.replace('did:web:', 'http://').replace('%3A', ':')}`);
    expect(text).toContain('For one method: com.example.test.echo');
    expect(text).toContain('Valid for 60 seconds');
    expect(await consent.getByTestId('preview-service-any-method').count()).toBe(0);
    expect(await allowOnce(consent, pending)).toMatchObject({ ok: true, result: { token: expect.any(String) } });
  });
});
