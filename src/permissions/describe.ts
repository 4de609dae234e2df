import { BlobPermission, type RepoAction, RepoPermission, RpcPermission } from '@atproto/oauth-scopes';
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

/** The verbs of some repo actions, in a list: "create, edit and delete". */
export function actionWords(actions: readonly RepoAction[]): string {
  return listWords(actions.map((a) => ACTION_WORDS[a]));
}

const capitalised = (text: string) => `${text[0].toUpperCase()}${text.slice(1)}`;

/** A repo permission for some of its actions: "Create and edit posts (app.bsky.feed.post) in your repository". */
export function describeRepo(actions: readonly RepoAction[], collections: readonly string[]): string {
  return `${capitalised(actionWords(actions))} ${listWords(collections.map(collectionWords))} in your repository`;
}

/** The methods of an RPC permission: "any method" or their names. */
export function methodWords(lxm: readonly string[]): string {
  return lxm.includes('*') ? 'any method' : listWords([...lxm]);
}

/** One scope token in plain words, for the consent window and the popup. */
export function describeScope(token: string): string {
  if (token === 'atproto') return 'Know which account you use (your DID and handle)';
  if (token === 'transition:generic')
    return 'Full access to your account data: post, like, follow, upload and read on your behalf';
  if (token === 'transition:chat.bsky') return 'Read and send your direct messages';
  const repo = RepoPermission.fromString(token);
  if (repo) return describeRepo(repo.action, repo.collection);
  const rpc = RpcPermission.fromString(token);
  if (rpc) return `Call ${methodWords(rpc.lxm)} as you at ${audienceWords(rpc.aud)}`;
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
      return describeRepo([r.action], [r.collection]);
    case 'blob':
      return `Upload a file (${r.mime})`;
    case 'rpc':
      return `Call ${r.lxm === '*' ? 'any method' : r.lxm} as you at ${audienceWords(r.aud)}`;
  }
}
