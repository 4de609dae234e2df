import { BlobPermission, RepoPermission, RpcPermission } from '@atproto/oauth-scopes';
import type { Requirement } from './requirements';

const COLLECTION_NAMES: Record<string, string> = {
  'app.bsky.feed.post': 'posts',
  'app.bsky.feed.like': 'likes',
  'app.bsky.feed.repost': 'reposts',
  'app.bsky.graph.follow': 'follows',
  'app.bsky.graph.block': 'blocks',
  'app.bsky.graph.list': 'lists',
  'app.bsky.graph.listitem': 'list entries',
  'app.bsky.actor.profile': 'your profile',
  'app.bsky.feed.threadgate': 'reply settings',
};

const ACTION_WORDS = { create: 'create', update: 'edit', delete: 'delete' } as const;

function collectionWords(collection: string): string {
  if (collection === '*') return 'any kind of record';
  const name = COLLECTION_NAMES[collection];
  return name ? `${name} (${collection})` : `${collection} records`;
}

function audienceWords(aud: string): string {
  return aud === '*' ? 'any service' : aud;
}

function listWords(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** One scope token in plain words, for the consent window and the popup. */
export function describeScope(token: string): string {
  if (token === 'atproto') return 'Know which account you use (your DID and handle)';
  if (token === 'transition:generic')
    return 'Full access to your account data: post, like, follow, upload and read on your behalf';
  if (token === 'transition:chat.bsky') return 'Read and send your direct messages';
  const repo = RepoPermission.fromString(token);
  if (repo) {
    const verbs = listWords(repo.action.map((a) => ACTION_WORDS[a]));
    const what = listWords(repo.collection.map(collectionWords));
    return `${verbs[0].toUpperCase()}${verbs.slice(1)} ${what} in your repository`;
  }
  const rpc = RpcPermission.fromString(token);
  if (rpc) {
    const methods = rpc.lxm.includes('*') ? 'any method' : listWords([...rpc.lxm]);
    return `Call ${methods} as you at ${audienceWords(rpc.aud)}`;
  }
  const blob = BlobPermission.fromString(token);
  if (blob) {
    const kinds = blob.accept.map((m) => (m === '*/*' ? 'any file' : m.endsWith('/*') ? `${m.slice(0, -2)} files` : m));
    return `Upload ${listWords(kinds)}`;
  }
  return token;
}

export function describeRequirement(r: Requirement): string {
  switch (r.kind) {
    case 'repo':
      return `${ACTION_WORDS[r.action][0].toUpperCase()}${ACTION_WORDS[r.action].slice(1)} ${collectionWords(r.collection)} in your repository`;
    case 'blob':
      return `Upload a file (${r.mime})`;
    case 'rpc':
      return `Call ${r.lxm === '*' ? 'any method' : r.lxm} as you at ${audienceWords(r.aud)}`;
  }
}
