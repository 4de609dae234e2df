import { BlobPermission, type RepoAction, RepoPermission, RpcPermission } from '@atproto/oauth-scopes';
import { i18n } from '#i18n';
import type { Requirement } from './requirements';

/** Plain names of the collections people know; any other is named by its NSID. */
const COLLECTION_NAMES: Record<string, () => string> = {
  'app.bsky.feed.post': () => i18n.t('scopes.collection.posts'),
  'app.bsky.feed.like': () => i18n.t('scopes.collection.likes'),
  'app.bsky.feed.repost': () => i18n.t('scopes.collection.reposts'),
  'app.bsky.graph.follow': () => i18n.t('scopes.collection.follows'),
  'app.bsky.graph.block': () => i18n.t('scopes.collection.blocks'),
  'app.bsky.graph.list': () => i18n.t('scopes.collection.lists'),
  'app.bsky.graph.listitem': () => i18n.t('scopes.collection.listItems'),
  'app.bsky.actor.profile': () => i18n.t('scopes.collection.profile'),
  'app.bsky.feed.threadgate': () => i18n.t('scopes.collection.threadgates'),
};

const ACTION_WORDS: Record<RepoAction, () => string> = {
  create: () => i18n.t('scopes.action.create'),
  update: () => i18n.t('scopes.action.update'),
  delete: () => i18n.t('scopes.action.delete'),
};

function collectionWords(collection: string): string {
  if (collection === '*') return i18n.t('scopes.anyRecord');
  const name = COLLECTION_NAMES[collection];
  return name
    ? i18n.t('scopes.collectionNamed', { name: name(), nsid: collection })
    : i18n.t('scopes.collectionRecords', { nsid: collection });
}

function audienceWords(aud: string): string {
  return aud === '*' ? i18n.t('scopes.anyService') : aud;
}

/** "a, b and c", in the catalogue's language. */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  const head = items.slice(0, -1).join(i18n.t('scopes.listSeparator'));
  return i18n.t('scopes.listAnd', { items: head, last: items.at(-1)! });
}

/** The verbs of some repo actions, in a list: "create, edit and delete". */
export function actionWords(actions: readonly RepoAction[]): string {
  return listWords(actions.map((a) => ACTION_WORDS[a]()));
}

/** A sentence starts with a capital where the language has them (a no-op for Japanese). */
const capitalised = (text: string) => (text ? `${text[0]!.toLocaleUpperCase()}${text.slice(1)}` : text);

/** A repo permission for some of its actions: "Create and edit posts (app.bsky.feed.post) in your repository". */
export function describeRepo(actions: readonly RepoAction[], collections: readonly string[]): string {
  return capitalised(
    i18n.t('scopes.repo', { actions: actionWords(actions), collections: listWords(collections.map(collectionWords)) }),
  );
}

/** The methods of an RPC permission: "any method" or their names. */
export function methodWords(lxm: readonly string[]): string {
  return lxm.includes('*') ? i18n.t('scopes.anyMethod') : listWords([...lxm]);
}

/** One scope token in plain words, for the consent window and the popup. */
export function describeScope(token: string): string {
  if (token === 'atproto') return i18n.t('scopes.atproto');
  if (token === 'transition:generic') return i18n.t('scopes.transitionGeneric');
  if (token === 'transition:chat.bsky') return i18n.t('scopes.transitionChat');
  const repo = RepoPermission.fromString(token);
  if (repo) return describeRepo(repo.action, repo.collection);
  const rpc = RpcPermission.fromString(token);
  if (rpc) return i18n.t('scopes.rpc', { methods: methodWords(rpc.lxm), audience: audienceWords(rpc.aud) });
  const blob = BlobPermission.fromString(token);
  if (blob) {
    const kinds = blob.accept.map((m) =>
      m === '*/*'
        ? i18n.t('scopes.anyFile')
        : m.endsWith('/*')
          ? i18n.t('scopes.filesOfType', { type: m.slice(0, -2) })
          : m,
    );
    return i18n.t('scopes.blob', { kinds: listWords(kinds) });
  }
  return token;
}

export function describeRequirement(r: Requirement): string {
  switch (r.kind) {
    case 'repo':
      return describeRepo([r.action], [r.collection]);
    case 'blob':
      return i18n.t('scopes.uploadOne', { mime: r.mime });
    case 'rpc':
      return i18n.t('scopes.rpc', {
        methods: r.lxm === '*' ? i18n.t('scopes.anyMethod') : r.lxm,
        audience: audienceWords(r.aud),
      });
  }
}
