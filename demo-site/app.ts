/**
 * The demo site: an ordinary web page that uses the AT Keyring SDK and
 * @atproto/api's Agent. Everything it does goes through the extension.
 */
import type { Agent, AppBskyEmbedImages } from '@atproto/api';
import { Agent as AtprotoAgent } from '@atproto/api';
import { connectAgent, createAgentSession } from '../sdk/src/agent';
import { ATKEYRING_RDNS, findKeyringError, KeyringClient } from '../sdk/src/index';

const SCOPE = [
  'atproto',
  'repo:app.bsky.feed.post?action=create',
  'repo:app.bsky.actor.profile?action=create&action=update',
  'blob:image/*',
].join(' ');

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
let client: KeyringClient | null = null;
let agent: Agent | null = null;
const blobUrls: string[] = [];

function showError(err: unknown) {
  const keyring = findKeyringError(err);
  $('error').textContent = keyring
    ? `${keyring.message} (code ${keyring.code})`
    : err instanceof Error
      ? err.message
      : String(err);
}

function clearError() {
  $('error').textContent = '';
}

function setSignedIn(signedIn: boolean) {
  $('signed-in').hidden = !signedIn;
  $('signed-out').hidden = signedIn;
  $('disconnect').hidden = !signedIn;
}

async function refreshProfile() {
  if (!agent?.did) return;
  const { data } = await agent.com.atproto.repo.describeRepo({ repo: agent.did });
  $('handle').textContent = `@${data.handle}`;
  $('did').textContent = agent.did;
  let displayName = '';
  try {
    const res = await agent.com.atproto.repo.getRecord({
      repo: agent.did,
      collection: 'app.bsky.actor.profile',
      rkey: 'self',
    });
    displayName = ((res.data.value as { displayName?: string }).displayName ?? '').trim();
  } catch {
    // No profile record yet.
  }
  $('display-name').textContent = displayName || '(no display name)';
}

async function refreshPosts() {
  if (!agent?.did) return;
  const did = agent.did;
  const { data } = await agent.com.atproto.repo.listRecords({ repo: did, collection: 'app.bsky.feed.post', limit: 20 });
  for (const url of blobUrls.splice(0)) URL.revokeObjectURL(url);
  const container = $('posts');
  container.replaceChildren();
  if (data.records.length === 0) {
    container.innerHTML = '<p class="muted">No posts yet.</p>';
    return;
  }
  for (const record of data.records) {
    const value = record.value as {
      text?: string;
      createdAt?: string;
      embed?: { images?: Array<{ alt?: string; image?: { ref?: { $link?: string } | { toString(): string } } }> };
    };
    const item = document.createElement('div');
    item.className = 'post';
    item.dataset.uri = record.uri;
    const text = document.createElement('div');
    text.textContent = value.text ?? '';
    const when = document.createElement('div');
    when.className = 'muted';
    when.textContent = value.createdAt ? new Date(value.createdAt).toLocaleString() : '';
    item.append(text, when);
    for (const image of value.embed?.images ?? []) {
      const ref = image.image?.ref;
      const cid = ref && '$link' in ref ? ref.$link : ref?.toString();
      if (!cid) continue;
      const img = document.createElement('img');
      img.alt = image.alt ?? '';
      item.append(img);
      // Blobs are fetched through the extension too (sync.getBlob).
      void agent.com.atproto.sync.getBlob({ did, cid }).then((res) => {
        const url = URL.createObjectURL(new Blob([res.data as BlobPart], { type: res.headers['content-type'] }));
        blobUrls.push(url);
        img.src = url;
      });
    }
    container.append(item);
  }
}

async function onConnected() {
  setSignedIn(true);
  await Promise.all([refreshProfile(), refreshPosts()]);
}

async function main() {
  try {
    client = await KeyringClient.discover({ rdns: ATKEYRING_RDNS, timeoutMs: 1000 });
  } catch {
    $('status').textContent = 'AT Keyring is not installed in this browser.';
    return;
  }
  $('status').textContent = `Found ${client.info?.name ?? 'a provider'}.`;
  $('connect').removeAttribute('disabled');
  // For poking around in the console.
  (window as unknown as { demo: unknown }).demo = {
    client,
    get agent() {
      return agent;
    },
    Agent: AtprotoAgent,
    createAgentSession,
  };

  client.on('accountsChanged', (accounts) => {
    if (accounts.length === 0) {
      agent = null;
      setSignedIn(false);
      $('status').textContent = 'Not connected.';
    }
  });
  client.on('disconnect', ({ message }) => {
    $('status').textContent = `Disconnected: ${message}`;
  });

  // Already connected on an earlier visit? Reconnecting is silent then. It can fail (the session ended, the
  // extension restarted): the page then offers Connect, with the reason, instead of going dead.
  try {
    const accounts = await client.accounts();
    if (accounts.length > 0) {
      agent = await connectAgent(client, { scope: 'atproto' });
      await onConnected();
    } else {
      $('status').textContent = 'Not connected.';
    }
  } catch (err) {
    agent = null;
    setSignedIn(false);
    $('status').textContent = 'Not connected.';
    showError(err);
  }

  $('connect').addEventListener('click', async () => {
    clearError();
    try {
      agent = await connectAgent(client!, { scope: SCOPE });
      $('status').textContent = 'Connected.';
      await onConnected();
    } catch (err) {
      showError(err);
    }
  });

  $('disconnect').addEventListener('click', async () => {
    clearError();
    await client!.disconnect().catch(showError);
    agent = null;
    setSignedIn(false);
    $('status').textContent = 'Not connected.';
  });

  $<HTMLFormElement>('profile-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    clearError();
    const displayName = $<HTMLInputElement>('display-name-input').value.trim();
    try {
      await agent!.upsertProfile((existing) => ({ ...existing, displayName }));
      await refreshProfile();
    } catch (err) {
      showError(err);
    }
  });

  $<HTMLFormElement>('post-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    clearError();
    const text = $<HTMLTextAreaElement>('post-text').value.trim();
    const file = $<HTMLInputElement>('post-image').files?.[0];
    if (!text && !file) return;
    $('post-submit').setAttribute('disabled', '');
    try {
      let embed: (AppBskyEmbedImages.Main & { $type: 'app.bsky.embed.images' }) | undefined;
      if (file) {
        const { data } = await agent!.uploadBlob(new Uint8Array(await file.arrayBuffer()), { encoding: file.type });
        embed = { $type: 'app.bsky.embed.images', images: [{ alt: file.name, image: data.blob }] };
      }
      await agent!.post({ text, embed, createdAt: new Date().toISOString() });
      $<HTMLFormElement>('post-form').reset();
      await refreshPosts();
    } catch (err) {
      showError(err);
    } finally {
      $('post-submit').removeAttribute('disabled');
    }
  });
}

void main();
